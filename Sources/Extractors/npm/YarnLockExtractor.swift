import Foundation
import FnauditModel

/// `yarn.lock`, classic (v1) and berry (v2+, `__metadata`), read line by line: v1 is not YAML,
/// and both share the same shape of "specs:" headers with indented fields.
public struct YarnLockExtractor: Extractor {
    public let id = ExtractorID.yarnLock
    public init() {}

    public func fileRequired(_ path: String) -> Bool { PathName.base(path) == "yarn.lock" }

    public func extract(_ input: ExtractorInput) throws -> Extraction {
        guard !input.contents.contains(0) else { throw ExtractionError("not a yarn.lock: binary content") }
        var result = Extraction()
        var header: (specs: String, line: Int)?
        var fields: [String: String] = [:]
        var sawEntry = false
        // The graph: every entry is a node named by its first descriptor; its descriptors resolve
        // the dependencies of other entries (`name@range`); workspaces are the roots.
        var graph = DependencyGraph()
        var nodeOf: [String: String] = [:]           // descriptor → node
        var dependencies: [String: [String]] = [:]    // node → descriptors it depends on
        var nodeOfPackage: [Int: String] = [:]        // index in result.packages → node
        var inDependencies = false, entryDependencies: [String] = []
        var workspaces: [String] = []                 // the project's own entries: their dependencies are the direct ones

        func descriptors(_ specs: String) -> [String] {
            specs.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        }

        func flush() {
            defer { header = nil; fields = [:]; inDependencies = false; entryDependencies = [] }
            guard let (specs, line) = header, specs != "__metadata" else { return }
            sawEntry = true
            let all = descriptors(specs)
            if let node = all.first {
                for descriptor in all { nodeOf[descriptor] = node }
                dependencies[node] = entryDependencies
                if let name = NpmNames.splitNameAndVersion(Substring(node))?.name { graph.names[node] = name }
                if node.contains("@workspace:") { workspaces.append(node) }
            }
            let first = specs.split(separator: ",").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? specs
            let unquoted = first.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            guard case (var name, let range)? = NpmNames.splitNameAndVersion(Substring(unquoted)) else { return }
            // Aliases (`alias@npm:real@^1`): the package installed is the real one.
            if range.hasPrefix("npm:"), let real = NpmNames.splitNameAndVersion(range.dropFirst(4)) {
                name = real.name
            } else if range.hasPrefix("npm:"), !range.dropFirst(4).contains("@"),
                      let resolved = NpmNames.splitNameAndVersion(Substring(fields["resolution"] ?? "")), resolved.version.hasPrefix("npm:") {
                name = resolved.name
            }
            let resolution = fields["resolution"] ?? ""
            if let node = all.first { graph.names[node] = name }   // the real name, not an alias
            // Workspaces and links are the project itself, not dependencies.
            if range.hasPrefix("workspace:") || resolution.contains("@workspace:") || range.hasPrefix("link:") {
                if let node = all.first, !workspaces.contains(node) { workspaces.append(node) }
                return
            }
            guard let version = fields["version"] else { return }
            var package = NpmNames.package(name: name, version: version, location: input.location(line: line),
                                           isDev: false, extractor: id, resolved: fields["resolved"])
            if resolution.count > 1,
               let at = resolution.range(of: "@", options: .backwards, range: resolution.index(after: resolution.startIndex)..<resolution.endIndex) {
                let protocolPart = resolution[at.upperBound...]
                if !(protocolPart.hasPrefix("npm:") || protocolPart.hasPrefix("patch:")) && !protocolPart.isEmpty {
                    package.versionKind = .nonRegistry
                    package.versionNote = resolution
                }
            }
            nodeOfPackage[result.packages.count] = all.first
            result.packages.append(package)
        }

        var lineNumber = 0
        for rawLine in TextLines.split(input.text) {
            lineNumber += 1
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.isEmpty || line.hasPrefix("#") { continue }
            if !line.hasPrefix(" ") {
                flush()
                guard line.hasSuffix(":") else {
                    throw ExtractionError("not a yarn.lock: unexpected line \(lineNumber)")
                }
                header = (String(line.dropLast()), lineNumber)
                continue
            }
            // A dependency of the entry (four spaces under `dependencies:`): `name: range` or `name "range"`.
            if header != nil, inDependencies, line.hasPrefix("    "), !line.hasPrefix("     ") {
                let body = line.dropFirst(4)
                let quoted = body.hasPrefix("\"")
                let nameEnd = quoted ? body.dropFirst().firstIndex(of: "\"").map { body.index(after: $0) } : body.firstIndex(where: { $0 == ":" || $0 == " " })
                if let nameEnd {
                    let name = body[..<nameEnd].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                    let range = body[nameEnd...].drop { $0 == ":" || $0 == " " }.trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
                    entryDependencies.append("\(name)@\(range)")
                }
                continue
            }
            // Only the entry's own fields (two-space indent), not nested dependency maps.
            guard header != nil, line.hasPrefix("  "), !line.hasPrefix("   ") else { continue }
            let body = line.dropFirst(2)
            let bare = body.trimmingCharacters(in: CharacterSet(charactersIn: "\": "))
            inDependencies = body.hasSuffix(":") && ["dependencies", "optionalDependencies"].contains(bare)
            // `key "value"` (v1) or `key: value` (berry): the key ends at the first space or colon.
            guard let end = body.firstIndex(where: { $0 == " " || $0 == ":" }) else { continue }
            // Keys may be quoted too (`"version" "0.0.1"`, `"version": 2.0.0`): the quotes are not part of the name.
            var key = body[..<end]
            if key.hasPrefix("\""), let close = body.dropFirst().firstIndex(of: "\"") {
                key = body[body.index(after: body.startIndex)..<close]
                let rest = body[body.index(after: close)...].drop { $0 == ":" || $0 == " " }
                fields[String(key)] = rest.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                continue
            }
            let value = body[body.index(after: end)...]
            fields[String(key)] = value.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        flush()
        let meaningful = TextLines.split(input.text).contains { !$0.hasPrefix("#") && !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        if !sawEntry && meaningful && !input.text.contains("__metadata") {
            throw ExtractionError("not a yarn.lock: no entries")
        }
        // Berry writes `name: npm:^1.0.0`; older ranges have no protocol.
        func resolve(_ descriptor: String) -> String? { nodeOf[descriptor] ?? nodeOf[descriptor.replacingOccurrences(of: "@npm:", with: "@")] }
        for (node, wanted) in dependencies { graph.edges[node] = wanted.compactMap(resolve) }
        let projectNodes = Set(workspaces)
        graph.direct = workspaces.flatMap { graph.edges[$0] ?? [] }.filter { !projectNodes.contains($0) }
        if graph.direct.isEmpty {
            // Classic yarn.lock has no root entry: the project's package.json beside it names the direct ones.
            let manifest = PathName.directory(input.path).isEmpty ? "package.json" : PathName.directory(input.path) + "/package.json"
            if let bytes = input.siblings.contents(of: manifest), let json = try? StructuredDocument.json(bytes) as? [String: Any] {
                for key in ["dependencies", "devDependencies", "optionalDependencies"] {
                    for (name, range) in json.dictionary(key) ?? [:] {
                        if let range = range as? String, let node = resolve("\(name)@\(range)") { graph.direct.append(node) }
                    }
                }
            }
        }
        if !graph.direct.isEmpty {
            let shortest = graph.shortestPaths()
            for (index, node) in nodeOfPackage {
                result.packages[index].isDirect = shortest.reached[node] == 0
                result.packages[index].dependencyPaths = shortest.paths(to: node)
            }
        }
        return result
    }
}
