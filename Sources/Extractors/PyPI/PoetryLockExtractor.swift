import Foundation
import FnauditModel

/// `poetry.lock` 1.x (`category = "dev"`) and 2.x (`groups = [...]`).
public struct PoetryLockExtractor: Extractor {
    public let id = ExtractorID.poetryLock
    public init() {}

    public let pathEndings = ["poetry.lock"]

    public func fileRequired(_ path: String) -> Bool { PathName.base(path) == "poetry.lock" }

    public func extract(_ input: ExtractorInput) throws -> Extraction {
        // File hashes (`[metadata.files]` in 1.x, `files` in 2.x) are most of the file and never read here.
        let root = try StructuredDocument.tomlLockfile(input.contents, skipping: ["metadata", "package.files", "package.extras"])
        var packages = PythonLockEntry.packages(in: input, root: root, key: "package", extractor: id) { entry in
            let groups = (entry.array("groups") ?? []).compactMap { $0 as? String }
            var reading = PythonLockEntry.Reading(isDev: entry.string("category") == "dev" || (!groups.isEmpty && !groups.contains("main")))
            // `legacy` sources are private package indexes: still registry releases.
            if let table = entry.dictionary("source"), let type = table.string("type"), type != "legacy" {
                reading.nonRegistrySource = "\(type): \(table.string("url") ?? "")"
            }
            return reading
        }
        var graph = DependencyGraph()
        for entry in (root["package"] as? [Any] ?? []).compactMap({ $0 as? [String: Any] }) {
            guard let name = entry.string("name") else { continue }
            let node = Ecosystem.pypi.normalizedName(name)
            graph.names[node] = name
            graph.edges[node] = (entry.dictionary("dependencies") ?? [:]).keys.sorted().map(Ecosystem.pypi.normalizedName)
        }
        graph.direct = PoetryLockExtractor.directDependencies(input).filter { graph.names[$0] != nil }
        if !graph.direct.isEmpty { graph.annotate(&packages) { $0.normalizedName } }
        return Extraction(packages: packages)
    }

    /// The project's own dependencies, from the `pyproject.toml` beside the lock (poetry.lock does
    /// not record them): `[tool.poetry.*dependencies]` tables and PEP 621 `[project] dependencies`.
    static func directDependencies(_ input: ExtractorInput) -> [String] {
        let directory = PathName.directory(input.path)
        guard let bytes = input.siblings.contents(of: directory.isEmpty ? "pyproject.toml" : directory + "/pyproject.toml"),
              let project = try? StructuredDocument.toml(bytes) else { return [] }
        var names: [String] = []
        let poetry = project.dictionary("tool")?.dictionary("poetry") ?? [:]
        names += Array((poetry.dictionary("dependencies") ?? [:]).keys) + Array((poetry.dictionary("dev-dependencies") ?? [:]).keys)
        for case let group as [String: Any] in (poetry.dictionary("group") ?? [:]).values {
            names += Array((group.dictionary("dependencies") ?? [:]).keys)
        }
        let requirements = (project.dictionary("project")?.array("dependencies") ?? []).compactMap { $0 as? String }
        names += requirements.map { String($0.prefix { $0.isLetter || $0.isNumber || "-_.".contains($0) }) }
        return names.filter { $0.lowercased() != "python" }.map(Ecosystem.pypi.normalizedName)
    }
}
