import Foundation
import FnauditModel

/// `pnpm-lock.yaml`, lockfile versions 5.x (`/name/1.0.0_peer@2`), 6.x (`/name@1.0.0(peer@2)`)
/// and 9.x (`name@1.0.0` under `packages`, peer variants under `snapshots`).
public struct PnpmLockExtractor: Extractor {
    public let id = ExtractorID.pnpmLock
    public init() {}

    public let pathEndings = ["pnpm-lock.yaml"]

    public func fileRequired(_ path: String) -> Bool { PathName.base(path) == "pnpm-lock.yaml" }

    public func extract(_ input: ExtractorInput) throws -> Extraction {
        // The line reader when the file is within pnpm's subset (and the limits), else the general parser.
        let document: PnpmLockDocument
        if let read = PnpmLockReader.document(input.contents) {
            document = read
        } else {
            let tree = try StructuredDocument.yaml(input.contents)
            guard let root = tree as? [String: Any] else {
                if let text = tree as? String, text.isEmpty { return Extraction() }
                throw ExtractionError("not a pnpm-lock.yaml: the document is not a mapping")
            }
            if root.isEmpty { return Extraction() }
            document = PnpmLockDocument(tree: root)
        }
        guard let versionText = document.lockfileVersion else {
            throw ExtractionError("not a pnpm-lock.yaml: no lockfileVersion")
        }
        let major = Int(versionText.trimmingCharacters(in: CharacterSet(charactersIn: "'\"")).split(separator: ".").first ?? "") ?? 0
        guard (5...9).contains(major) else {
            throw ExtractionError("unsupported pnpm lockfileVersion \(versionText) (fnaudit reads 5.x to 9.x)")
        }
        let lines = KeyLines(yamlKeysAt: "  ", in: input.contents)
        var result = Extraction()
        let (graph, devOnlyV9) = major >= 9 ? snapshotGraph(document) : (packagesGraph(document, major: major), [])
        // A package key (`qs@6.5.2`) is the snapshot key without its peer suffix (5.x and 6.x key both alike).
        var snapshotOf: [String: String] = [:]
        if major >= 9 {
            for node in graph.edges.keys.sorted() where snapshotOf[stripPeers(node)] == nil { snapshotOf[stripPeers(node)] = node }
        }
        let shortest = graph.shortestPaths()
        result.packages.reserveCapacity(document.packages.count)
        for (key, entry) in document.packages {
            guard var package = self.package(key: key, entry: entry, major: major, input: input, lines: lines) else {
                result.issues.append(ScanIssue(location: input.location, message: "unreadable package key \(key.debugDescription)", severity: .warning))
                continue
            }
            if devOnlyV9.contains(key) { package.isDev = true }
            // 5.x and 6.x: every package key is a node.
            if let node = major >= 9 ? snapshotOf[key] : key {
                package.isDirect = shortest.distance(to: node) == 0
                package.dependencyPaths = shortest.paths(to: node)
            }
            result.packages.append(package)
        }
        return result
    }

    private func stripPeers(_ key: String) -> String {
        NpmNames.firstIndex(of: "(", in: Substring(key)).map { String(key[..<$0]) } ?? key
    }

    /// 5.x and 6.x: `packages` keys (`/name/1.0.0`, `/name@1.0.0`) with their `dependencies`, and the
    /// project's own lists at the top level or per importer.
    private func packagesGraph(_ document: PnpmLockDocument, major: Int) -> DependencyGraph {
        let packages = document.packages
        func targets(_ list: [PnpmLockDocument.Dependency]) -> [String] {
            list.compactMap { dependency in
                let version = dependency.version
                if version.hasPrefix("link:") { return nil }
                if version.hasPrefix("/") { return packages[version] != nil ? version : nil }
                let candidate = major >= 6 ? "/\(dependency.name)@\(version)" : "/\(dependency.name)/\(version)"
                return packages[candidate] != nil ? candidate : nil
            }
        }
        var graph = DependencyGraph()
        for project in document.importers + [document.topLevel] {
            graph.direct += targets(project.dependencies) + targets(project.devDependencies) + targets(project.optionalDependencies)
        }
        graph.edges.reserveCapacity(packages.count)
        graph.names.reserveCapacity(packages.count)
        for (node, entry) in packages {
            graph.edges[node] = targets(entry.lists.dependencies) + targets(entry.lists.optionalDependencies)
            let spec = node.hasPrefix("/") ? String(node.dropFirst()) : node
            if major >= 6 { graph.names[node] = NpmNames.splitNameAndVersion(Substring(stripPeers(spec)))?.name ?? spec }
            else { graph.names[node] = NpmNames.lastIndex(of: "/", in: Substring(spec)).map { String(spec[..<$0]) } ?? spec }
        }
        return graph
    }

    /// 9.x keeps dependencies in `snapshots`, keyed `name@version(peers)`, and dev flags nowhere:
    /// the graph from the importers' dependency lists, and the packages only dev roots reach.
    private func snapshotGraph(_ document: PnpmLockDocument) -> (DependencyGraph, Set<String>) {
        func targets(_ list: [PnpmLockDocument.Dependency]) -> [String] {
            list.compactMap { $0.version.hasPrefix("link:") ? nil : "\($0.name)@\($0.version)" }
        }
        var prodRoots: [String] = [], devRoots: [String] = []
        for importer in document.importers {
            prodRoots += targets(importer.dependencies) + targets(importer.optionalDependencies)
            devRoots += targets(importer.devDependencies)
        }
        var edges: [String: [String]] = [:]
        for (key, snapshot) in document.snapshots {
            edges[key] = targets(snapshot.dependencies) + targets(snapshot.optionalDependencies)
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

    private func package(key: String, entry: PnpmLockDocument.Entry, major: Int, input: ExtractorInput, lines: KeyLines) -> Package? {
        var spec = Substring(key)
        if spec.hasPrefix("/") {
            spec = spec.dropFirst()
        } else if major < 6, let slash = spec.firstIndex(of: "/"), spec[..<slash].contains(".") || spec[..<slash].contains(":") {
            // 5.x keys of packages from another registry start with its host: `registry.example/foo/1.1.0`.
            spec = spec[spec.index(after: slash)...]
        }
        // Peer-dependency suffixes: `(peer@2)` from 6.x on, `_peer@2` in 5.x.
        if let paren = NpmNames.firstIndex(of: "(", in: spec) { spec = spec[..<paren] }
        var name: String?, version: String?
        if major >= 6 {
            if let split = NpmNames.splitNameAndVersion(spec) { (name, version) = (split.name, split.version) }
        } else if let slash = NpmNames.lastIndex(of: "/", in: spec) {
            name = String(spec[..<slash])
            var v = spec[spec.index(after: slash)...]
            if let underscore = NpmNames.firstIndex(of: "_", in: v) { v = v[..<underscore] }
            version = String(v)
        }
        let location = input.location(line: lines.line(of: key) ?? lines.line(of: "'\(key)'"))
        let nonRegistrySource = entry.repo ?? entry.tarball ?? entry.directory
        let isDev = entry.dev
        if let entryVersion = entry.version, let entryName = entry.name ?? name.flatMap({ $0.isEmpty ? nil : $0 }) {
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
        if NpmNames.isNonRegistry(version) || nonRegistrySource.map({ !NpmNames.contains("/-/", in: $0) }) == true {
            return Package(ecosystem: .npm, name: name, version: "", versionKind: .nonRegistry,
                           versionNote: nonRegistrySource ?? version, locations: [location], isDev: isDev, extractor: id)
        }
        return Package(ecosystem: .npm, name: name, version: version, locations: [location], isDev: isDev, extractor: id)
    }
}
