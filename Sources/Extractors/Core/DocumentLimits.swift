import FnauditModel

/// Bounds on what parsing one untrusted YAML or TOML document may cost, checked on the bytes
/// before a parser sees them: the parsers recurse once per nesting level (and toml++ asserts on
/// some control characters), so a hostile document must be refused before it reaches them.
public enum DocumentLimits {
    /// Deepest nesting of lists, tables, mappings and dotted keys.
    public static let maxNesting = 128
    /// Values (scalars, lists, tables) one YAML, TOML or JSON document may hold, aliases expanded:
    /// parsed trees take 100–150 bytes a value, so this bounds a document to about 1 GB in memory.
    /// The largest real lockfiles hold under 2 million. (A "billion laughs" YAML references one
    /// anchor from many places: tiny on disk, endless once expanded.)
    public static let maxValues = 8_000_000
    /// Largest YAML or TOML document parsed into a tree.
    public static let maxTreeBytes = 64 << 20

    /// At most one value per separator (`,` `:` `=` line break, `- `): an upper bound found without parsing.
    static func checkValueCount(_ separators: Int, _ format: String) throws {
        guard separators <= maxValues else {
            throw ExtractionError("not read: the \(format) holds more than \(maxValues) values")
        }
    }

    /// Checks a JSON document's size in values before JSONSerialization builds it (its nesting is
    /// already limited to 512 by Foundation).
    public static func checkJSON(_ bytes: [UInt8]) throws {
        var separators = 0, inString = false, escaped = false
        for b in bytes {
            if inString {
                if escaped { escaped = false } else if b == 0x5C { escaped = true } else if b == 0x22 { inString = false }
            } else if b == 0x22 {
                inString = true
            } else if b == 0x2C || b == 0x3A {
                separators += 1
            }
        }
        try checkValueCount(separators, "JSON")
    }

    /// Checks a TOML document: UTF-8, no control characters but tab and line breaks (TOML forbids
    /// them everywhere), and nesting within `maxNesting`. Throws `ExtractionError` with a line.
    public static func checkTOML(_ bytes: [UInt8]) throws {
        try checkSize(bytes, "TOML")
        guard String(validating: bytes, as: UTF8.self) != nil else { throw ExtractionError("not valid TOML: not UTF-8 text") }
        enum State { case normal, basic, literal, multiBasic, multiLiteral, comment }
        var state = State.normal
        var depth = 0, dots = 0, line = 1, separators = 0
        var brackets: [UInt8] = []
        var atLineStart = true, inHeader = false
        var i = 0
        func starts(_ quote: UInt8) -> Bool { i + 2 < bytes.count && bytes[i + 1] == quote && bytes[i + 2] == quote }
        while i < bytes.count {
            let b = bytes[i]
            if state == .normal && atLineStart && b != 0x20 && b != 0x09 {
                atLineStart = false
                // toml++ asserts on a key or table header that starts with a character no key may
                // start with (`[[~x]]`): every key is checked before it sees one.
                if brackets.isEmpty && b != 0x0A && b != 0x0D && b != 0x23 {
                    inHeader = b == 0x5B
                    try checkKey(bytes, from: i, header: inHeader, line: line)
                }
            }
            if b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0D || b == 0x7F {
                throw ExtractionError("not valid TOML: control character 0x\(String(b, radix: 16)) at line \(line)")
            }
            if b == 0x0A {
                line += 1
                dots = 0
                atLineStart = true
                inHeader = false
                if state == .comment || state == .basic || state == .literal { state = .normal }
                i += 1
                continue
            }
            switch state {
            case .comment:
                break
            case .basic:
                if b == 0x5C { i += 1 } else if b == 0x22 { state = .normal }
            case .literal:
                if b == 0x27 { state = .normal }
            case .multiBasic:
                if b == 0x5C { i += 1 } else if b == 0x22 && starts(0x22) { state = .normal; i += 2 }
            case .multiLiteral:
                if b == 0x27 && starts(0x27) { state = .normal; i += 2 }
            case .normal:
                // toml++ asserts (and, with assertions off, reads on) when a date is followed by a
                // broken time (`2024-11-08T:`): such values are refused before it parses them.
                if b >= 0x30 && b <= 0x39, i >= 9, isDatePrefix(bytes, end: i), !isTimeAfterDate(bytes, at: i + 1) {
                    throw ExtractionError("not valid TOML: a date with an incomplete time at line \(line)")
                }
                switch b {
                case 0x23: state = .comment
                case 0x22: if starts(0x22) { state = .multiBasic; i += 2 } else { state = .basic }
                case 0x27: if starts(0x27) { state = .multiLiteral; i += 2 } else { state = .literal }
                case 0x5B, 0x7B:
                    depth += 1
                    brackets.append(b)
                    if b == 0x7B { try checkInlineKey(bytes, after: i, line: line) }
                    if b == 0x5B && !inHeader { try checkValueStart(bytes, after: i, inArray: true, line: line) }
                case 0x5D, 0x7D:
                    depth -= 1
                    _ = brackets.popLast()
                case 0x2E: dots += 1
                case 0x2C, 0x3D:
                    separators += 1
                    if b == 0x2C, brackets.last == 0x7B { try checkInlineKey(bytes, after: i, line: line) }
                    if b == 0x2C, brackets.last == 0x5B { try checkValueStart(bytes, after: i, inArray: true, line: line) }
                    if b == 0x3D, !inHeader { try checkValueStart(bytes, after: i, inArray: false, line: line) }
                default: break
                }
                if depth > maxNesting || dots > maxNesting {
                    throw ExtractionError("not read: TOML nested deeper than \(maxNesting) levels at line \(line)")
                }
            }
            i += 1
        }
        try checkValueCount(separators + line, "TOML")
    }

    private static func isBareKey(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x5F || b == 0x2D
    }

    /// A key (`a.b."c"`) at `from`, followed by `=`; or a table header (`[a.b]`, `[[a]]`).
    private static func checkKey(_ bytes: [UInt8], from start: Int, header: Bool, line: Int) throws {
        func fail() -> ExtractionError { ExtractionError("not valid TOML: \(header ? "a table header" : "a key") that is not one at line \(line)") }
        var k = start
        func skipBlanks() { while k < bytes.count, bytes[k] == 0x20 || bytes[k] == 0x09 { k += 1 } }
        if header {
            k += 1
            if k < bytes.count, bytes[k] == 0x5B { k += 1 }
        }
        while true {
            skipBlanks()
            guard k < bytes.count else { throw fail() }
            let c = bytes[k]
            if isBareKey(c) {
                while k < bytes.count, isBareKey(bytes[k]) { k += 1 }
            } else if c == 0x22 || c == 0x27 {
                k += 1
                while k < bytes.count, bytes[k] != c, bytes[k] != 0x0A {
                    if c == 0x22, bytes[k] == 0x5C { k += 1 }
                    k += 1
                }
                guard k < bytes.count, bytes[k] == c else { throw fail() }
                k += 1
            } else {
                throw fail()
            }
            skipBlanks()
            if k < bytes.count, bytes[k] == 0x2E { k += 1; continue }
            break
        }
        guard k < bytes.count, bytes[k] == (header ? 0x5D : 0x3D) else { throw fail() }
    }

    /// Where a value must start (after `=`, or in an array after `[` or `,`): toml++ asserts when
    /// it finds `}`, `,` or (outside an array) the end of the line there instead of refusing.
    private static func checkValueStart(_ bytes: [UInt8], after index: Int, inArray: Bool, line: Int) throws {
        var k = index + 1
        while k < bytes.count {
            let c = bytes[k]
            if c == 0x20 || c == 0x09 { k += 1; continue }
            if inArray && (c == 0x0A || c == 0x0D) { k += 1; continue }
            if inArray && c == 0x23 {   // a comment inside an array runs to the end of its line
                while k < bytes.count, bytes[k] != 0x0A { k += 1 }
                continue
            }
            break
        }
        guard k < bytes.count else { throw ExtractionError("not valid TOML: a value is missing at line \(line)") }
        let c = bytes[k]
        let closesArray = inArray && c == 0x5D
        if !closesArray && (c == 0x7D || c == 0x2C || c == 0x5D || c == 0x0A || c == 0x0D || c == 0x23) {
            throw ExtractionError("not valid TOML: a value is missing at line \(line)")
        }
    }

    /// Inside an inline table, after `{` or `,`: a key, or the closing `}`.
    private static func checkInlineKey(_ bytes: [UInt8], after index: Int, line: Int) throws {
        var k = index + 1
        while k < bytes.count, bytes[k] == 0x20 || bytes[k] == 0x09 { k += 1 }
        guard k < bytes.count, bytes[k] != 0x7D else { return }
        try checkKey(bytes, from: k, header: false, line: line)
    }

    /// Whether `bytes[end-9...end]` is `YYYY-MM-DD` outside a string (the scanner's state says so).
    private static func isDatePrefix(_ bytes: [UInt8], end: Int) -> Bool {
        let start = end - 9
        guard start >= 0 else { return false }
        for (offset, b) in bytes[start...end].enumerated() {
            let isDigit = b >= 0x30 && b <= 0x39
            if offset == 4 || offset == 7 { if b != 0x2D { return false } } else if !isDigit { return false }
        }
        return start == 0 || !(bytes[start - 1] >= 0x30 && bytes[start - 1] <= 0x39)
    }

    /// After a date: nothing time-like, or a time that starts `HH:MM`.
    private static func isTimeAfterDate(_ bytes: [UInt8], at index: Int) -> Bool {
        guard index < bytes.count else { return true }
        let separator = bytes[index]
        func digit(_ i: Int) -> Bool { i < bytes.count && bytes[i] >= 0x30 && bytes[i] <= 0x39 }
        if separator == 0x54 || separator == 0x74 {   // T or t: a time must follow
            return digit(index + 1) && digit(index + 2) && index + 3 < bytes.count && bytes[index + 3] == 0x3A && digit(index + 4) && digit(index + 5)
        }
        if separator == 0x20, digit(index + 1) {   // `2024-11-08 10:…`
            return digit(index + 2) && index + 3 < bytes.count && bytes[index + 3] == 0x3A && digit(index + 4) && digit(index + 5)
        }
        return true
    }

    /// Checks a YAML document's nesting: flow collections (`[`, `{`) outside quotes, and block
    /// levels (each deeper indentation, and each `- `/`? ` indicator that opens a level on a line).
    /// Returns how many values the text can hold without aliases, the budget for expanding them.
    @discardableResult
    public static func checkYAML(_ bytes: [UInt8]) throws -> Int {
        try checkSize(bytes, "YAML")
        // On the buffer: indexing the array with its checks was most of this pass.
        return try bytes.withUnsafeBufferPointer { bytes throws -> Int in
            var flow = 0, line = 1, separators = 0
            var indents: [Int] = []
            var i = 0
            while i < bytes.count {
                // One line: its indentation, its block indicators, then its flow brackets.
                var column = 0
                while i < bytes.count && bytes[i] == 0x20 { column += 1; i += 1 }
                let lineStart = i
                while i < bytes.count && bytes[i] != 0x0A { i += 1 }
                let content = bytes[lineStart..<i]
                defer { line += 1; i += 1 }
                guard let first = content.first, first != 0x23, first != 0x0D else { continue }
                if flow == 0 {
                    while let last = indents.last, last >= column { indents.removeLast() }
                    indents.append(column)
                    // `- - - a` and `? - a` open one level per indicator on the same line.
                    var j = content.startIndex
                    while j + 1 < content.endIndex, content[j] == 0x2D || content[j] == 0x3F, content[j + 1] == 0x20 {
                        indents.append(column + (j - content.startIndex) + 1)
                        j += 2
                    }
                }
                guard yamlFlow(content, levels: indents.count, flow: &flow, separators: &separators) else {
                    throw ExtractionError("not read: YAML nested deeper than \(maxNesting) levels at line \(line)")
                }
            }
            try checkValueCount(separators + line * 2, "YAML")
            return min(maxValues, 2 * (separators + line * 2) + 100_000)
        }
    }

    /// One line's flow brackets as `checkYAML` counts them (outside quotes, up to a `#`), updating
    /// `flow` and `separators`: whether the line stays within `maxNesting` with `levels` block levels
    /// open. Shared with pnpm's line reader, which must decline whatever this check refuses.
    static func yamlFlow<Line: Collection<UInt8>>(_ content: Line, levels: Int, flow: inout Int, separators: inout Int) -> Bool {
        var quote: UInt8? = nil
        for b in content {
            if let q = quote {
                if b == q { quote = nil }
                continue
            }
            switch b {
            case 0x22, 0x27: quote = b
            case 0x23: return true
            case 0x5B, 0x7B: flow += 1
            case 0x5D, 0x7D: flow = max(0, flow - 1)
            case 0x2C: separators += 1
            default: break
            }
            if flow + levels > maxNesting { return false }
        }
        return flow + levels <= maxNesting
    }

    private static func checkSize(_ bytes: [UInt8], _ format: String) throws {
        guard bytes.count <= maxTreeBytes else {
            throw ExtractionError("not read: \(bytes.count) bytes is over the \(maxTreeBytes >> 20) MiB limit for \(format) documents")
        }
    }
}
