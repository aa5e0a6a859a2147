import Foundation

// fnaudit-fuzz: one libFuzzer entry point for every parser of hostile input.
//
// Built normally (`swift build --product fnaudit-fuzz`) it is the reproducer runner:
//     FNAUDIT_FUZZ_TARGET=pom-xml fnaudit-fuzz crash-1234 …   (or --target pom-xml)
// runs each file once through the target. Built with `-sanitize=fuzzer,address` (see
// Scripts/fuzz/run.sh) libFuzzer is linked in and `main` hands over to its driver, so all of
// libFuzzer's flags work: `FNAUDIT_FUZZ_TARGET=pom-xml fnaudit-fuzz CORPUS -max_total_time=60`.

/// The target of this process, from `FNAUDIT_FUZZ_TARGET` (or `--target`, read by `main`).
nonisolated(unsafe) var selectedTarget: FuzzTarget?

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let target = selectedTarget else { return 0 }
    let bytes = size == 0 || data == nil ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    target.run(bytes)
    return 0
}

/// `int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*UserCb)(const uint8_t *Data, size_t Size))`,
/// present only when libFuzzer is linked in (and exported: `-Xlinker --export-dynamic-symbol=LLVMFuzzerRunDriver`).
typealias FuzzerDriver = @convention(c) (
    UnsafeMutablePointer<CInt>, UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

@main
enum FuzzMain {
    static func main() {
        var arguments = Array(CommandLine.arguments.dropFirst())
        var name = ProcessInfo.processInfo.environment["FNAUDIT_FUZZ_TARGET"]
        if arguments.first == "--list" {
            print(FuzzTarget.allCases.map(\.rawValue).joined(separator: "\n"))
            return
        }
        if arguments.first == "--seed-pattern", arguments.count == 2 {
            guard let target = FuzzTarget(rawValue: arguments[1]) else { usage("unknown target \(arguments[1])") }
            print(target.seedPattern)
            return
        }
        if arguments.first == "--target", arguments.count >= 2 {
            name = arguments[1]
            arguments.removeFirst(2)
        }
        guard let name else { usage("set FNAUDIT_FUZZ_TARGET") }
        guard let target = FuzzTarget(rawValue: name) else { usage("unknown target \(name)") }
        selectedTarget = target

        if let symbol = dlsym(dlopen(nil, RTLD_NOW), "LLVMFuzzerRunDriver") {
            // libFuzzer parses its own flags; files given on the command line are run once each.
            let driver = unsafeBitCast(symbol, to: FuzzerDriver.self)
            let cArguments = ([CommandLine.arguments[0]] + arguments).map { strdup($0) } + [nil]
            let storage = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: cArguments.count)
            storage.initialize(from: cArguments, count: cArguments.count)
            var argc = CInt(arguments.count + 1)
            var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = storage
            exit(driver(&argc, &argv, fuzzTestOneInput))
        }
        // Without libFuzzer: the reproducer runner.
        guard !arguments.isEmpty else { usage("name files to run (this binary has no libFuzzer)") }
        for path in arguments {
            guard let data = FileManager.default.contents(atPath: path) else { usage("cannot read \(path)") }
            FileHandle.standardError.write(Data("running \(target.rawValue) on \(path) (\(data.count) bytes)\n".utf8))
            target.run([UInt8](data))
        }
        FileHandle.standardError.write(Data("no crash\n".utf8))
    }

    static func usage(_ problem: String) -> Never {
        FileHandle.standardError.write(Data("""
            fnaudit-fuzz: \(problem)
            usage: FNAUDIT_FUZZ_TARGET=TARGET fnaudit-fuzz [libFuzzer flags] [CORPUS_DIR|FILE…]
                   fnaudit-fuzz --target TARGET FILE…   (reproducer runner, unsanitized build)
                   fnaudit-fuzz --list
            targets: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))

            """.utf8))
        exit(2)
    }
}
