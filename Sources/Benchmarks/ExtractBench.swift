import Foundation
import FnauditModel
import FnauditExtractors

/// `fnaudit-bench extract FILE…`: each file through the extractors its name selects, in a loop.
enum ExtractBench {
    private struct NoSiblings: SiblingFiles {
        func read(_ path: String) throws -> [UInt8] { throw ExtractionError("no siblings in the benchmark") }
    }

    static func run(_ files: [String]) {
        print("file                                      KB   packages   µs/extraction   MB/s")
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                print("\(file): cannot read")
                continue
            }
            let bytes = [UInt8](data)
            let name = (file as NSString).lastPathComponent
            let extractors = ExtractorRegistry.extractors(for: name)
            guard !extractors.isEmpty else {
                print("\(file): no extractor takes \(name)")
                continue
            }
            let input = ExtractorInput(path: name, location: Location(path: name), contents: bytes, siblings: NoSiblings())
            func once() -> Int {
                extractors.reduce(0) { $0 + ((try? $1.extract(input))?.packages.count ?? 0) }
            }
            let packages = once()
            var best = Double.infinity
            for _ in 0..<5 {
                var runs = 0
                let start = DispatchTime.now().uptimeNanoseconds
                var elapsed: UInt64 = 0
                while elapsed < 200_000_000 {
                    _ = once()
                    runs += 1
                    elapsed = DispatchTime.now().uptimeNanoseconds - start
                }
                best = min(best, Double(elapsed) / 1_000 / Double(runs))
            }
            let label = String(file.suffix(40)).padding(toLength: 40, withPad: " ", startingAt: 0)
            print(label + String(format: " %5d %10d %15.1f %6.0f", bytes.count / 1000, packages, best, Double(bytes.count) / best))
        }
    }
}
