import Foundation
import FnauditModel

/// `uv.lock`: packages with a `source` table; the project itself (`editable`/`virtual`) is skipped.
public struct UvLockExtractor: Extractor {
    public let id = ExtractorID.uvLock
    public init() {}

    public func fileRequired(_ path: String) -> Bool { PathName.base(path) == "uv.lock" }

    public func extract(_ input: ExtractorInput) throws -> Extraction {
        let root = try StructuredDocument.toml(input.contents)
        let devOnly = devOnlyNames(root)
        return Extraction(packages: PythonLockEntry.packages(in: input, root: root, key: "package", extractor: id) { entry in
            let source = entry.dictionary("source") ?? [:]
            if source["editable"] != nil || source["virtual"] != nil { return nil }
            return PythonLockEntry.Reading(nonRegistrySource: source.string("git").map { "git+\($0)" } ?? source.string("path")
                                           ?? source.string("directory") ?? source.string("url"),
                                           isDev: devOnly.contains(Ecosystem.pypi.normalizedName(entry.string("name") ?? "")))
        })
    }

    /// uv records dev groups on the project's own package (`[package.dev-dependencies]`), not on
    /// each package: those only reachable from there are dev.
    private func devOnlyNames(_ root: [String: Any]) -> Set<String> {
        func names(_ list: Any?) -> [String] {
            (list as? [Any] ?? []).compactMap { ($0 as? [String: Any])?.string("name").map(Ecosystem.pypi.normalizedName) }
        }
        var prodRoots: [String] = [], devRoots: [String] = []
        var edges: [String: [String]] = [:]
        for entry in (root["package"] as? [Any] ?? []).compactMap({ $0 as? [String: Any] }) {
            guard let name = entry.string("name").map(Ecosystem.pypi.normalizedName) else { continue }
            let optional = (entry.dictionary("optional-dependencies") ?? [:]).values.flatMap(names)
            edges[name, default: []] += names(entry["dependencies"]) + optional
            let source = entry.dictionary("source") ?? [:]
            if source["editable"] != nil || source["virtual"] != nil {
                prodRoots += names(entry["dependencies"]) + optional
                devRoots += (entry.dictionary("dev-dependencies") ?? [:]).values.flatMap(names)
            }
        }
        return DevReachability.devOnly(prodRoots: prodRoots, devRoots: devRoots, edges: edges)
    }
}
