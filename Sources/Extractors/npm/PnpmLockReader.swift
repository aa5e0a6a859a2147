import FnauditModel

/// What `PnpmLockExtractor` reads of a `pnpm-lock.yaml`, taken from the line reader or from the
/// general parser's tree by the same rules: a list or entry of the wrong shape counts as absent,
/// an entry whose value is no mapping as an empty one, scalars as their text.
struct PnpmLockDocument: Equatable {
    /// `name: version`, or `name: {specifier: …, version: …}`; entries without a version text are left out.
    struct Dependency: Equatable {
        var name: String
        var version: String
    }

    /// A project's, a package's or a snapshot's dependency lists, each in name order.
    struct Lists: Equatable {
        var dependencies: [Dependency] = []
        var devDependencies: [Dependency] = []
        var optionalDependencies: [Dependency] = []

        subscript(kind: ListKind) -> [Dependency] {
            get {
                switch kind {
                case .dependencies: dependencies
                case .devDependencies: devDependencies
                case .optionalDependencies: optionalDependencies
                }
            }
            set {
                switch kind {
                case .dependencies: dependencies = newValue
                case .devDependencies: devDependencies = newValue
                case .optionalDependencies: optionalDependencies = newValue
                }
            }
        }
    }

    enum ListKind: String, CaseIterable {
        case dependencies, devDependencies, optionalDependencies
    }

    /// A `packages` value: the fields read, with its `resolution`'s non-registry sources.
    struct Entry: Equatable {
        var name: String?
        var version: String?
        var dev = false
        var repo: String?
        var tarball: String?
        var directory: String?
        var lists = Lists()
    }

    var lockfileVersion: String?
    /// Each importer whose value is a mapping, in importer-name order.
    var importers: [Lists] = []
    /// The top level's own lists (a single-project 5.x or 6.x lock).
    var topLevel = Lists()
    var packages: [String: Entry] = [:]
    var snapshots: [String: Lists] = [:]

    init() {}

    /// The document from the general parser's tree (every scalar as its text).
    init(tree root: [String: Any]) {
        func dependencies(_ value: Any?) -> [Dependency] {
            guard let list = value as? [String: Any] else { return [] }
            return list.compactMap { name, value -> Dependency? in
                guard let version = (value as? String) ?? (value as? [String: Any])?.string("version") else { return nil }
                return Dependency(name: name, version: version)
            }.sorted { $0.name < $1.name }
        }
        func lists(_ mapping: [String: Any]) -> Lists {
            var lists = Lists()
            for kind in ListKind.allCases { lists[kind] = dependencies(mapping[kind.rawValue]) }
            return lists
        }
        lockfileVersion = root.string("lockfileVersion")
        importers = (root.dictionary("importers") ?? [:]).sorted { $0.key < $1.key }.compactMap { ($0.value as? [String: Any]).map(lists) }
        topLevel = lists(root)
        for (key, value) in root.dictionary("packages") ?? [:] {
            let entry = value as? [String: Any] ?? [:]
            let resolution = entry.dictionary("resolution") ?? [:]
            packages[key] = Entry(name: entry.string("name"), version: entry.string("version"), dev: entry.bool("dev"),
                                  repo: resolution.string("repo"), tarball: resolution.string("tarball"),
                                  directory: resolution.string("directory"), lists: lists(entry))
        }
        for (key, value) in root.dictionary("snapshots") ?? [:] { snapshots[key] = lists(value as? [String: Any] ?? [:]) }
    }
}

/// The subset of YAML pnpm writes, read line by line: block mappings with plain or quoted keys,
/// plain and quoted scalars, one-line flow mappings and sequences of scalars, block sequences of
/// scalars. Anything else — comments, anchors, tags, block scalars, multi-line scalars, escapes,
/// tabs, CR, duplicate keys, odd indentation — declines, and the general YAML parser reads the file.
/// The extractor builds `PnpmLockDocument` straight from what it reads: building Yams' node tree and
/// converting it was three quarters of a large lock's time, and a plain tree of `Any` half the rest.
/// `tree` builds the general parser's plain tree instead, to check the reader against it.
///
/// No recursion and no aliases. It keeps `DocumentLimits`' bounds on size, nesting and values itself,
/// declining past them so that the general path's checks refuse the file: a pass of those checks
/// over the bytes first was a twentieth of a large lock's time.
public enum PnpmLockReader {
    /// What the reader finds, in document order. The root mapping is open from the start.
    protocol Events {
        /// `key:` whose value is the block collection on the lines below (a sequence of `- ` items, or a mapping).
        mutating func open(_ key: String, sequence: Bool)
        /// The innermost open collection ends.
        mutating func close()
        /// `key: text` in the current mapping (`""` for `key:` with nothing under it: YAML's null).
        mutating func scalar(_ key: String, _ value: String)
        /// `key: {a: b, c: d}` in the current mapping.
        mutating func flowMapping(_ key: String, _ pairs: [(String, String)])
        /// `key: [a, b]` in the current mapping.
        mutating func flowSequence(_ key: String, _ items: [String])
        /// `- text` in the current sequence.
        mutating func item(_ value: String)
    }

    /// The general parser's plain tree, or nil when the reader declines.
    public static func tree(_ bytes: [UInt8]) -> [String: Any]? {
        var builder = TreeBuilder()
        guard read(bytes, into: &builder) else { return nil }
        return builder.stack.first?.mapping
    }

    /// What the extractor reads, or nil when the reader declines.
    static func document(_ bytes: [UInt8]) -> PnpmLockDocument? {
        var builder = DocumentBuilder()
        guard read(bytes, into: &builder) else { return nil }
        return builder.finished()
    }

    /// For tests and fuzzing: whether the document the reader gives, whenever it reads `bytes`, is the
    /// one the general parser's tree gives.
    public static func documentAgreesWithTree(_ bytes: [UInt8]) -> Bool {
        guard let fast = document(bytes) else { return true }
        guard (try? DocumentLimits.checkYAML(bytes)) != nil,
              let root = (try? StructuredDocument.yaml(bytes)) as? [String: Any] else { return false }
        return fast == PnpmLockDocument(tree: root)
    }

    private struct Frame {
        let indent: Int
        let isSequence: Bool
        /// A mapping's keys so far: a key given twice declines.
        var keys = Keys()
    }

    /// Keys seen in one mapping: searched while few (a package's fields), hashed once there are many.
    struct Keys {
        private var few: [String] = []
        private var many: Set<String>?

        /// Whether `key` is new (and now seen).
        mutating func insert(_ key: String) -> Bool {
            if many != nil { return many?.insert(key).inserted ?? false }
            if few.contains(key) { return false }
            few.append(key)
            if few.count > 8 {
                many = Set(few)
                few = []
            }
            return true
        }
    }

    static func read<E: Events>(_ bytes: [UInt8], into events: inout E) -> Bool {
        guard !bytes.isEmpty, bytes.count <= DocumentLimits.maxTreeBytes, let values = plainText(bytes),
              values <= DocumentLimits.maxValues, String(validating: bytes, as: UTF8.self) != nil else { return false }
        var stack = [Frame(indent: -1, isSequence: false)]
        var pending: (key: String, indent: Int)?
        var start = 0
        let count = bytes.count
        var sawContent = false

        while start < count {
            var end = start
            while end < count, bytes[end] != 0x0A { end += 1 }
            let line = bytes[start..<end]
            start = end + 1
            var indent = 0
            while line.startIndex + indent < line.endIndex, line[line.startIndex + indent] == 0x20 { indent += 1 }
            let content = line[(line.startIndex + indent)...]
            guard let first = content.first else { continue }   // a blank line
            if first == UInt8(ascii: "#") || first == UInt8(ascii: "%") { return false }
            if content.count >= 3, first == UInt8(ascii: "-") || first == UInt8(ascii: "."),
               content[content.startIndex + 1] == first, content[content.startIndex + 2] == first { return false }   // `---`, `...`
            sawContent = true
            let isItem = first == UInt8(ascii: "-") && (content.count == 1 || content[content.startIndex + 1] == 0x20)
            if let open = pending {
                pending = nil
                if indent > open.indent {
                    stack.append(Frame(indent: indent, isSequence: isItem))
                    events.open(open.key, sequence: isItem)
                } else {
                    events.scalar(open.key, "")
                }
            }
            while let top = stack.last, indent < top.indent {
                stack.removeLast()
                events.close()
            }
            // The top frame's fields, not a copy of it: a copy would share its key set, which each
            // key then copies in a debug build (minutes for a 40k-package lockfile).
            guard let topIndent = stack.last?.indent, let topIsSequence = stack.last?.isSequence,
                  indent == topIndent || (stack.count == 1 && indent == 0) else { return false }
            if stack.count == 1 && topIndent == -1 {
                // The root mapping's entries start at column 0.
                guard indent == 0 else { return false }
            }
            // Brackets count as `checkYAML` counts them, even inside plain scalars (`a{b`): one that
            // stays open past its line, or nesting beyond the limit, declines. Block levels open are at
            // most the frames and a `- ` (checkYAML counts column 0 where this counts the root frame).
            var flow = 0, commas = 0
            guard DocumentLimits.yamlFlow(content, levels: stack.count + 1, flow: &flow, separators: &commas), flow == 0 else { return false }
            if topIsSequence {
                guard isItem, content.count > 2, let item = scalar(content.dropFirst(2), flow: false) else { return false }
                events.item(item)
                continue
            }
            guard !isItem, let (key, rest) = mappingKey(content), stack[stack.count - 1].keys.insert(key) else { return false }
            let value = rest.drop { $0 == 0x20 }
            guard let head = value.first else {
                pending = (key, indent)
                continue
            }
            if head == UInt8(ascii: "{") {
                guard let pairs = flowMapping(value) else { return false }
                events.flowMapping(key, pairs)
            } else if head == UInt8(ascii: "[") {
                guard let items = flowSequence(value) else { return false }
                events.flowSequence(key, items)
            } else {
                guard let text = scalar(value, flow: false) else { return false }
                events.scalar(key, text)
            }
        }
        guard sawContent else { return false }
        if let open = pending { events.scalar(open.key, "") }
        while stack.count > 1 {
            stack.removeLast()
            events.close()
        }
        return true
    }

    /// Printable text with `\n` line breaks only: no tab, CR, control character, BOM or non-character,
    /// and none of the line breaks YAML 1.1 also knows (NEL, U+2028, U+2029), whose handling is libyaml's.
    /// Gives a bound on the values the text holds (as `DocumentLimits.checkYAML` counts them: a line
    /// holds a key and a value, a flow collection one more per `,`), or nil.
    private static func plainText(_ bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBufferPointer { bytes -> Int? in
            var i = 0, lines = 2, commas = 0   // checkYAML counts one past the last line
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

    /// YAML allows an implicit key of at most 1024 characters (libyaml refuses a longer one): in
    /// bytes, fewer than that is surely within (found by fuzz target pnpm-reader).
    private static let longestKey = 1000

    /// `key:` or `key: rest` at the start of `content`: the key's text and what follows the colon.
    private static func mappingKey(_ content: ArraySlice<UInt8>) -> (String, ArraySlice<UInt8>)? {
        guard let first = content.first else { return nil }
        if first == UInt8(ascii: "'") || first == UInt8(ascii: "\"") {
            guard let (key, after) = quoted(content), after.first == UInt8(ascii: ":"),
                  after.startIndex - content.startIndex < longestKey,
                  after.count == 1 || after[after.startIndex + 1] == 0x20 else { return nil }
            return (key, after.dropFirst())
        }
        guard isPlainStart(content) else { return nil }
        var i = content.startIndex
        while i < content.endIndex {
            if content[i] == UInt8(ascii: ":"), i + 1 == content.endIndex || content[i + 1] == 0x20 {
                guard i - content.startIndex < longestKey else { return nil }
                let key = content[content.startIndex..<i]
                guard let last = key.last, last != 0x20, !contains(key, 0x20, 0x23) else { return nil }
                return (String(decoding: key, as: UTF8.self), content[(i + 1)...])
            }
            i += 1
        }
        return nil
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

    /// `{a: b, c: 'd'}` on one line, of scalars only, each key once.
    private static func flowMapping(_ text: ArraySlice<UInt8>) -> [(String, String)]? {
        var pairs: [(String, String)] = []
        var keys = Keys()
        let complete = flowItems(text, close: UInt8(ascii: "}")) { rest in
            guard let (key, after) = flowItem(rest, key: true), after.first == UInt8(ascii: ":"),
                  after.startIndex - rest.startIndex < longestKey,
                  after.count > 1, after[after.startIndex + 1] == 0x20, keys.insert(key) else { return nil }
            guard let (value, next) = flowItem(after.dropFirst().drop { $0 == 0x20 }, key: false) else { return nil }
            pairs.append((key, value))
            return next
        }
        return complete ? pairs : nil
    }

    /// `[a, 'b']` on one line, of scalars only.
    private static func flowSequence(_ text: ArraySlice<UInt8>) -> [String]? {
        var items: [String] = []
        let complete = flowItems(text, close: UInt8(ascii: "]")) { rest in
            guard let (item, next) = flowItem(rest, key: false) else { return nil }
            items.append(item)
            return next
        }
        return complete ? items : nil
    }

    /// Walks a one-line flow collection from its opening bracket: `entry` reads one entry and gives
    /// what follows it; `, ` separates entries, and only spaces may follow the closing bracket.
    private static func flowItems(_ text: ArraySlice<UInt8>, close: UInt8,
                                  _ entry: (ArraySlice<UInt8>) -> ArraySlice<UInt8>?) -> Bool {
        var rest = text.dropFirst().drop { $0 == 0x20 }
        if rest.first == close { return rest.dropFirst().allSatisfy { $0 == 0x20 } }
        while true {
            guard let after = entry(rest) else { return false }
            rest = after.drop { $0 == 0x20 }
            guard let next = rest.first else { return false }
            if next == close { return rest.dropFirst().allSatisfy { $0 == 0x20 } }
            guard next == UInt8(ascii: ","), rest.count > 1, rest[rest.startIndex + 1] == 0x20 else { return false }
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

/// The plain tree `StructuredDocument.yaml` gives: mappings, sequences, every scalar as its text.
private struct TreeBuilder: PnpmLockReader.Events {
    final class Node {
        let key: String
        var mapping: [String: Any] = [:]
        var sequence: [Any]?
        init(key: String, isSequence: Bool) {
            self.key = key
            sequence = isSequence ? [] : nil
        }
    }

    var stack = [Node(key: "", isSequence: false)]

    mutating func open(_ key: String, sequence: Bool) { stack.append(Node(key: key, isSequence: sequence)) }

    mutating func close() {
        guard stack.count > 1, let node = stack.popLast() else { return }
        stack.last?.mapping[node.key] = node.sequence.map { $0 as Any } ?? node.mapping
    }

    func scalar(_ key: String, _ value: String) { stack.last?.mapping[key] = value }

    func flowMapping(_ key: String, _ pairs: [(String, String)]) {
        stack.last?.mapping[key] = Dictionary(pairs, uniquingKeysWith: { first, _ in first })
    }

    func flowSequence(_ key: String, _ items: [String]) { stack.last?.mapping[key] = items }

    func item(_ value: String) { stack.last?.sequence?.append(value) }   // in place: a copy per item was quadratic
}

/// `PnpmLockDocument` as the lines go by, keeping only what it holds.
private struct DocumentBuilder: PnpmLockReader.Events {
    typealias Document = PnpmLockDocument

    /// Where the open collections sit, innermost last; each kind is open at most once at a time.
    enum Context {
        case root, importers, importer(String), packages, package(String), resolution, snapshots, snapshot(String)
        case list(Document.ListKind), dependency(String), ignored
    }

    var document = Document()
    var contexts: [Context] = [.root]
    var importers: [(String, Document.Lists)] = []
    /// The lists of the importer or snapshot open now.
    var lists = Document.Lists()
    var entry = Document.Entry()
    var list: [Document.Dependency] = []
    var dependencyVersion: String?

    mutating func finished() -> Document {
        document.importers = importers.sorted { $0.0 < $1.0 }.map(\.1)
        return document
    }

    private static func listKind(_ key: String) -> Document.ListKind? { Document.ListKind(rawValue: key) }

    private static func dependencies(_ pairs: [(String, String)]) -> [Document.Dependency] {
        pairs.map { Document.Dependency(name: $0.0, version: $0.1) }.sorted { $0.name < $1.name }
    }

    /// Whether the current collection holds an owner's lists (the top level, an importer, a package, a snapshot).
    private var atListOwner: Bool {
        switch contexts.last {
        case .root, .importer, .package, .snapshot: true
        default: false
        }
    }

    /// Sets a list of the current owner.
    private mutating func setList(_ kind: Document.ListKind, _ dependencies: [Document.Dependency]) {
        switch contexts.last {
        case .root: document.topLevel[kind] = dependencies
        case .package: entry.lists[kind] = dependencies
        default: lists[kind] = dependencies
        }
    }

    mutating func open(_ key: String, sequence: Bool) {
        var next = Context.ignored
        if !sequence {
            switch contexts.last {
            case .root:
                switch key {
                case "importers": next = .importers
                case "packages": next = .packages
                case "snapshots": next = .snapshots
                default: if let kind = Self.listKind(key) { next = .list(kind) }
                }
            case .importers: next = .importer(key)
            case .packages: next = .package(key)
            case .snapshots: next = .snapshot(key)
            case .importer, .snapshot:
                if let kind = Self.listKind(key) { next = .list(kind) }
            case .package:
                if key == "resolution" { next = .resolution } else if let kind = Self.listKind(key) { next = .list(kind) }
            case .list: next = .dependency(key)
            default: break
            }
        }
        if sequence {
            // A package or snapshot whose value is no mapping still counts, with no fields.
            if case .packages = contexts.last { document.packages[key] = Document.Entry() }
            if case .snapshots = contexts.last { document.snapshots[key] = Document.Lists() }
        }
        switch next {
        case .importer, .snapshot: lists = Document.Lists()
        case .package: entry = Document.Entry()
        case .list: list = []
        case .dependency: dependencyVersion = nil
        default: break
        }
        contexts.append(next)
    }

    mutating func close() {
        guard contexts.count > 1, let closing = contexts.popLast() else { return }
        switch closing {
        case .importer(let name): importers.append((name, lists))
        case .package(let key): document.packages[key] = entry
        case .snapshot(let key): document.snapshots[key] = lists
        case .list(let kind): setList(kind, list.sorted { $0.name < $1.name })
        case .dependency(let name):
            if let version = dependencyVersion { list.append(Document.Dependency(name: name, version: version)) }
        default: break
        }
    }

    mutating func scalar(_ key: String, _ value: String) {
        switch contexts.last {
        case .root:
            if key == "lockfileVersion" { document.lockfileVersion = value }
        case .packages: document.packages[key] = Document.Entry()   // no mapping: an entry with no fields
        case .snapshots: document.snapshots[key] = Document.Lists()
        case .package:
            switch key {
            case "name": entry.name = value
            case "version": entry.version = value
            case "dev": entry.dev = value == "true"
            default: break
            }
        case .resolution: setSource(key, value)
        case .list: list.append(Document.Dependency(name: key, version: value))
        case .dependency:
            if key == "version" { dependencyVersion = value }
        default: break
        }
    }

    /// A flow mapping's values are scalars: as an importer or snapshot it has no lists, as a
    /// package only its scalar fields, and as the top level's `packages` or `snapshots` it holds
    /// entries with no fields.
    mutating func flowMapping(_ key: String, _ pairs: [(String, String)]) {
        func value(_ field: String) -> String? { pairs.first { $0.0 == field }?.1 }
        switch contexts.last {
        case .importers: importers.append((key, Document.Lists()))
        case .packages: document.packages[key] = Document.Entry(name: value("name"), version: value("version"), dev: value("dev") == "true")
        case .snapshots: document.snapshots[key] = Document.Lists()
        case .root where key == "packages":
            for (name, _) in pairs { document.packages[name] = Document.Entry() }
        case .root where key == "snapshots":
            for (name, _) in pairs { document.snapshots[name] = Document.Lists() }
        case .list:
            if let version = pairs.first(where: { $0.0 == "version" })?.1 { list.append(Document.Dependency(name: key, version: version)) }
        default:
            if case .package = contexts.last, key == "resolution" {
                for (field, value) in pairs { setSource(field, value) }
            } else if atListOwner, let kind = Self.listKind(key) {
                setList(kind, Self.dependencies(pairs))
            }
        }
    }

    /// A `resolution` field that names where a package comes from other than the registry.
    private mutating func setSource(_ field: String, _ value: String) {
        switch field {
        case "repo": entry.repo = value
        case "tarball": entry.tarball = value
        case "directory": entry.directory = value
        default: break
        }
    }

    mutating func flowSequence(_ key: String, _ items: [String]) {
        switch contexts.last {
        case .packages: document.packages[key] = Document.Entry()
        case .snapshots: document.snapshots[key] = Document.Lists()
        default: break
        }
    }

    func item(_ value: String) {}
}
