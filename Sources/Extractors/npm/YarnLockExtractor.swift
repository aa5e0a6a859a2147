import Foundation
import FnauditModel

/// `yarn.lock`, classic (v1) and berry (v2+, `__metadata`), read line by line: v1 is not YAML,
/// and both share the same shape of "specs:" headers with indented fields.
public struct YarnLockExtractor: Extractor {
    public let id = ExtractorID.yarnLock
    public init() {}

    public let pathEndings = ["yarn.lock"]

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
            specs.split(separator: ",").map { Self.trim(Self.trim($0, Self.isWhitespace), Self.isQuote) }
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
                if NpmNames.contains("@workspace:", in: node) { workspaces.append(node) }
            }
            // The first descriptor, unquoted (`all.first`, already split and trimmed), else the whole header.
            let unquoted = all.first ?? Self.trim(specs, Self.isQuote)
            guard case (var name, let range)? = NpmNames.splitNameAndVersion(Substring(unquoted)) else { return }
            // Aliases (`alias@npm:real@^1`): the package installed is the real one.
            if range.hasPrefix("npm:"), let real = NpmNames.splitNameAndVersion(range.dropFirst(4)) {
                name = real.name
            } else if range.hasPrefix("npm:"), !NpmNames.contains("@", in: String(range.dropFirst(4))),
                      let resolved = NpmNames.splitNameAndVersion(Substring(fields["resolution"] ?? "")), resolved.version.hasPrefix("npm:") {
                name = resolved.name
            }
            let resolution = fields["resolution"] ?? ""
            if let node = all.first { graph.names[node] = name }   // the real name, not an alias
            // Workspaces and links are the project itself, not dependencies.
            if range.hasPrefix("workspace:") || NpmNames.contains("@workspace:", in: resolution) || range.hasPrefix("link:") {
                if let node = all.first, !workspaces.contains(node) { workspaces.append(node) }
                return
            }
            guard let version = fields["version"] else { return }
            var package = NpmNames.package(name: name, version: version, location: input.location(line: line),
                                           isDev: false, extractor: id, resolved: fields["resolved"])
            if resolution.count > 1,
               let at = Self.lastAt(in: resolution) {
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
        for range in Self.lineRanges(input.contents) {
            lineNumber += 1
            // Lines that change nothing but the dependency flag are passed over on their bytes, without a String.
            switch Self.ignorable(input.contents[range]) {
            case .field:
                if header != nil { inDependencies = false }
                continue
            case .nested where !inDependencies:
                continue
            default:
                break
            }
            let rawLine = String(decoding: input.contents[range], as: UTF8.self)
            let line = rawLine.hasSuffix("\r") ? Substring(rawLine).dropLast() : Substring(rawLine)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let indent = Self.indentation(line)
            if indent == 0 {
                flush()
                guard line.hasSuffix(":") else {
                    throw ExtractionError("not a yarn.lock: unexpected line \(lineNumber)")
                }
                header = (String(line.dropLast()), lineNumber)
                continue
            }
            // A dependency of the entry (four spaces under `dependencies:`): `name: range` or `name "range"`.
            if header != nil, inDependencies, indent == 4 {
                let body = line.dropFirst(4)
                let quoted = body.hasPrefix("\"")
                let nameEnd = quoted ? body.dropFirst().firstIndex(of: "\"").map { body.index(after: $0) } : body.firstIndex(where: { $0 == ":" || $0 == " " })
                if let nameEnd {
                    let name = Self.trim(body[..<nameEnd], Self.isQuote)
                    let range = Self.trim(body[nameEnd...].drop { $0 == ":" || $0 == " " }) { $0 == "\"" || $0 == " " }
                    entryDependencies.append("\(name)@\(range)")
                }
                continue
            }
            // Only the entry's own fields (two-space indent), not nested dependency maps.
            guard header != nil, indent == 2 else { continue }
            let body = line.dropFirst(2)
            inDependencies = body.hasSuffix(":")
                && ["dependencies", "optionalDependencies"].contains(Self.trim(body) { $0 == "\"" || $0 == ":" || $0 == " " })
            // `key "value"` (v1) or `key: value` (berry): the key ends at the first space or colon.
            guard let end = body.firstIndex(where: { $0 == " " || $0 == ":" }) else { continue }
            // Keys may be quoted too (`"version" "0.0.1"`, `"version": 2.0.0`): the quotes are not part of the name.
            var key = body[..<end]
            if key.hasPrefix("\""), let close = body.dropFirst().firstIndex(of: "\"") {
                key = body[body.index(after: body.startIndex)..<close]
                let rest = body[body.index(after: close)...].drop { $0 == ":" || $0 == " " }
                if Self.readFields.contains(key) { fields[String(key)] = Self.trim(Self.trim(rest, Self.isWhitespace), Self.isQuote) }
                continue
            }
            let value = body[body.index(after: end)...]
            if Self.readFields.contains(key) { fields[String(key)] = Self.trim(Self.trim(value, Self.isWhitespace), Self.isQuote) }
        }
        flush()
        // Only a file without entries needs this second look at every line.
        if !sawEntry, Self.lines(input.contents).contains(where: { !$0.hasPrefix("#") && !Self.trim($0, Self.isWhitespace).isEmpty }),
           !input.text.contains("__metadata") {
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
                result.packages[index].isDirect = shortest.distance(to: node) == 0
                result.packages[index].dependencyPaths = shortest.paths(to: node)
            }
        }
        return result
    }

    /// The lines `TextLines.split(input.text)` gives, split on bytes: splitting the whole text by
    /// Characters cost a fifth of a large lock's time. A `\r` before `\n` is part of the separator; `\n` is never inside a UTF-8 sequence,
    /// so decoding line by line repairs invalid bytes exactly as decoding the whole text did.
    static func lines(_ bytes: [UInt8]) -> [String] {
        lineRanges(bytes).map { String(decoding: bytes[$0], as: UTF8.self) }
    }

    /// Where the lines of `lines(_:)` are in the bytes.
    static func lineRanges(_ bytes: [UInt8]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        let count = bytes.count
        while true {
            var end = start
            while end < count, bytes[end] != 0x0A { end += 1 }
            var last = end
            if end < count, last > start, bytes[last - 1] == 0x0D { last -= 1 }   // the \r of \r\n
            if last > start, bytes[last - 1] == 0x0D { last -= 1 }   // what TextLines drops
            ranges.append(start..<last)
            guard end < count else { return ranges }
            start = end + 1
        }
    }

    enum Ignorable { case no, field, nested }

    /// An ASCII line (one more trailing `\r` dropped, as the loop does) that is either an entry's field
    /// the loop neither keeps nor opens dependencies with (two spaces, an unquoted key other than
    /// `version`, `resolution`, `resolved`, not ending in `:`), or a line four spaces in, which only
    /// counts inside `dependencies`. Anything else (quotes, other bytes) goes through the loop.
    static func ignorable(_ raw: ArraySlice<UInt8>) -> Ignorable {
        var line = raw
        if line.last == 0x0D { line = line.dropLast() }
        let s = line.startIndex
        guard line.count >= 3, line[s] == 0x20, line[s + 1] == 0x20, line.allSatisfy({ $0 < 0x80 }) else { return .no }
        if line[s + 2] == 0x20 {
            return line.count >= 5 && line[s + 3] == 0x20 && line[s + 4] != 0x20 ? .nested : .no
        }
        guard line[s + 2] != 0x22, line.last != 0x3A else { return .no }
        let body = line[(s + 2)...]
        let key = body[..<(body.firstIndex { $0 == 0x20 || $0 == 0x3A } ?? body.endIndex)]
        for name in readFields where key.elementsEqual(name.utf8) { return .no }
        return .field
    }

    /// How many leading Characters are a plain space (what the `hasPrefix("  ")` checks asked): counted
    /// on bytes, unless a non-ASCII scalar follows the spaces and could join the last one's Character.
    static func indentation(_ line: Substring) -> Int {
        var spaces = 0
        for byte in line.utf8 {
            guard byte == 0x20 else { return byte < 0x80 ? spaces : line.prefix { $0 == " " }.count }
            spaces += 1
        }
        return spaces
    }

    /// `trimmingCharacters(in:)` by Unicode scalars, as NSString trims, without bridging through it.
    static func trim(_ text: String, _ drop: (Unicode.Scalar) -> Bool) -> String { trim(Substring(text), drop) }

    static func trim(_ text: Substring, _ drop: (Unicode.Scalar) -> Bool) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !drop($0) }), let last = scalars.lastIndex(where: { !drop($0) }) else { return "" }
        return String(Substring(scalars[first...last]))
    }

    /// `CharacterSet.whitespaces` as Foundation defines it: tab and the space separators, with U+200B.
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x20, 0xA0, 0x1680, 0x2000...0x200B, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }

    static func isQuote(_ scalar: Unicode.Scalar) -> Bool { scalar == "\"" }

    /// The only fields `flush` reads: the others (checksums, integrity hashes) are not trimmed and kept.
    static let readFields: [Substring] = ["version", "resolution", "resolved"]

    /// `resolution.range(of: "@", options: .backwards)` after its first Character: by bytes when it
    /// is ASCII (Foundation's search per entry was a tenth of a large lock), else through Foundation.
    static func lastAt(in resolution: String) -> Range<String.Index>? {
        let utf8 = resolution.utf8
        guard utf8.allSatisfy({ $0 < 0x80 }) else {
            return resolution.range(of: "@", options: .backwards, range: resolution.index(after: resolution.startIndex)..<resolution.endIndex)
        }
        guard let at = utf8.dropFirst().lastIndex(of: UInt8(ascii: "@")) else { return nil }
        return at..<utf8.index(after: at)
    }
}
