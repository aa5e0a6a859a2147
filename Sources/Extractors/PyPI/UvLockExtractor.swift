import Foundation
import FnauditModel

/// `uv.lock`: packages with a `source` table; the project itself (`editable`/`virtual`) is skipped.
public struct UvLockExtractor: Extractor {
    public let id = ExtractorID.uvLock
    public init() {}

    public let pathEndings = ["uv.lock"]

    public func fileRequired(_ path: String) -> Bool { PathName.base(path) == "uv.lock" }

    public func extract(_ input: ExtractorInput) throws -> Extraction {
        // Wheels, sdists and metadata are most of the file and never read here.
        let root = try StructuredDocument.tomlLockfile(input.contents, skipping: ["package.wheels", "package.sdist", "package.metadata"])
        let (graph, devOnly) = UvLockExtractor.graph(root)
        var packages = PythonLockEntry.packages(in: input, root: root, key: "package", extractor: id) { entry in
            let source = entry.dictionary("source") ?? [:]
            if source["editable"] != nil || source["virtual"] != nil { return nil }
            return PythonLockEntry.Reading(nonRegistrySource: source.string("git").map { "git+\($0)" } ?? source.string("path")
                                           ?? source.string("directory") ?? source.string("url"),
                                           isDev: devOnly.contains(Ecosystem.pypi.normalizedName(entry.string("name") ?? "")))
        }
        graph.annotate(&packages) { $0.normalizedName }
        return Extraction(packages: packages)
    }

    /// The graph by normalised name, and the packages only dev groups reach: uv records dev groups
    /// on the project's own package (`[package.dev-dependencies]`), not on each package.
    static func graph(_ root: [String: Any]) -> (DependencyGraph, devOnly: Set<String>) {
        func names(_ list: Any?) -> [String] {
            (list as? [Any] ?? []).compactMap { ($0 as? [String: Any])?.string("name").map(Ecosystem.pypi.normalizedName) }
        }
        var prodRoots: [String] = [], devRoots: [String] = []
        var edges: [String: [String]] = [:]
        var graph = DependencyGraph()
        for entry in (root["package"] as? [Any] ?? []).compactMap({ $0 as? [String: Any] }) {
            guard let name = entry.string("name").map(Ecosystem.pypi.normalizedName) else { continue }
            graph.names[name] = entry.string("name")
            let optional = (entry.dictionary("optional-dependencies") ?? [:]).values.flatMap(names)
            edges[name, default: []] += names(entry["dependencies"]) + optional
            let source = entry.dictionary("source") ?? [:]
            if source["editable"] != nil || source["virtual"] != nil {
                prodRoots += names(entry["dependencies"]) + optional
                devRoots += (entry.dictionary("dev-dependencies") ?? [:]).values.flatMap(names)
            }
        }
        graph.edges = edges
        graph.direct = prodRoots + devRoots
        return (graph, DevReachability.devOnly(prodRoots: prodRoots, devRoots: devRoots, edges: edges))
    }
}
