import Foundation
import FnauditModel

/// `pdm.lock`: packages with `groups`; those outside `default` are dev.
public struct PdmLockExtractor: Extractor {
    public let id = ExtractorID.pdmLock
    public init() {}

    public let pathEndings = ["pdm.lock"]

    public func fileRequired(_ path: String) -> Bool { PathName.base(path) == "pdm.lock" }

    public func extract(_ input: ExtractorInput) throws -> Extraction {
        // File hashes are most of the file and never read here.
        let root = try StructuredDocument.tomlLockfile(input.contents, skipping: ["metadata", "package.files"])
        return Extraction(packages: PythonLockEntry.packages(in: input, root: root, key: "package", extractor: id) { entry in
            let groups = (entry.array("groups") ?? []).compactMap { $0 as? String }
            return PythonLockEntry.Reading(nonRegistrySource: entry.string("git").map { "git+\($0)" } ?? entry.string("path") ?? entry.string("url"),
                                           isDev: !groups.isEmpty && !groups.contains("default"))
        })
    }
}
