import Foundation
import FnauditModel

/// `pylock.toml` and `pylock.<name>.toml` (PEP 751).
public struct PylockExtractor: Extractor {
    public let id = ExtractorID.pylock
    public init() {}

    public let pathEndings = [".toml"]

    public func fileRequired(_ path: String) -> Bool {
        let base = PathName.base(path)
        return base == "pylock.toml" || (base.hasPrefixBytes("pylock.") && base.hasSuffixBytes(".toml"))
    }

    public func extract(_ input: ExtractorInput) throws -> Extraction {
        let root = try StructuredDocument.toml(input.contents)
        var result = Extraction()
        if let version = root.string("lock-version"), !version.hasPrefix("1.") && version != "1" {
            result.issues.append(ScanIssue(location: input.location, message: "lock-version \(version) is newer than fnaudit knows", severity: .warning))
        }
        result.packages = PythonLockEntry.packages(in: input, root: root, key: "packages", extractor: id) { entry in
            var reading = PythonLockEntry.Reading(marker: entry.string("marker"))
            if let vcs = entry.dictionary("vcs") { reading.nonRegistrySource = "\(vcs.string("type") ?? "vcs")+\(vcs.string("url") ?? vcs.string("path") ?? "")" }
            if let directory = entry.dictionary("directory") { reading.nonRegistrySource = directory.string("path") ?? "directory" }
            if let archive = entry.dictionary("archive") { reading.nonRegistrySource = archive.string("url") ?? archive.string("path") ?? "archive" }
            return reading
        }
        return result
    }
}
