import Foundation
import FnauditModel

/// `pnpm-lock.yaml`, lockfile versions 5.x (`/name/1.0.0_peer@2`), 6.x (`/name@1.0.0(peer@2)`)
/// and 9.x (`name@1.0.0` under `packages`, peer variants under `snapshots`).
public struct PnpmLockExtractor: Extractor {
    public let id = ExtractorID.pnpmLock
    public init() {}

    public func fileRequired(_ path: String) -> Bool { PathName.base(path) == "pnpm-lock.yaml" }

    public func extract(_ input: ExtractorInput) throws -> Extraction {
        let document = try StructuredDocument.yaml(input.contents)
        guard let root = document as? [String: Any] else {
            if let text = document as? String, text.isEmpty { return Extraction() }
            throw ExtractionError("not a pnpm-lock.yaml: the document is not a mapping")
        }
        if root.isEmpty { return Extraction() }
        guard let versionText = root.string("lockfileVersion") else {
            throw ExtractionError("not a pnpm-lock.yaml: no lockfileVersion")
        }
        let major = Int(versionText.trimmingCharacters(in: CharacterSet(charactersIn: "'\"")).split(separator: ".").first ?? "") ?? 0
        guard (5...9).contains(major) else {
            throw ExtractionError("unsupported pnpm lockfileVersion \(versionText) (fnaudit reads 5.x to 9.x)")
        }
        let lines = KeyLines(yamlKeysAt: "  ", in: input.contents)
        var result = Extraction()
        let packages = root.dictionary("packages") ?? [:]
        let (graph, devOnlyV9) = major >= 9 ? snapshotGraph(root) : (packagesGraph(root, major: major), [])
        // A package key (`qs@6.5.2`) is the snapshot key without its peer suffix (5.x and 6.x key both alike).
        var snapshotOf: [String: String] = [:]
        for node in graph.edges.keys.sorted() where snapshotOf[stripPeers(node)] == nil { snapshotOf[stripPeers(node)] = node }
        if major < 9 { for node in graph.edges.keys { snapshotOf[node] = node } }
        let shortest = graph.shortestPaths()
        for (key, value) in packages {
            let entry = value as? [String: Any] ?? [:]
            guard var package = self.package(key: key, entry: entry, major: major, input: input, lines: lines) else {
                result.issues.append(ScanIssue(location: input.location, message: "unreadable package key \(key.debugDescription)", severity: .warning))
                continue
            }
            if devOnlyV9.contains(key) { package.isDev = true }
            if let node = snapshotOf[key] {
                package.isDirect = shortest.reached[node] == 0
                package.dependencyPaths = shortest.paths(to: node)
            }
            result.packages.append(package)
        }
        return result
    }

    private func stripPeers(_ key: String) -> String {
        key.firstIndex(of: "(").map { String(key[..<$0]) } ?? key
    }

    /// 5.x and 6.x: `packages` keys (`/name/1.0.0`, `/name@1.0.0`) with their `dependencies`, and the
    /// project's own lists at the top level or per importer.
    private func packagesGraph(_ root: [String: Any], major: Int) -> DependencyGraph {
        let packages = root.dictionary("packages") ?? [:]
        func key(_ name: String, _ value: Any) -> String? {
            guard let version = (value as? [String: Any])?.string("version") ?? (value as? String), !version.hasPrefix("link:") else { return nil }
            if version.hasPrefix("/") { return packages[version] != nil ? version : nil }
            let candidate = major >= 6 ? "/\(name)@\(version)" : "/\(name)/\(version)"
            return packages[candidate] != nil ? candidate : nil
        }
        func targets(_ entry: [String: Any], _ lists: [String]) -> [String] {
            lists.flatMap { list in (entry.dictionary(list) ?? [:]).sorted { $0.key < $1.key }.compactMap { key($0.key, $0.value) } }
        }
        var graph = DependencyGraph()
        let own = ["dependencies", "devDependencies", "optionalDependencies"]
        let projects = (root.dictionary("importers") ?? [:]).values.compactMap { $0 as? [String: Any] } + [root]
        graph.direct = projects.flatMap { targets($0, own) }
        for (node, value) in packages {
            let entry = value as? [String: Any] ?? [:]
            graph.edges[node] = targets(entry, ["dependencies", "optionalDependencies"])
            let spec = node.hasPrefix("/") ? String(node.dropFirst()) : node
            if major >= 6 { graph.names[node] = NpmNames.splitNameAndVersion(Substring(stripPeers(spec)))?.name ?? spec }
            else { graph.names[node] = spec.lastIndex(of: "/").map { String(spec[..<$0]) } ?? spec }
        }
        return graph
    }

    /// 9.x keeps dependencies in `snapshots`, keyed `name@version(peers)`, and dev flags nowhere:
    /// the graph from the importers' dependency lists, and the packages only dev roots reach.
    private func snapshotGraph(_ root: [String: Any]) -> (DependencyGraph, Set<String>) {
        func targets(_ list: [String: Any]?) -> [String] {
            (list ?? [:]).compactMap { name, value -> String? in
                let version = (value as? [String: Any])?.string("version") ?? (value as? String)
                guard let version, !version.hasPrefix("link:") else { return nil }
                return "\(name)@\(version)"
            }
        }
        var prodRoots: [String] = [], devRoots: [String] = []
        for case let importer as [String: Any] in (root.dictionary("importers") ?? [:]).values {
            prodRoots += targets(importer.dictionary("dependencies")) + targets(importer.dictionary("optionalDependencies"))
            devRoots += targets(importer.dictionary("devDependencies"))
        }
        var edges: [String: [String]] = [:]
        for (key, value) in root.dictionary("snapshots") ?? [:] {
            let snapshot = value as? [String: Any] ?? [:]
            edges[key] = targets(snapshot.dictionary("dependencies")) + targets(snapshot.dictionary("optionalDependencies"))
        }
        let devSnapshots = DevReachability.devOnly(prodRoots: prodRoots, devRoots: devRoots, edges: edges)
        let prodPackages = Set(edges.keys.filter { !devSnapshots.contains($0) }.map(stripPeers))
        var graph = DependencyGraph()
        graph.edges = edges
        graph.direct = prodRoots + devRoots
        for node in edges.keys {
            graph.names[node] = NpmNames.splitNameAndVersion(Substring(stripPeers(node))).map(\.name) ?? node
        }
        return (graph, Set(devSnapshots.map(stripPeers)).subtracting(prodPackages))
    }

    private func package(key: String, entry: [String: Any], major: Int, input: ExtractorInput, lines: KeyLines) -> Package? {
        var spec = Substring(key)
        if spec.hasPrefix("/") {
            spec = spec.dropFirst()
        } else if major < 6, let slash = spec.firstIndex(of: "/"), spec[..<slash].contains(".") || spec[..<slash].contains(":") {
            // 5.x keys of packages from another registry start with its host: `registry.example/foo/1.1.0`.
            spec = spec[spec.index(after: slash)...]
        }
        // Peer-dependency suffixes: `(peer@2)` from 6.x on, `_peer@2` in 5.x.
        if let paren = spec.firstIndex(of: "(") { spec = spec[..<paren] }
        var name: String?, version: String?
        if major >= 6 {
            if let split = NpmNames.splitNameAndVersion(spec) { (name, version) = (split.name, split.version) }
        } else if let slash = spec.lastIndex(of: "/") {
            name = String(spec[..<slash])
            var v = spec[spec.index(after: slash)...]
            if let underscore = v.firstIndex(of: "_") { v = v[..<underscore] }
            version = String(v)
        }
        let location = input.location(line: lines.line(of: key) ?? lines.line(of: "'\(key)'"))
        let resolution = entry.dictionary("resolution") ?? [:]
        let nonRegistrySource = resolution.string("repo") ?? resolution.string("tarball") ?? resolution.string("directory")
        let isDev = entry.bool("dev")
        if let entryVersion = entry.string("version"), let entryName = entry.string("name") ?? name.flatMap({ $0.isEmpty ? nil : $0 }) {
            // Git, tarball and file packages carry their real version (and in 5.x/6.x their name) in
            // the entry; 9.x keys them `name@<url>` with only `version:` inside.
            return Package(ecosystem: .npm, name: entryName, version: entryVersion,
                           versionKind: nonRegistrySource != nil ? .nonRegistry : .exact,
                           versionNote: nonRegistrySource, locations: [location], isDev: isDev, extractor: id)
        }
        guard let name, let version, !name.isEmpty, !version.isEmpty else { return nil }
        if version.first?.isNumber != true {
            // `github.com/kevva/is-positive`, `/foo/bar`: no registry version in the key, and none in the entry.
            return Package(ecosystem: .npm, name: String(key.drop { $0 == "/" }), version: "", versionKind: .nonRegistry,
                           versionNote: nonRegistrySource ?? "\(key) (no version in the lockfile)", locations: [location],
                           isDev: isDev, extractor: id)
        }
        if NpmNames.isNonRegistry(version) || nonRegistrySource.map({ !$0.contains("/-/") }) == true {
            return Package(ecosystem: .npm, name: name, version: "", versionKind: .nonRegistry,
                           versionNote: nonRegistrySource ?? version, locations: [location], isDev: isDev, extractor: id)
        }
        return Package(ecosystem: .npm, name: name, version: version, locations: [location], isDev: isDev, extractor: id)
    }
}
