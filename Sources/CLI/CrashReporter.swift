import Foundation
import FnauditModel
#if canImport(Glibc)
import Glibc
#endif

/// A crash is a bug in fnaudit, but whoever runs it in CI should see one line saying so, not an
/// 80-line backtrace. `FNAUDIT_BACKTRACE=1` keeps Swift's own backtracer for debugging.
enum CrashReporter {
    static func install() {
        guard ProcessInfo.processInfo.environment["FNAUDIT_BACKTRACE"] == nil else { return }
        AlternateSignalStack.ensureForCurrentThread()
        for signal in [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { number in
                // Only async-signal-safe calls here: a fixed message and _exit.
                let text: StaticString
                switch number {
                case SIGSEGV: text = "fnaudit: error: internal error (SIGSEGV, e.g. a stack overflow): this is a bug; please report it with the input that caused it\n"
                case SIGABRT: text = "fnaudit: error: internal error (SIGABRT): this is a bug; please report it with the input that caused it\n"
                default: text = "fnaudit: error: internal error (a fatal signal): this is a bug; please report it with the input that caused it\n"
                }
                _ = text.withUTF8Buffer { Glibc.write(2, $0.baseAddress, $0.count) }
                _exit(2)
            }
            action.sa_flags = Int32(SA_ONSTACK)
            sigemptyset(&action.sa_mask)
            sigaction(signal, &action, nil)
        }
    }
}
