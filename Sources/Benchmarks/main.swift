import Foundation
import FnauditModel
import FnauditVersioning

// Comparator throughput on real version lists: `swift run -c release fnaudit-bench [fixtures-dir]`.
// Versions come from the reference vectors (advisory snapshots, release histories, test suites).
// Prints parses/s and comparisons/s of pre-parsed versions, one thread.
//
// Extractor cost in one process, without the walk, the merge or process start:
// `swift run -c release fnaudit-bench extract FILE…` (each named as its format: pnpm-lock.yaml, pom.xml…),
// prints µs per extraction and MB/s, one thread, best of 5 rounds of about 0.2 s.

if CommandLine.arguments.count > 2, CommandLine.arguments[1] == "extract" {
    ExtractBench.run(Array(CommandLine.arguments.dropFirst(2)))
    exit(0)
}

let fixtures = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "Tests/Fixtures/versions"

func versions(_ file: String) -> [String] {
    guard let data = FileManager.default.contents(atPath: "\(fixtures)/\(file)") else {
        FileHandle.standardError.write(Data("cannot read \(fixtures)/\(file); run from the repository root\n".utf8))
        exit(2)
    }
    var seen = Set<String>()
    for line in String(decoding: data, as: UTF8.self).split(separator: "\n") where !line.hasPrefix("#") {
        let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
        if fields.count == 3 { seen.insert(String(fields[0])); seen.insert(String(fields[1])) }
    }
    return seen.sorted()
}

func measure(_ body: () -> Int) -> (Double, Int) {
    let start = DispatchTime.now().uptimeNanoseconds
    let count = body()
    return (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, count)
}

print("ecosystem  versions  parses/s     comparisons/s (pre-parsed, 1 thread)")
for (ecosystem, file) in [(Ecosystem.npm, "npm-pairs.tsv"), (.pypi, "pypi-pairs.tsv"), (.maven, "maven-pairs.tsv")] {
    let texts = versions(file)
    var parsed: [EcosystemVersion] = []
    let (parseSeconds, parseCount) = measure {
        var n = 0
        for _ in 0..<5 {
            parsed = texts.compactMap { ecosystem.parseVersion($0).version }
            n += texts.count
        }
        return n
    }
    // Shuffle deterministically so neighbours are not pre-sorted.
    var order = Array(parsed.indices)
    var seed: UInt64 = 0x9E3779B97F4A7C15
    for i in stride(from: order.count - 1, to: 0, by: -1) {
        seed = seed &* 6364136223846793005 &+ 1442695040888963407
        order.swapAt(i, Int(seed >> 33) % (i + 1))
    }
    let shuffled = order.map { parsed[$0] }
    let (compareSeconds, compareCount) = measure {
        var sum = 0
        var n = 0
        let count = shuffled.count
        for round in 0..<40 {
            for i in 0..<count {
                sum &+= EcosystemVersion.compare(shuffled[i], shuffled[(i + round + 1) % count]) ?? 0
                n += 1
            }
        }
        if sum == Int.min { print(sum) }   // keep the work observable
        return n
    }
    print(ecosystem.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
          + String(texts.count).padding(toLength: 10, withPad: " ", startingAt: 0)
          + String(format: "%-12.0f %.0f", Double(parseCount) / parseSeconds, Double(compareCount) / compareSeconds))
}
