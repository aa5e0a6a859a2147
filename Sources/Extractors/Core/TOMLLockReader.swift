import Foundation

/// The subset of TOML that Python lockfiles (uv.lock, poetry.lock, pdm.lock) are written in, read
/// into the same plain tree `StructuredDocument.toml` gives: `[table]` and `[[array]]` headers of
/// bare or quoted keys, `key = value` with a bare or quoted key, one-line basic and literal strings,
/// decimal integers (as their text), booleans, arrays over several lines (comments, trailing comma)
/// and one-line inline tables. Anything else — dotted keys, multi-line strings, floats, dates, other
/// integer forms, escapes it does not decode, a key or table defined twice, CR not before LF, a BOM —
/// gives nil, and toml++ reads the file. Parsing with toml++ and converting its tree through TOMLKit
/// was most of a large uv.lock's time.
///
/// Values under `skipping` (dotted paths from the root, array-of-tables elements transparent:
/// `package.wheels`) are checked like the rest but left out of the tree, for keys an extractor never reads.
///
/// Run after `DocumentLimits.checkTOML`, which bounds the nesting (this recurses once per level of
/// arrays and inline tables) and refuses control characters and text that is not UTF-8.
public enum TOMLLockReader {
    private struct Decline: Error {}

    /// A table as it is being built: explicitly defined by a header, or made on the way to one.
    private final class Table {
        var entries: [String: Entry] = [:]
        var isDefined: Bool
        let path: String
        let isSkipped: Bool
        init(path: String, isDefined: Bool, isSkipped: Bool) {
            self.path = path
            self.isDefined = isDefined
            self.isSkipped = isSkipped
        }
    }

    private enum Entry {
        /// A value of `key = value` (inline tables and arrays included), as its plain tree.
        case value(Any)
        /// A value checked and left out.
        case skipped
        case table(Table)
        /// `[[name]]` tables.
        case tables(TableList)
    }

    /// Appended to in place (an array held in the enum would be copied at each `[[name]]`).
    private final class TableList {
        var tables: [Table]
        init(_ first: Table) { tables = [first] }
    }

    public static func tree(_ bytes: [UInt8], skipping: Set<String> = []) -> [String: Any]? {
        bytes.withUnsafeBufferPointer { buffer in
            var parser = Parser(bytes: buffer, skipping: skipping)
            guard let root = try? parser.document() else { return nil }
            return plain(root)
        }
    }

    private static func plain(_ table: Table) -> [String: Any] {
        var result: [String: Any] = [:]
        for (key, entry) in table.entries {
            switch entry {
            case .value(let value): result[key] = value
            case .skipped: break
            case .table(let child): if !child.isSkipped { result[key] = plain(child) }
            case .tables(let list): if list.tables.first?.isSkipped != true { result[key] = list.tables.map { plain($0) as Any } }
            }
        }
        return result
    }

    private struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        let skipping: Set<String>
        var i = 0

        init(bytes: UnsafeBufferPointer<UInt8>, skipping: Set<String>) {
            self.bytes = bytes
            self.skipping = skipping
        }

        private var atEnd: Bool { i >= bytes.count }
        private var current: UInt8 { i < bytes.count ? bytes[i] : 0 }

        mutating func document() throws -> Table {
            let root = Table(path: "", isDefined: true, isSkipped: false)
            var table = root
            while true {
                skipBlanks()
                guard !atEnd else { return root }
                switch current {
                case 0x0A: i += 1
                case 0x0D, 0x23: try endOfLine()
                case 0x5B: table = try header(root)
                default:
                    let key = try key()
                    skipBlanks()
                    guard current == 0x3D else { throw Decline() }   // dotted keys are left to toml++
                    i += 1
                    skipBlanks()
                    guard table.entries[key] == nil else { throw Decline() }
                    let path = table.path.isEmpty ? key : table.path + "." + key
                    if table.isSkipped || skipping.contains(path) {
                        try value(keep: false)
                        table.entries[key] = .skipped
                    } else {
                        table.entries[key] = .value(try value(keep: true) ?? "")
                    }
                    try endOfLine()
                }
            }
        }

        /// `[a.b]` or `[[a.b]]`: the table that key/value lines go into next.
        private mutating func header(_ root: Table) throws -> Table {
            i += 1
            let isArray = current == 0x5B
            if isArray { i += 1 }
            var keys: [String] = []
            while true {
                skipBlanks()
                keys.append(try key())
                skipBlanks()
                if current == 0x2E { i += 1; continue }
                break
            }
            guard current == 0x5D else { throw Decline() }
            i += 1
            if isArray {
                guard current == 0x5D else { throw Decline() }
                i += 1
            }
            try endOfLine()
            var table = root
            for key in keys.dropLast() {
                switch table.entries[key] {
                case nil:
                    let child = Table(path: childPath(table, key), isDefined: false, isSkipped: isSkipped(table, key))
                    table.entries[key] = .table(child)
                    table = child
                case .table(let child)?: table = child
                case .tables(let list)?:
                    guard let last = list.tables.last else { throw Decline() }
                    table = last
                default: throw Decline()
                }
            }
            guard let name = keys.last else { throw Decline() }
            let path = childPath(table, name), skipped = isSkipped(table, name)
            switch table.entries[name] {
            case nil:
                let child = Table(path: path, isDefined: true, isSkipped: skipped)
                table.entries[name] = isArray ? .tables(TableList(child)) : .table(child)
                return child
            case .table(let child)? where !isArray && !child.isDefined:
                child.isDefined = true
                return child
            case .tables(let list)? where isArray:
                let child = Table(path: path, isDefined: true, isSkipped: skipped)
                list.tables.append(child)
                return child
            default:
                throw Decline()
            }
        }

        private func childPath(_ table: Table, _ key: String) -> String {
            table.path.isEmpty ? key : table.path + "." + key
        }

        private func isSkipped(_ table: Table, _ key: String) -> Bool {
            table.isSkipped || skipping.contains(childPath(table, key))
        }

        /// A bare key, or a one-line quoted one without escapes.
        private mutating func key() throws -> String {
            let start = i
            if current == 0x22 || current == 0x27 {
                let quote = current
                i += 1
                let body = i
                while !atEnd, bytes[i] != quote {
                    if bytes[i] == 0x5C || bytes[i] == 0x0A || bytes[i] == 0x0D { throw Decline() }
                    i += 1
                }
                guard !atEnd, i > body else { throw Decline() }
                i += 1
                return text(body..<(i - 1))
            }
            while !atEnd, isBareKey(bytes[i]) { i += 1 }
            guard i > start else { throw Decline() }
            return text(start..<i)
        }

        private func isBareKey(_ b: UInt8) -> Bool {
            (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x5F || b == 0x2D
        }

        /// One value; its plain tree when `keep`, else only checked.
        @discardableResult
        private mutating func value(keep: Bool) throws -> Any? {
            guard !atEnd else { throw Decline() }
            switch bytes[i] {
            case 0x22: return try basicString(keep: keep)
            case 0x27: return try literalString(keep: keep)
            case 0x5B: return try array(keep: keep)
            case 0x7B: return try inlineTable(keep: keep)
            case 0x74: return try word("true", true)
            case 0x66: return try word("false", false)
            default: return try integer()
            }
        }

        private mutating func word(_ word: StaticString, _ value: Bool) throws -> Bool {
            let count = word.utf8CodeUnitCount
            guard bytes.count - i >= count,
                  UnsafeBufferPointer(rebasing: bytes[i..<(i + count)]).elementsEqual(UnsafeBufferPointer(start: word.utf8Start, count: count))
            else { throw Decline() }
            i += count
            try delimiterFollows()
            return value
        }

        /// `[+-]?(0|[1-9][0-9]*)`, at most 18 digits, as the text TOMLKit's `int` gives it.
        private mutating func integer() throws -> String {
            var negative = false
            if current == 0x2B || current == 0x2D {
                negative = current == 0x2D
                i += 1
            }
            let start = i
            while !atEnd, bytes[i] >= 0x30, bytes[i] <= 0x39 { i += 1 }
            let digits = i - start
            guard digits >= 1, digits <= 18, !(digits > 1 && bytes[start] == 0x30) else { throw Decline() }
            try delimiterFollows()
            guard let magnitude = Int(text(start..<i)) else { throw Decline() }
            return String(negative ? -magnitude : magnitude)
        }

        /// After a scalar: the end of its value (`12abc`, `1.5`, `1979-05-27`, `true_` are not this subset's).
        private func delimiterFollows() throws {
            guard !atEnd else { return }
            switch bytes[i] {
            case 0x20, 0x09, 0x0A, 0x0D, 0x2C, 0x5D, 0x7D, 0x23: return
            default: throw Decline()
            }
        }

        private mutating func basicString(keep: Bool) throws -> String? {
            guard !(bytes.count - i >= 3 && bytes[i + 1] == 0x22 && bytes[i + 2] == 0x22) else { throw Decline() }
            i += 1
            let start = i
            var escaped = false
            while true {
                guard !atEnd else { throw Decline() }
                let b = bytes[i]
                if b == 0x22 { break }
                if b == 0x0A || b == 0x0D { throw Decline() }
                if b == 0x5C {
                    escaped = true
                    i += 2
                    continue
                }
                i += 1
            }
            let end = i
            i += 1
            guard escaped else { return keep ? text(start..<end) : nil }
            let decoded = try unescaped(start..<end)
            return keep ? String(decoding: decoded, as: UTF8.self) : nil
        }

        /// A basic string's escapes decoded (`\b \t \n \f \r \" \\ \uXXXX \UXXXXXXXX`).
        private func unescaped(_ span: Range<Int>) throws -> [UInt8] {
            var out: [UInt8] = []
            out.reserveCapacity(span.count)
            var k = span.lowerBound
            while k < span.upperBound {
                let b = bytes[k]
                guard b == 0x5C else {
                    out.append(b)
                    k += 1
                    continue
                }
                guard k + 1 < span.upperBound else { throw Decline() }
                let kind = bytes[k + 1]
                k += 2
                switch kind {
                case 0x62: out.append(0x08)
                case 0x74: out.append(0x09)
                case 0x6E: out.append(0x0A)
                case 0x66: out.append(0x0C)
                case 0x72: out.append(0x0D)
                case 0x22, 0x5C: out.append(kind)
                case 0x75, 0x55:
                    let length = kind == 0x75 ? 4 : 8
                    guard k + length <= span.upperBound else { throw Decline() }
                    var scalar: UInt32 = 0
                    for offset in 0..<length {
                        guard let digit = hexValue(bytes[k + offset]) else { throw Decline() }
                        scalar = scalar << 4 | UInt32(digit)
                    }
                    k += length
                    // Control characters are left to toml++, as is what is no scalar.
                    guard scalar >= 0x20, scalar != 0x7F, let unicode = Unicode.Scalar(scalar) else { throw Decline() }
                    UTF8.encode(unicode) { out.append($0) }
                default: throw Decline()
                }
            }
            return out
        }

        private func hexValue(_ b: UInt8) -> UInt8? {
            switch b {
            case 0x30...0x39: return b - 0x30
            case 0x41...0x46: return b - 0x41 + 10
            case 0x61...0x66: return b - 0x61 + 10
            default: return nil
            }
        }

        private mutating func literalString(keep: Bool) throws -> String? {
            guard !(bytes.count - i >= 3 && bytes[i + 1] == 0x27 && bytes[i + 2] == 0x27) else { throw Decline() }
            i += 1
            let start = i
            while true {
                guard !atEnd else { throw Decline() }
                let b = bytes[i]
                if b == 0x27 { break }
                if b == 0x0A || b == 0x0D { throw Decline() }
                i += 1
            }
            let end = i
            i += 1
            return keep ? text(start..<end) : nil
        }

        /// `[a, b,]`, over lines, with comments between values.
        private mutating func array(keep: Bool) throws -> [Any]? {
            i += 1
            var items: [Any] = []
            while true {
                try skipBlanksAndLines()
                if current == 0x5D {
                    i += 1
                    return keep ? items : nil
                }
                let item = try value(keep: keep)
                if keep, let item { items.append(item) }
                try skipBlanksAndLines()
                if current == 0x2C {
                    i += 1
                } else if current == 0x5D {
                    i += 1
                    return keep ? items : nil
                } else {
                    throw Decline()
                }
            }
        }

        /// `{ a = 1, b = "c" }` on one line, without a trailing comma.
        private mutating func inlineTable(keep: Bool) throws -> [String: Any]? {
            i += 1
            var table: [String: Any] = [:]
            var seen = Set<String>()
            skipBlanks()
            if current == 0x7D {
                i += 1
                return keep ? table : nil
            }
            while true {
                skipBlanks()
                let key = try key()
                skipBlanks()
                guard current == 0x3D else { throw Decline() }
                i += 1
                skipBlanks()
                guard seen.insert(key).inserted else { throw Decline() }
                let item = try value(keep: keep)
                if keep { table[key] = item ?? "" }
                skipBlanks()
                if current == 0x2C {
                    i += 1
                } else if current == 0x7D {
                    i += 1
                    return keep ? table : nil
                } else {
                    throw Decline()
                }
            }
        }

        private mutating func skipBlanks() {
            while !atEnd, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 }
        }

        /// Inside an array: blanks, line breaks and comments.
        private mutating func skipBlanksAndLines() throws {
            while !atEnd {
                switch bytes[i] {
                case 0x20, 0x09, 0x0A: i += 1
                case 0x0D:
                    guard i + 1 < bytes.count, bytes[i + 1] == 0x0A else { throw Decline() }
                    i += 2
                case 0x23:
                    while !atEnd, bytes[i] != 0x0A { i += 1 }
                default: return
                }
            }
        }

        /// Blanks, an optional comment, then a line break or the end.
        private mutating func endOfLine() throws {
            skipBlanks()
            if current == 0x23 {
                while !atEnd, bytes[i] != 0x0A {
                    // A CR inside a comment is toml++'s to judge.
                    if bytes[i] == 0x0D, !(i + 1 < bytes.count && bytes[i + 1] == 0x0A) { throw Decline() }
                    i += 1
                }
            }
            guard !atEnd else { return }
            if bytes[i] == 0x0D {
                guard i + 1 < bytes.count, bytes[i + 1] == 0x0A else { throw Decline() }
                i += 2
                return
            }
            guard bytes[i] == 0x0A else { throw Decline() }
            i += 1
        }

        private func text(_ range: Range<Int>) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        }
    }

    /// Whether two plain trees are the same (for checking this reader against toml++).
    public static func sameTree(_ a: Any, _ b: Any) -> Bool {
        switch (a, b) {
        case let (x as String, y as String): return x == y
        case let (x as Bool, y as Bool): return x == y
        case let (x as [Any], y as [Any]): return x.count == y.count && zip(x, y).allSatisfy { sameTree($0, $1) }
        case let (x as [String: Any], y as [String: Any]):
            return x.count == y.count && x.allSatisfy { key, value in y[key].map { sameTree(value, $0) } ?? false }
        default: return false
        }
    }
}
