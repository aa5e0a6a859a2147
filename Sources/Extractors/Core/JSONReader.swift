import Foundation

/// A JSON document read in place, for lockfiles of which a few keys matter: every value is checked
/// as the reader passes it, and only the values asked for become Swift values. (`JSONSerialization`
/// builds the whole tree of `Any`; building and bridging it was most of a large package-lock's time.)
///
/// It answers exactly as `StructuredDocument.json` would, or declines: `read` returns nil and the
/// caller reads the file with `StructuredDocument.json`, whose answer, an error included, is the one
/// given. It declines malformed JSON and whatever it does not read the way `JSONSerialization` does:
/// text that is not UTF-8, a top level that is not an object, a number or flag where text is read,
/// numbers beyond plain ones, `\u0000` and lone surrogates, a key read twice in one object, nesting
/// past `maxDepth`, more values than `DocumentLimits.maxValues`. It never traps on its input: every
/// byte is read after a bounds check, and nesting is bounded.
struct JSONReader {
    /// Not a failure of the file: the reader leaves it to the general parser.
    struct Decline: Error {}

    /// Deeper documents are left to `JSONSerialization` (which allows 512 levels).
    static let maxDepth = 128

    private let bytes: UnsafeBufferPointer<UInt8>
    private var offset = 0
    private var depth = 0
    /// `,` and `:` passed: `DocumentLimits.checkJSON` counts the same separators.
    private var separators = 0

    private init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// Runs `body` on the document's top-level object (`body` must read or skip it whole); nil when
    /// the reader declines. Keys handed to `body` are valid only inside it.
    static func read<T>(_ document: [UInt8], _ body: (inout JSONReader) throws -> T) -> T? {
        guard isUTF8(document) else { return nil }
        return document.withUnsafeBufferPointer { buffer -> T? in
            var reader = JSONReader(buffer)
            do {
                reader.skipBlanks()
                guard reader.offset < buffer.count, buffer[reader.offset] == 0x7B else { return nil }
                let result = try body(&reader)
                reader.skipBlanks()
                guard reader.offset == buffer.count, reader.separators <= DocumentLimits.maxValues else { return nil }
                return result
            } catch {
                return nil
            }
        }
    }

    private static func isUTF8(_ document: [UInt8]) -> Bool {
        let ascii = document.withUnsafeBufferPointer { buffer -> Bool in
            var any: UInt8 = 0
            for b in buffer { any |= b }
            return any < 0x80
        }
        return ascii || String(validating: document, as: UTF8.self) != nil
    }

    // MARK: Reading values

    /// The members of the object here: `member` gets each key and must read or skip its value.
    mutating func members(_ member: (inout JSONReader, Key) throws -> Void) throws {
        guard try enter(0x7B, closing: 0x7D) else { return }
        repeat {
            skipBlanks()
            let key = try keyHere()
            try expect(0x3A)
            separators += 1
            try member(&self, key)
        } while try continues(closing: 0x7D)
    }

    /// The elements of the array here: `element` must read or skip each.
    mutating func elements(_ element: (inout JSONReader) throws -> Void) throws {
        guard try enter(0x5B, closing: 0x5D) else { return }
        repeat {
            try element(&self)
        } while try continues(closing: 0x5D)
    }

    /// Opens the object or array here; false when it is empty (its closing bracket read too).
    private mutating func enter(_ opening: UInt8, closing: UInt8) throws -> Bool {
        try expect(opening)
        depth += 1
        guard depth <= JSONReader.maxDepth else { throw Decline() }
        skipBlanks()
        if offset < bytes.count, bytes[offset] == closing {
            offset += 1
            depth -= 1
            return false
        }
        return true
    }

    /// After an item: true at a comma (another follows), false at the closing bracket.
    private mutating func continues(closing: UInt8) throws -> Bool {
        skipBlanks()
        guard offset < bytes.count else { throw Decline() }
        let b = bytes[offset]
        offset += 1
        if b == 0x2C {
            separators += 1
            return true
        }
        guard b == closing else { throw Decline() }
        depth -= 1
        return false
    }

    /// Whether the next value is an object.
    mutating func atObject() throws -> Bool { try upcoming() == 0x7B }

    /// What `[String: Any].string(_:)` gives for this value: its text, nil for null, an object or an
    /// array (skipped). Declines numbers and flags, which that reads through NSNumber.
    mutating func text() throws -> String? {
        switch try upcoming() {
        case 0x22: return try stringHere()
        case 0x7B, 0x5B, 0x6E:
            try skip()
            return nil
        default: throw Decline()
        }
    }

    /// `text()`, and an integer as its digits (NSNumber's `stringValue` of an integer: `lockfileVersion: 3`).
    mutating func textOrInteger() throws -> String? {
        let first = try upcoming()
        guard first == 0x2D || (first >= 0x30 && first <= 0x39) else { return try text() }
        let start = offset
        let integer = try number()
        guard integer, offset - start <= 16, !(offset - start == 2 && first == 0x2D && bytes[start + 1] == 0x30) else { throw Decline() }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self)
    }

    /// What `[String: Any].bool(_:)` gives for this value: a flag, `"true"`, false for null, other
    /// text, an object or an array. Declines numbers (their NSNumber truth).
    mutating func flag() throws -> Bool {
        switch try upcoming() {
        case 0x74:
            try literal("true")
            return true
        case 0x66:
            try literal("false")
            return false
        case 0x22: return try stringHere() == "true"
        case 0x7B, 0x5B, 0x6E:
            try skip()
            return false
        default: throw Decline()
        }
    }

    /// The keys of the object here in order (values skipped), nil for anything else (skipped):
    /// `[String: Any].dictionary(_:)?.keys.sorted()`. Declines an object with a key twice.
    mutating func sortedKeys() throws -> [String]? {
        guard try upcoming() == 0x7B else {
            try skip()
            return nil
        }
        var keys: [String] = []
        try members { reader, key in
            keys.append(key.string)
            try reader.skip()
        }
        keys.sort()
        for i in keys.indices.dropFirst() where keys[i] == keys[i - 1] { throw Decline() }
        return keys
    }

    /// The value as a plain tree, as `JSONSerialization` gives it for what reaches it: `String`,
    /// `[String: Any]`, `[Any]`, `Bool`, `NSNull`. Declines numbers and keys given twice.
    mutating func plain() throws -> Any {
        switch try upcoming() {
        case 0x22: return try stringHere()
        case 0x74, 0x66: return try flag()
        case 0x6E:
            try literal("null")
            return NSNull()
        case 0x5B:
            var list: [Any] = []
            try elements { list.append(try $0.plain()) }
            return list
        case 0x7B:
            var object: [String: Any] = [:]
            try members { reader, key in
                let name = key.string
                guard object[name] == nil else { throw Decline() }
                object[name] = try reader.plain()
            }
            return object
        default: throw Decline()
        }
    }

    /// Passes over one value, checking it.
    mutating func skip() throws {
        switch try upcoming() {
        case 0x22: _ = try stringSpan()
        case 0x7B: try members { reader, _ in try reader.skip() }
        case 0x5B: try elements { try $0.skip() }
        case 0x74: try literal("true")
        case 0x66: try literal("false")
        case 0x6E: try literal("null")
        default: _ = try number()
        }
    }

    // MARK: Keys

    /// An object's key, valid while the reader's document is.
    struct Key {
        fileprivate let raw: UnsafeBufferPointer<UInt8>
        /// The key's text with escapes decoded, when it has any.
        fileprivate let decoded: [UInt8]?

        func matches(_ name: StaticString) -> Bool {
            let expected = UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
            if let decoded { return decoded.elementsEqual(expected) }
            return raw.elementsEqual(expected)
        }

        var string: String {
            if let decoded { return String(decoding: decoded, as: UTF8.self) }
            return String(decoding: raw, as: UTF8.self)
        }
    }

    // MARK: Scanning

    private mutating func skipBlanks() {
        while offset < bytes.count {
            let b = bytes[offset]
            guard b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { return }
            offset += 1
        }
    }

    /// The first byte of the next value.
    private mutating func upcoming() throws -> UInt8 {
        skipBlanks()
        guard offset < bytes.count else { throw Decline() }
        return bytes[offset]
    }

    private mutating func expect(_ byte: UInt8) throws {
        skipBlanks()
        guard offset < bytes.count, bytes[offset] == byte else { throw Decline() }
        offset += 1
    }

    private mutating func literal(_ word: StaticString) throws {
        let count = word.utf8CodeUnitCount
        guard bytes.count - offset >= count,
              UnsafeBufferPointer(rebasing: bytes[offset..<(offset + count)]).elementsEqual(UnsafeBufferPointer(start: word.utf8Start, count: count))
        else { throw Decline() }
        offset += count
    }

    /// A plain number (`-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?` with at most 15 digits in each part, which
    /// `JSONSerialization` reads without overflow); whether it is an integer.
    private mutating func number() throws -> Bool {
        func digits() -> Int {
            let start = offset
            while offset < bytes.count, bytes[offset] >= 0x30, bytes[offset] <= 0x39 { offset += 1 }
            return offset - start
        }
        if offset < bytes.count, bytes[offset] == 0x2D { offset += 1 }
        guard offset < bytes.count else { throw Decline() }
        let leadingZero = bytes[offset] == 0x30
        let whole = digits()
        guard whole >= 1, whole <= 15, !(leadingZero && whole > 1) else { throw Decline() }
        var integer = true
        if offset < bytes.count, bytes[offset] == 0x2E {
            offset += 1
            let fraction = digits()
            guard fraction >= 1, fraction <= 15 else { throw Decline() }
            integer = false
        }
        if offset < bytes.count, bytes[offset] == 0x65 || bytes[offset] == 0x45 {
            offset += 1
            if offset < bytes.count, bytes[offset] == 0x2B || bytes[offset] == 0x2D { offset += 1 }
            let exponent = digits()
            guard exponent >= 1, exponent <= 2 else { throw Decline() }
            integer = false
        }
        return integer
    }

    /// The string here: where its text lies (between the quotes) and whether it holds escapes.
    private mutating func stringSpan() throws -> (Range<Int>, escaped: Bool) {
        guard offset < bytes.count, bytes[offset] == 0x22 else { throw Decline() }
        let start = offset + 1
        var i = start
        var escaped = false
        while i < bytes.count {
            i = JSONReader.plainRun(bytes, from: i)
            guard i < bytes.count else { break }
            let b = bytes[i]
            if b == 0x22 {
                offset = i + 1
                return (start..<i, escaped)
            }
            if b < 0x20 { throw Decline() }
            if b == 0x5C {
                escaped = true
                guard i + 1 < bytes.count else { throw Decline() }
                switch bytes[i + 1] {
                case 0x22, 0x5C, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74: i += 2
                case 0x75:
                    // Checked where a string is only passed over too: JSONSerialization refuses a document
                    // with a lone surrogate anywhere (found by fuzz target json-readers); `\u0000` is declined alike.
                    guard let unit = hex4(at: i + 2), unit != 0, !(unit >= 0xDC00 && unit < 0xE000) else { throw Decline() }
                    if unit >= 0xD800 && unit < 0xDC00 {
                        guard i + 7 < bytes.count, bytes[i + 6] == 0x5C, bytes[i + 7] == 0x75,
                              let low = hex4(at: i + 8), low >= 0xDC00 && low < 0xE000 else { throw Decline() }
                        i += 12
                    } else {
                        i += 6
                    }
                default: throw Decline()
                }
                continue
            }
            i += 1
        }
        throw Decline()
    }

    /// Where the run of string bytes that need no look (no `"`, `\\` or control character) from `start`
    /// ends, eight bytes at a time: a Pipfile.lock is mostly hashes, passed over byte by byte before.
    private static func plainRun(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        guard let base = UnsafeRawPointer(bytes.baseAddress) else { return start }
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        /// Whether some byte of `word` is zero (exact as a yes or no).
        func hasZero(_ word: UInt64) -> Bool { (word &- ones) & ~word & highs != 0 }
        var i = start
        while i + 8 <= bytes.count {
            let word = (base + i).loadUnaligned(as: UInt64.self)
            // A byte below 0x20, a quote, a backslash.
            if (word &- ones &* 0x20) & ~word & highs != 0 || hasZero(word ^ (ones &* 0x22)) || hasZero(word ^ (ones &* 0x5C)) { break }
            i += 8
        }
        return i
    }

    private mutating func stringHere() throws -> String {
        let (span, escaped) = try stringSpan()
        if escaped { return String(decoding: try unescaped(span), as: UTF8.self) }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[span]), as: UTF8.self)
    }

    private mutating func keyHere() throws -> Key {
        let (span, escaped) = try stringSpan()
        return Key(raw: UnsafeBufferPointer(rebasing: bytes[span]), decoded: escaped ? try unescaped(span) : nil)
    }

    /// The text of a string whose escapes `stringSpan` has checked, decoded.
    private func unescaped(_ span: Range<Int>) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(span.count)
        var i = span.lowerBound
        func hex4(_ at: Int) throws -> UInt32 {
            guard at + 4 <= span.upperBound else { throw Decline() }
            var value: UInt32 = 0
            for k in 0..<4 {
                guard let digit = JSONReader.hexValue(bytes[at + k]) else { throw Decline() }
                value = value << 4 | UInt32(digit)
            }
            return value
        }
        while i < span.upperBound {
            let b = bytes[i]
            guard b == 0x5C, i + 1 < span.upperBound else {
                out.append(b)
                i += 1
                continue
            }
            let kind = bytes[i + 1]
            i += 2
            switch kind {
            case 0x62: out.append(0x08)
            case 0x66: out.append(0x0C)
            case 0x6E: out.append(0x0A)
            case 0x72: out.append(0x0D)
            case 0x74: out.append(0x09)
            case 0x75:
                var scalar = try hex4(i)
                i += 4
                if scalar >= 0xD800 && scalar < 0xDC00 {
                    // A high surrogate must be followed by an escaped low one.
                    guard i + 1 < span.upperBound, bytes[i] == 0x5C, bytes[i + 1] == 0x75 else { throw Decline() }
                    let low = try hex4(i + 2)
                    guard low >= 0xDC00 && low < 0xE000 else { throw Decline() }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                }
                guard scalar != 0, let unicode = Unicode.Scalar(scalar) else { throw Decline() }
                UTF8.encode(unicode) { out.append($0) }
            default: out.append(kind)   // `"` `\` `/`
            }
        }
        return out
    }

    /// The four hex digits at `at` as a UTF-16 unit.
    private func hex4(at: Int) -> UInt32? {
        guard at >= 0, at + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for k in 0..<4 {
            guard let digit = JSONReader.hexValue(bytes[at + k]) else { return nil }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    private static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case 0x30...0x39: return b - 0x30
        case 0x41...0x46: return b - 0x41 + 10
        case 0x61...0x66: return b - 0x61 + 10
        default: return nil
        }
    }
}
