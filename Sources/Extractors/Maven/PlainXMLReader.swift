import FnauditModel

/// The plain XML POMs are written in, read straight from the bytes into the tree `XMLTreeNode.parse`
/// builds with Foundation's XMLParser: UTF-8, an optional XML declaration, elements without
/// namespace prefixes, attributes (prefixed ones only where declared), text with the five predefined
/// entities and character references, comments and CDATA. Anything else — a DTD, processing
/// instructions, CR, other encodings, undeclared prefixes, malformed markup — declines, and
/// XMLParser reads the file (and says what is wrong with it). XMLParser's callbacks, each making a
/// string, were nine tenths of a POM's time.
///
/// No recursion: open elements are a stack, as deep as `XMLTreeNode`'s limit.
struct PlainXMLReader {
    /// A part of the document, in place (no copy).
    private typealias Bytes = Slice<UnsafeBufferPointer<UInt8>>
    private let bytes: UnsafeBufferPointer<UInt8>
    private var at = 0
    private var line = 1

    private struct Open {
        let node: XMLTreeNode
        let name: Bytes
        /// The text so far: while it is one run of the document, only where that run is (`run`); a
        /// second run, a reference or CDATA makes it bytes of its own (`decoded`). Most elements hold
        /// one run (a value, or nothing), so most never copy their text twice.
        var run: Range<Int>?
        var decoded: [UInt8]?
        /// Namespace prefixes declared on this element.
        var prefixes: [Bytes] = []

        init(node: XMLTreeNode, name: Bytes, prefixes: [Bytes]) {
            self.node = node
            self.name = name
            self.prefixes = prefixes
        }

        mutating func appendText(_ range: Range<Int>, of bytes: UnsafeBufferPointer<UInt8>) {
            guard !range.isEmpty else { return }
            if decoded != nil {
                decoded?.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[range]))
            } else if let run {
                decoded = Array(UnsafeBufferPointer(rebasing: bytes[run])) + UnsafeBufferPointer(rebasing: bytes[range])
                self.run = nil
            } else {
                run = range
            }
        }

        /// Decoded bytes (a reference's character): the text becomes bytes of its own.
        mutating func appendDecoded(_ more: [UInt8], of bytes: UnsafeBufferPointer<UInt8>) {
            if decoded == nil {
                decoded = run.map { Array(UnsafeBufferPointer(rebasing: bytes[$0])) } ?? []
                run = nil
            }
            decoded?.append(contentsOf: more)
        }

        func text(of bytes: UnsafeBufferPointer<UInt8>) -> String {
            if let decoded { return String(decoding: decoded, as: UTF8.self) }
            guard let run else { return "" }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[run]), as: UTF8.self)
        }
    }

    private init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// The tree, or nil when the document is outside this subset.
    static func read(_ bytes: [UInt8]) -> XMLTreeNode? {
        // XMLTreeNode refuses entity declarations anywhere, before parsing, and drops every `<?…?>` but the
        // declaration, even inside comments and CDATA: files with either are its to read. Past libxml2's
        // limits without XML_PARSE_HUGE (10 MB of text) XMLParser refuses, so such files are its too.
        guard bytes.count < 10_000_000, String(validating: bytes, as: UTF8.self) != nil,
              !ByteSearch.contains(bytes, Array("<!ENTITY".utf8)),
              bytes.withUnsafeBufferPointer({ ByteSearch.find("<?", in: $0, from: 1) == nil }) else { return nil }
        return bytes.withUnsafeBufferPointer { buffer in
            var reader = PlainXMLReader(buffer)
            return reader.document()
        }
    }

    private var current: UInt8? { at < bytes.count ? bytes[at] : nil }

    private func starts(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard at + count <= bytes.count else { return false }
        for k in 0..<count where bytes[at + k] != literal.utf8Start[k] { return false }
        return true
    }

    private static func isNameStart(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || b == 0x5F
    }

    private static func isNameByte(_ b: UInt8) -> Bool {
        isNameStart(b) || (b >= 0x30 && b <= 0x39) || b == 0x2D || b == 0x2E
    }

    private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A }

    /// Whether the character at `at` is one XML allows as it is: no control character but tab and line
    /// feed (CR is normalised by XML parsers, so it declines), no U+FFFE or U+FFFF.
    private func allowedHere() -> Bool {
        guard let b = current else { return false }
        if b < 0x20 { return b == 0x09 || b == 0x0A }
        if b == 0xEF, at + 2 < bytes.count, bytes[at + 1] == 0xBF, bytes[at + 2] >= 0xBE { return false }
        return true
    }

    private mutating func skipSpaces() {
        while let b = current, PlainXMLReader.isSpace(b) {
            if b == 0x0A { line += 1 }
            at += 1
        }
    }

    /// A name of ASCII letters, digits, `_` `-` `.`, optionally `prefix:local`.
    private mutating func name() -> (prefix: Bytes?, whole: Bytes)? {
        let start = at
        guard let first = current, PlainXMLReader.isNameStart(first) else { return nil }
        var colon: Int?
        while let b = current, at - start < 1000 {   // libxml2 refuses names past 50,000 bytes; POMs' are short
            if b == 0x3A {
                guard colon == nil, at + 1 < bytes.count, PlainXMLReader.isNameStart(bytes[at + 1]) else { return nil }
                colon = at
            } else if !PlainXMLReader.isNameByte(b) {
                break
            }
            at += 1
        }
        guard at - start < 1000 else { return nil }
        return (colon.map { bytes[start..<$0] }, bytes[start..<at])
    }

    /// `&lt;` `&gt;` `&amp;` `&quot;` `&apos;` `&#…;` `&#x…;` at `at`, appended decoded to `out`.
    private mutating func reference(into out: inout [UInt8]) -> Bool {
        at += 1
        let start = at
        while let b = current, b != 0x3B, at - start < 12 { at += 1 }
        guard current == 0x3B else { return false }
        let body = bytes[start..<at]
        at += 1
        switch String(decoding: UnsafeBufferPointer(rebasing: body), as: UTF8.self) {
        case "lt": out.append(0x3C)
        case "gt": out.append(0x3E)
        case "amp": out.append(0x26)
        case "quot": out.append(0x22)
        case "apos": out.append(0x27)
        case let text where text.hasPrefix("#"):
            let digits = text.dropFirst()
            let value = digits.hasPrefix("x") ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
            guard let value, digits.count > (digits.hasPrefix("x") ? 1 : 0), !digits.hasPrefix("+"), !digits.hasPrefix("x+"),
                  value == 0x9 || value == 0xA || value == 0xD || (value >= 0x20 && value <= 0xD7FF)
                    || (value >= 0xE000 && value <= 0xFFFD) || (value >= 0x10000 && value <= 0x10FFFF),
                  let scalar = Unicode.Scalar(value) else { return false }
            out.append(contentsOf: Array(String(Character(scalar)).utf8))
        default: return false
        }
        return true
    }

    /// `<!-- … -->` at `at` (no `--` inside, as XML requires).
    private mutating func comment() -> Bool {
        at += 4
        while let b = current {
            if b == 0x2D, at + 1 < bytes.count, bytes[at + 1] == 0x2D {
                guard at + 2 < bytes.count, bytes[at + 2] == 0x3E else { return false }
                at += 3
                return true
            }
            guard allowedHere() else { return false }
            if b == 0x0A { line += 1 }
            at += 1
        }
        return false
    }

    /// Whitespace and comments, outside the root element.
    private mutating func misc() -> Bool {
        while true {
            skipSpaces()
            guard starts("<!--") else { return true }
            guard comment() else { return false }
        }
    }

    private mutating func document() -> XMLTreeNode? {
        if starts("<?xml"), at + 5 < bytes.count, PlainXMLReader.isSpace(bytes[at + 5]) {
            guard declaration() else { return nil }
        }
        guard misc(), current == 0x3C else { return nil }
        var stack: [Open] = []
        var root: XMLTreeNode?
        while at < bytes.count {
            guard let b = current else { break }
            if b == 0x3C {
                if starts("</") {
                    at += 2
                    guard let open = stack.popLast(), let (_, whole) = name(), whole.elementsEqual(open.name) else { return nil }
                    skipSpaces()
                    guard current == 0x3E else { return nil }
                    at += 1
                    open.node.text = open.text(of: bytes)
                    if stack.isEmpty {
                        root = open.node
                        break
                    }
                } else if starts("<!--") {
                    guard comment() else { return nil }
                } else if starts("<![CDATA[") {
                    guard !stack.isEmpty else { return nil }
                    at += 9
                    let start = at
                    while true {
                        guard let c = current, allowedHere() else { return nil }
                        if c == 0x5D, starts("]]>") { break }
                        if c == 0x0A { line += 1 }
                        at += 1
                    }
                    stack[stack.count - 1].appendText(start..<at, of: bytes)
                    at += 3
                } else {
                    at += 1
                    guard let (open, closed) = startTag(inside: stack) else { return nil }
                    stack.last?.node.children.append(open.node)
                    if closed {   // `<a/>`
                        if stack.isEmpty {
                            root = open.node
                            break
                        }
                    } else {
                        guard stack.count < 255 else { return nil }   // XMLTreeNode's depth limit is its answer
                        stack.append(open)
                    }
                }
            } else {
                // Text, only inside the root element: a run up to the next markup or reference at once.
                guard !stack.isEmpty else { return nil }
                if b == 0x26 {
                    var character: [UInt8] = []
                    guard reference(into: &character) else { return nil }
                    stack[stack.count - 1].appendDecoded(character, of: bytes)
                    continue
                }
                let start = at
                while let c = current, c != 0x3C, c != 0x26 {
                    if c < 0x20 || c == 0xEF {
                        guard allowedHere() else { return nil }
                        if c == 0x0A { line += 1 }
                    } else if c == 0x5D, starts("]]>") {
                        return nil
                    }
                    at += 1
                }
                stack[stack.count - 1].appendText(start..<at, of: bytes)
            }
        }
        guard let root, stack.isEmpty, misc(), at == bytes.count else { return nil }
        return root
    }

    /// `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` at the very start, exactly as the
    /// XML grammar has it: version 1.0, UTF-8 or no encoding, standalone yes or no. Anything else
    /// (another encoding, a malformed declaration; found by fuzz target pom-xml) is XMLParser's.
    private mutating func declaration() -> Bool {
        at += 5   // `<?xml`
        var fields: [(String, String)] = []
        while true {
            let before = at
            skipSpaces()
            if starts("?>") {
                at += 2
                break
            }
            guard at > before, let (prefix, name) = name(), prefix == nil, let quote = openValue() else { return false }
            let start = at
            while let b = current, b != quote {
                guard PlainXMLReader.isNameByte(b) else { return false }
                at += 1
            }
            guard current == quote else { return false }
            fields.append((String(decoding: name, as: UTF8.self), String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<at]), as: UTF8.self)))
            at += 1
        }
        // In this order, each at most once: version (required), encoding, standalone.
        var expected = ["version", "encoding", "standalone"][...]
        for (field, value) in fields {
            guard let position = expected.firstIndex(of: field) else { return false }
            if field == "version" { guard position == expected.startIndex, value == "1.0" else { return false } }
            if field == "encoding" { guard value.lowercased() == "utf-8" else { return false } }
            if field == "standalone" { guard value == "yes" || value == "no" else { return false } }
            expected = expected[expected.index(after: position)...]
        }
        return fields.first?.0 == "version"
    }

    /// After an attribute's name: `=` and the opening quote, spaces allowed around `=`. Gives the quote.
    private mutating func openValue() -> UInt8? {
        skipSpaces()
        guard current == 0x3D else { return nil }
        at += 1
        skipSpaces()
        guard let quote = current, quote == 0x22 || quote == 0x27 else { return nil }
        at += 1
        return quote
    }

    /// After `<`: the name, attributes, then `>` or `/>` (`closed`). The element's line is where its
    /// tag ends, as XMLParser reports it.
    private mutating func startTag(inside stack: [Open]) -> (open: Open, closed: Bool)? {
        guard let (prefix, whole) = name(), prefix == nil else { return nil }
        var prefixes: [Bytes] = []
        var attributes: [Bytes] = []
        var used: [Bytes] = []   // prefixes attributes use
        var closed = false
        while true {
            let before = at
            skipSpaces()
            guard let b = current else { return nil }
            if b == 0x3E || (b == 0x2F && at + 1 < bytes.count && bytes[at + 1] == 0x3E) {
                closed = b == 0x2F
                at += closed ? 2 : 1
                break
            }
            // A POM's tags hold a few attributes; many are XMLParser's (the duplicate search is quadratic).
            guard at > before, attributes.count < 32, let (attributePrefix, attribute) = name(),
                  !attributes.contains(where: { $0.elementsEqual(attribute) }) else { return nil }
            attributes.append(attribute)
            guard let quote = openValue() else { return nil }
            let valueStart = at
            var ignored: [UInt8] = []
            while let c = current, c != quote {
                guard c != 0x3C, allowedHere() else { return nil }
                if c == 0x26 {
                    guard reference(into: &ignored) else { return nil }
                    continue
                }
                if c == 0x0A { line += 1 }
                at += 1
            }
            guard current == quote else { return nil }
            let isEmpty = at == valueStart
            at += 1
            if let attributePrefix {
                if attributePrefix.elementsEqual("xmlns".utf8) {
                    let declared = attribute.dropFirst(6)
                    // Declared on the root only (POMs declare `xsi` there), so a use is checked against one list.
                    guard stack.isEmpty, !isEmpty, !declared.elementsEqual("xml".utf8), !declared.elementsEqual("xmlns".utf8) else { return nil }
                    prefixes.append(declared)
                } else if !attributePrefix.elementsEqual("xml".utf8) {
                    used.append(attributePrefix)
                }
            }
        }
        // Each prefix an attribute uses is declared here or on an open ancestor; two attributes of one
        // tag with the same local name under prefixes are left to XMLParser (they may name one namespace).
        for prefix in used where !prefixes.contains(where: { $0.elementsEqual(prefix) })
            && !stack.contains(where: { $0.prefixes.contains { $0.elementsEqual(prefix) } }) { return nil }
        let prefixedLocals = attributes.filter { $0.contains(0x3A) && !$0.starts(with: "xmlns:".utf8) }.map { $0.drop { $0 != 0x3A } }
        guard Set(prefixedLocals.map(Array.init)).count == prefixedLocals.count else { return nil }
        let node = XMLTreeNode(name: String(decoding: whole, as: UTF8.self), line: line)
        return (Open(node: node, name: whole, prefixes: prefixes), closed)
    }
}
