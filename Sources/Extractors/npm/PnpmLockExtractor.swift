import Foundation
import FnauditModel

/// `pnpm-lock.yaml`, lockfile versions 5.x (`/name/1.0.0_peer@2`), 6.x (`/name@1.0.0(peer@2)`)
/// and 9.x (`name@1.0.0` under `packages`, peer variants under `snapshots`).
public struct PnpmLockExtractor: Extractor {
    public let id = ExtractorID.pnpmLock
    public init() {}

    public func fileRequired(_ path: String) -> Bool { PathName.base(path) == "pnpm-lock.yaml" }

    public func extract(_ input: ExtractorInput) throws -> Extraction {
        // The line reader when the file is within pnpm's subset (and the limits), else the general parser.
        let document = try PnpmLockReader.tree(input.contents) ?? StructuredDocument.yaml(input.contents)
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
        if major >= 9 {
            for node in graph.edges.keys.sorted() where snapshotOf[stripPeers(node)] == nil { snapshotOf[stripPeers(node)] = node }
        } else {
            for node in graph.edges.keys { snapshotOf[node] = node }   // every package key is a node
        }
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
        NpmNames.firstIndex(of: "(", in: Substring(key)).map { String(key[..<$0]) } ?? key
    }

    /// 5.x and 6.x: `packages` keys (`/name/1.0.0`, `/name@1.0.0`) with their `dependencies`, and the
    /// project's own lists at the top level or per importer.
    private func packagesGraph(_ root: [String: Any], major: Int) -> DependencyGraph {
        let packages = root.dictionary("packages") ?? [:]
        func key(_ name: String, _ value: Any) -> String? {
            guard let version = (value as? String) ?? (value as? [String: Any])?.string("version"), !version.hasPrefix("link:") else { return nil }
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
            else { graph.names[node] = NpmNames.lastIndex(of: "/", in: Substring(spec)).map { String(spec[..<$0]) } ?? spec }
        }
        return graph
    }

    /// 9.x keeps dependencies in `snapshots`, keyed `name@version(peers)`, and dev flags nowhere:
    /// the graph from the importers' dependency lists, and the packages only dev roots reach.
    private func snapshotGraph(_ root: [String: Any]) -> (DependencyGraph, Set<String>) {
        func targets(_ list: [String: Any]?) -> [String] {
            (list ?? [:]).compactMap { name, value -> String? in
                let version = (value as? String) ?? (value as? [String: Any])?.string("version")
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
        if NpmNames.isNonRegistry(version) || nonRegistrySource.map({ !NpmNames.contains("/-/", in: $0) }) == true {
            return Package(ecosystem: .npm, name: name, version: "", versionKind: .nonRegistry,
                           versionNote: nonRegistrySource ?? version, locations: [location], isDev: isDev, extractor: id)
        }
        return Package(ecosystem: .npm, name: name, version: version, locations: [location], isDev: isDev, extractor: id)
    }
}

/// The subset of YAML pnpm writes, read line by line into the same plain tree
/// `StructuredDocument.yaml` gives (every scalar as its text): block mappings with plain or quoted
/// keys, plain and quoted scalars, one-line flow mappings and sequences of scalars, block sequences
/// of scalars. Anything else — comments, anchors, tags, block scalars, multi-line scalars, escapes,
/// tabs, CR, duplicate keys, odd indentation — gives nil, and the general YAML parser reads the file.
/// Building Yams' node tree and converting it was three quarters of a large pnpm lock's time.
///
/// No recursion and no aliases. It keeps `DocumentLimits`' bounds on size, nesting and values itself,
/// declining past them so that the general path's checks refuse the file: a pass of those checks
/// over the bytes first was a twentieth of a large lock's time.
public enum PnpmLockReader {
    private final class Frame {
        let indent: Int
        let key: String?
        var mapping: [String: Any] = [:]
        var sequence: [Any]?
        init(indent: Int, key: String?, isSequence: Bool) {
            self.indent = indent
            self.key = key
            sequence = isSequence ? [] : nil
        }
        var value: Any { sequence.map { $0 as Any } ?? mapping }
    }

    public static func tree(_ bytes: [UInt8]) -> [String: Any]? {
        guard !bytes.isEmpty, bytes.count <= DocumentLimits.maxTreeBytes, let values = plainText(bytes),
              values <= DocumentLimits.maxValues, String(validating: bytes, as: UTF8.self) != nil else { return nil }
        var stack = [Frame(indent: -1, key: nil, isSequence: false)]
        var pending: (key: String, indent: Int)?
        var start = 0
        let count = bytes.count
        var sawContent = false

        /// Closes the innermost frame into its parent.
        func pop() -> Bool {
            guard stack.count > 1, let frame = stack.popLast(), let key = frame.key, let parent = stack.last,
                  parent.sequence == nil else { return false }
            return parent.mapping.updateValue(frame.value, forKey: key) == nil   // a key given twice declines
        }

        while start < count {
            var end = start
            while end < count, bytes[end] != 0x0A { end += 1 }
            let line = bytes[start..<end]
            start = end + 1
            var indent = 0
            while line.startIndex + indent < line.endIndex, line[line.startIndex + indent] == 0x20 { indent += 1 }
            let content = line[(line.startIndex + indent)...]
            guard let first = content.first else { continue }   // a blank line
            if first == UInt8(ascii: "#") || first == UInt8(ascii: "%") { return nil }
            if content.count >= 3, first == UInt8(ascii: "-") || first == UInt8(ascii: "."),
               content[content.startIndex + 1] == first, content[content.startIndex + 2] == first { return nil }   // `---`, `...`
            sawContent = true
            let isItem = first == UInt8(ascii: "-") && (content.count == 1 || content[content.startIndex + 1] == 0x20)
            if let open = pending {
                pending = nil
                if indent > open.indent {
                    guard stack.count + 3 <= DocumentLimits.maxNesting else { return nil }   // as checkYAML counts: column 0, a `- `, a flow level
                    stack.append(Frame(indent: indent, key: open.key, isSequence: isItem))
                } else {
                    // `key:` and nothing under it: YAML's null, whose text is empty.
                    guard let top = stack.last, top.sequence == nil, top.mapping[open.key] == nil else { return nil }
                    top.mapping[open.key] = ""
                }
            }
            while let top = stack.last, indent < top.indent {
                guard pop() else { return nil }
            }
            guard let top = stack.last, indent == top.indent || (stack.count == 1 && indent == 0) else { return nil }
            if stack.count == 1 && top.indent == -1 {
                // The root mapping's entries start at column 0.
                guard indent == 0 else { return nil }
            }
            if top.sequence != nil {
                guard isItem, content.count > 2, let item = scalar(content.dropFirst(2), flow: false) else { return nil }
                top.sequence?.append(item)   // in place: a copy per item was quadratic
                continue
            }
            guard !isItem, let (key, rest) = mappingKey(content) else { return nil }
            let value = rest.drop { $0 == 0x20 }
            if value.isEmpty {
                pending = (key, indent)
                continue
            }
            // One lookup: a key given twice declines (a block value's key is checked when its frame closes).
            guard let parsed = self.value(value), top.mapping.updateValue(parsed, forKey: key) == nil else { return nil }
        }
        guard sawContent else { return nil }
        if let open = pending {
            guard let top = stack.last, top.sequence == nil, top.mapping[open.key] == nil else { return nil }
            top.mapping[open.key] = ""
        }
        while stack.count > 1 {
            guard pop() else { return nil }
        }
        return stack.first?.mapping
    }

    /// Printable text with `\n` line breaks only: no tab, CR, control character, BOM or non-character,
    /// and none of the line breaks YAML 1.1 also knows (NEL, U+2028, U+2029), whose handling is libyaml's.
    /// Gives a bound on the values the text holds (as `DocumentLimits.checkYAML` counts them: a line
    /// holds a key and a value, a flow collection one more per `,`), or nil.
    private static func plainText(_ bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBufferPointer { bytes -> Int? in
            var i = 0, lines = 1, commas = 0
            let count = bytes.count
            while i < count {
                let b = bytes[i]
                if b < 0x80 {
                    if b == 0x0A { lines += 1 } else if b == 0x2C { commas += 1 }
                    else if b < 0x20 || b == 0x7F { return nil }
                } else if b == 0xC2 {
                    if i + 1 < count, (0x80...0x9F).contains(bytes[i + 1]) { return nil }
                } else if b == 0xE2 {
                    if i + 2 < count, bytes[i + 1] == 0x80, bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9 { return nil }
                } else if b == 0xEF {
                    if i + 2 < count, (bytes[i + 1] == 0xBB && bytes[i + 2] == 0xBF) || (bytes[i + 1] == 0xBF && bytes[i + 2] >= 0xBE) { return nil }
                }
                i += 1
            }
            return commas + lines * 2
        }
    }

    /// Whether two plain trees are the same (for checking this reader against the general parser).
    public static func sameTree(_ a: Any, _ b: Any) -> Bool {
        switch (a, b) {
        case let (x as String, y as String): return x == y
        case let (x as [Any], y as [Any]): return x.count == y.count && zip(x, y).allSatisfy { sameTree($0, $1) }
        case let (x as [String: Any], y as [String: Any]):
            return x.count == y.count && x.allSatisfy { key, value in y[key].map { sameTree(value, $0) } ?? false }
        default: return false
        }
    }

    /// `key:` or `key: rest` at the start of `content`: the key's text and what follows the colon.
    private static func mappingKey(_ content: ArraySlice<UInt8>) -> (String, ArraySlice<UInt8>)? {
        guard let first = content.first else { return nil }
        if first == UInt8(ascii: "'") || first == UInt8(ascii: "\"") {
            guard let (key, after) = quoted(content), after.first == UInt8(ascii: ":"),
                  after.count == 1 || after[after.startIndex + 1] == 0x20 else { return nil }
            return (key, after.dropFirst())
        }
        guard isPlainStart(content) else { return nil }
        var i = content.startIndex
        while i < content.endIndex {
            if content[i] == UInt8(ascii: ":"), i + 1 == content.endIndex || content[i + 1] == 0x20 {
                let key = content[content.startIndex..<i]
                guard let last = key.last, last != 0x20, !contains(key, 0x20, 0x23) else { return nil }
                return (String(decoding: key, as: UTF8.self), content[(i + 1)...])
            }
            i += 1
        }
        return nil
    }

    /// A value after `key: `: a scalar, or a one-line flow mapping or sequence of scalars.
    private static func value(_ text: ArraySlice<UInt8>) -> Any? {
        guard let first = text.first else { return nil }
        if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") { return flow(text) }
        return scalar(text, flow: false)
    }

    /// A whole plain or quoted scalar (trailing spaces allowed), as its text.
    private static func scalar(_ text: ArraySlice<UInt8>, flow: Bool) -> String? {
        guard let first = text.first else { return nil }
        if first == UInt8(ascii: "'") || first == UInt8(ascii: "\"") {
            guard let (value, after) = quoted(text), after.allSatisfy({ $0 == 0x20 }) else { return nil }
            return value
        }
        guard isPlainStart(text) else { return nil }
        var end = text.endIndex
        while end > text.startIndex, text[end - 1] == 0x20 { end -= 1 }
        let body = text[text.startIndex..<end]
        // `: ` or ` #` would make it something else; flow indicators end a plain scalar in flow context.
        guard !contains(body, 0x3A, 0x20), !contains(body, 0x20, 0x23), body.last != UInt8(ascii: ":") else { return nil }
        // In flow context libyaml takes `?` and `:` as indicators wherever they start a token, and `?` also ends a plain scalar.
        if flow, body.first == UInt8(ascii: "?") || body.first == UInt8(ascii: ":") || body.contains(where: isFlowIndicator) { return nil }
        return String(decoding: body, as: UTF8.self)
    }

    /// A plain scalar may not start with an indicator (`-`, `?`, `:` only when followed by a space).
    private static func isPlainStart(_ text: ArraySlice<UInt8>) -> Bool {
        guard let first = text.first else { return false }
        switch first {
        case UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: ","), UInt8(ascii: "#"),
             UInt8(ascii: "&"), UInt8(ascii: "*"), UInt8(ascii: "!"), UInt8(ascii: "|"), UInt8(ascii: ">"), UInt8(ascii: "'"),
             UInt8(ascii: "\""), UInt8(ascii: "%"), UInt8(ascii: "@"), UInt8(ascii: "`"): return false
        default: break
        }
        if first == UInt8(ascii: "-") || first == UInt8(ascii: "?") || first == UInt8(ascii: ":") {
            return text.count > 1 && text[text.startIndex + 1] != 0x20
        }
        return first != 0x20
    }

    /// A quoted scalar at the start of `text`, on one line: its value and what follows the closing quote.
    /// Double-quoted ones with escapes are left to the general parser.
    private static func quoted(_ text: ArraySlice<UInt8>) -> (String, ArraySlice<UInt8>)? {
        guard let quote = text.first else { return nil }
        var value: [UInt8] = []
        var i = text.startIndex + 1
        while i < text.endIndex {
            let b = text[i]
            if quote == UInt8(ascii: "\""), b == UInt8(ascii: "\\") { return nil }
            if b == quote {
                if quote == UInt8(ascii: "'"), i + 1 < text.endIndex, text[i + 1] == quote {
                    value.append(quote)
                    i += 2
                    continue
                }
                return (String(decoding: value, as: UTF8.self), text[(i + 1)...])
            }
            value.append(b)
            i += 1
        }
        return nil
    }

    /// `{a: b, c: 'd'}` or `[a, b]` on one line, of scalars only.
    private static func flow(_ text: ArraySlice<UInt8>) -> Any? {
        guard let open = text.first else { return nil }
        let isMapping = open == UInt8(ascii: "{")
        let close = isMapping ? UInt8(ascii: "}") : UInt8(ascii: "]")
        var mapping: [String: Any] = [:], sequence: [Any] = []
        var rest = text.dropFirst().drop { $0 == 0x20 }
        if rest.first == close {
            return rest.dropFirst().allSatisfy({ $0 == 0x20 }) ? (isMapping ? mapping as Any : sequence as Any) : nil
        }
        while true {
            var key: String?
            if isMapping {
                guard let (k, after) = flowItem(rest, key: true), after.first == UInt8(ascii: ":"),
                      after.count > 1, after[after.startIndex + 1] == 0x20, mapping[k] == nil else { return nil }
                key = k
                rest = after.dropFirst().drop { $0 == 0x20 }
            }
            guard let (item, after) = flowItem(rest, key: false) else { return nil }
            if let key { mapping[key] = item } else { sequence.append(item) }
            rest = after.drop { $0 == 0x20 }
            guard let next = rest.first else { return nil }
            if next == close {
                guard rest.dropFirst().allSatisfy({ $0 == 0x20 }) else { return nil }
                return isMapping ? mapping as Any : sequence as Any
            }
            guard next == UInt8(ascii: ","), rest.count > 1, rest[rest.startIndex + 1] == 0x20 else { return nil }
            rest = rest.dropFirst().drop { $0 == 0x20 }
        }
    }

    /// One scalar inside a flow collection: quoted, or plain up to `,` `}` `]` (or `: ` for a key).
    private static func flowItem(_ text: ArraySlice<UInt8>, key: Bool) -> (String, ArraySlice<UInt8>)? {
        guard let first = text.first else { return nil }
        if first == UInt8(ascii: "'") || first == UInt8(ascii: "\"") { return quoted(text) }
        var i = text.startIndex
        while i < text.endIndex {
            let b = text[i]
            if b == UInt8(ascii: ",") || b == UInt8(ascii: "}") || b == UInt8(ascii: "]") { break }
            if b == UInt8(ascii: ":"), i + 1 < text.endIndex, text[i + 1] == 0x20 || text[i + 1] == UInt8(ascii: ",") || text[i + 1] == UInt8(ascii: "}") {
                guard key else { return nil }
                break
            }
            i += 1
        }
        guard let value = scalar(text[text.startIndex..<i], flow: true), !value.isEmpty else { return nil }
        return (value, text[i...])
    }

    /// Whether `first` directly followed by `second` occurs in `bytes` (two-byte patterns: `: `, ` #`).
    private static func contains(_ bytes: ArraySlice<UInt8>, _ first: UInt8, _ second: UInt8) -> Bool {
        var i = bytes.startIndex
        while i + 1 < bytes.endIndex {
            if bytes[i] == first && bytes[i + 1] == second { return true }
            i += 1
        }
        return false
    }

    /// `?` `,` `[` `]` `{` `}`: what ends or changes a plain scalar in flow context.
    private static func isFlowIndicator(_ b: UInt8) -> Bool {
        b == UInt8(ascii: "?") || b == UInt8(ascii: ",") || b == UInt8(ascii: "[") || b == UInt8(ascii: "]")
            || b == UInt8(ascii: "{") || b == UInt8(ascii: "}")
    }
}
