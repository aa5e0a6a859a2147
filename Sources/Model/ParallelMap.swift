import Dispatch
import Foundation

/// `body(0..<count)` on all cores, results in index order. Work is handed out in chunks so that
/// thousands of tiny items (records, entries) do not each pay for a dispatch.
public func parallelMap<T>(_ count: Int, chunk: Int = 64, _ body: (Int) -> T) -> [T] {
    guard count > 0 else { return [] }
    let slots = UnsafeMutableBufferPointer<T?>.allocate(capacity: count)
    slots.initialize(repeating: nil)
    defer {
        slots.deinitialize()
        slots.deallocate()
    }
    withoutActuallyEscaping(body) { body in
        let box = UncheckedSendable((slots, body))
        DispatchQueue.concurrentPerform(iterations: (count + chunk - 1) / chunk) { c in
            let (slots, body) = box.value
            AlternateSignalStack.ensureForCurrentThread()
            for i in (c * chunk)..<Swift.min(count, (c + 1) * chunk) {
                slots[i] = body(i)   // each index is written by exactly one worker
            }
        }
    }
    return slots.compactMap { $0 }
}

/// Carries a value into `concurrentPerform` when the caller guarantees the access pattern.
private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// A progress counter shared by workers.
public final class SharedCounter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()
    public init() {}
    public func increment(by n: Int = 1) -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += n
        return value
    }
}

/// Every thread that runs fnaudit's work gets an alternate signal stack, so that a crash handler
/// can still run when a thread's own stack is exhausted.
public enum AlternateSignalStack {
    private static let size = 64 * 1024
    public static func ensureForCurrentThread() {
        var current = stack_t()
        guard sigaltstack(nil, &current) == 0, current.ss_flags & Int32(SS_DISABLE) != 0 else { return }
        guard let memory = malloc(size) else { return }   // kept for the thread's life
        var stack = stack_t(ss_sp: memory, ss_flags: 0, ss_size: size)
        sigaltstack(&stack, nil)
    }
}
