import Foundation
import FnauditModel

/// `poetry.lock` 1.x (`category = "dev"`) and 2.x (`groups = [...]`).
public struct PoetryLockExtractor: Extractor {
    public let id = ExtractorID.poetryLock
    public init() {}

    public func fileRequired(_ path: String) -> Bool { PathName.base(path) == "poetry.lock" }

    public func extract(_ input: ExtractorInput) throws -> Extraction {
        let root = try StructuredDocument.toml(input.contents)
        return Extraction(packages: PythonLockEntry.packages(in: input, root: root, key: "package", extractor: id) { entry in
            let groups = (entry.array("groups") ?? []).compactMap { $0 as? String }
            var reading = PythonLockEntry.Reading(isDev: entry.string("category") == "dev" || (!groups.isEmpty && !groups.contains("main")))
            // `legacy` sources are private package indexes: still registry releases.
            if let table = entry.dictionary("source"), let type = table.string("type"), type != "legacy" {
                reading.nonRegistrySource = "\(type): \(table.string("url") ?? "")"
            }
            return reading
        })
    }
}
