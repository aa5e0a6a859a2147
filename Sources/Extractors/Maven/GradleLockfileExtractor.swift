import Foundation
import FnauditModel

/// `gradle.lockfile` and `buildscript-gradle.lockfile`: `group:artifact:version=configurations`.
/// A dependency locked only in test configurations is a dev dependency.
public struct GradleLockfileExtractor: Extractor {
    public let id = ExtractorID.gradleLockfile
    public init() {}

    public let pathEndings = ["gradle.lockfile"]

    public func fileRequired(_ path: String) -> Bool {
        let base = PathName.base(path)
        return base == "gradle.lockfile" || base == "buildscript-gradle.lockfile"
    }

    public func extract(_ input: ExtractorInput) throws -> Extraction {
        guard !input.contents.contains(0) else { throw ExtractionError("not a gradle.lockfile: binary content") }
        var result = Extraction()
        var number = 0
        for raw in TextLines.split(input.text) {
            number += 1
            let line = String(raw).trimmingWhitespace
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix("empty=") { continue }
            let halves = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let coordinates = halves[0].split(separator: ":", omittingEmptySubsequences: false)
            guard coordinates.count == 3, coordinates.allSatisfy({ !$0.isEmpty }) else {
                result.issues.append(ScanIssue(location: input.location(line: number),
                                               message: "unreadable line \(line.debugDescription)", severity: .warning))
                continue
            }
            let configurations = halves.count > 1 ? halves[1].split(separator: ",").map { $0.lowercased() } : []
            let isDev = !configurations.isEmpty && configurations.allSatisfy { $0.containsBytes("test") }
            result.packages.append(Package(ecosystem: .maven, name: "\(coordinates[0]):\(coordinates[1])", version: String(coordinates[2]),
                                           locations: [input.location(line: number)], isDev: isDev, extractor: id))
        }
        return result
    }
}
