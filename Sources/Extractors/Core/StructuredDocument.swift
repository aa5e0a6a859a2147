import Foundation
import TOMLKit
import Yams

/// JSON, YAML and TOML, parsed into one plain tree: `[String: Any]`, `[Any]`, `String`, `Bool`,
/// numbers. Extractors read every format through the same accessors below.
public enum StructuredDocument {
    public static func json(_ bytes: [UInt8]) throws -> Any {
        try DocumentLimits.checkJSON(bytes)
        do {
            return try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        } catch {
            let reason = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "malformed"
            throw ExtractionError("not valid JSON: \(reason.prefix(160))")
        }
    }

    /// YAML with every scalar kept as the text it was written as (`1.10` stays "1.10").
    /// Within `DocumentLimits`: nesting checked before parsing, aliases expanded within a node budget.
    /// With `intrinsics`, CloudFormation's short tags become the long form JSON templates use:
    /// `!Ref X` → `["Ref": "X"]`, `!GetAtt A.B` → `["Fn::GetAtt": ["A", "B"]]`, `!Sub …` → `["Fn::Sub": …]`.
    public static func yaml(_ bytes: [UInt8], intrinsics: Bool = false) throws -> Any {
        let valueBudget = try DocumentLimits.checkYAML(bytes)
        let text = String(decoding: bytes, as: UTF8.self)
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw ExtractionError("not valid YAML: \(String(describing: error).split(separator: "\n").first ?? "malformed")")
        }
        guard let node else { return [String: Any]() }
        var budget = valueBudget
        guard let tree = plain(node, budget: &budget, intrinsics: intrinsics) else {
            throw ExtractionError("not read: the YAML expands to more than \(valueBudget) values (aliases referenced too often)")
        }
        return tree
    }

    /// nil once `budget` nodes have been made: aliases are copies, so a small document can expand without end.
    private static func plain(_ node: Node, budget: inout Int, intrinsics: Bool = false, tagRead: Bool = false) -> Any? {
        budget -= 1
        guard budget >= 0 else { return nil }
        if intrinsics, !tagRead, let tag = node.tag.description.first == "!" ? String(node.tag.description.dropFirst()) : nil, !tag.hasPrefix("!") {
            // Local tags only (`!Ref`); `!!str` and the like are YAML's own.
            guard let value = plain(node, budget: &budget, intrinsics: true, tagRead: true) else { return nil }
            if tag == "GetAtt", let dotted = value as? String {
                let parts = dotted.split(separator: ".", maxSplits: 1).map(String.init)
                return ["Fn::GetAtt": parts]
            }
            return [tag == "Ref" || tag == "Condition" ? tag : "Fn::" + tag: value]
        }
        switch node {
        case .scalar(let scalar):
            return scalar.string
        case .sequence(let sequence):
            var list: [Any] = []
            list.reserveCapacity(sequence.count)
            for item in sequence {
                guard let value = plain(item, budget: &budget, intrinsics: intrinsics) else { return nil }
                list.append(value)
            }
            return list
        case .mapping(let mapping):
            var dictionary: [String: Any] = [:]
            for (key, value) in mapping {
                guard let converted = plain(value, budget: &budget, intrinsics: intrinsics) else { return nil }
                dictionary[key.scalar?.string ?? "\(key)"] = converted
            }
            return dictionary
        @unknown default:
            return ""
        }
    }

    /// Within `DocumentLimits`: UTF-8, control characters and nesting checked before toml++ sees it.
    public static func toml(_ bytes: [UInt8]) throws -> [String: Any] {
        try DocumentLimits.checkTOML(bytes)
        let text = String(decoding: bytes, as: UTF8.self)
        do {
            return plain(try TOMLTable(string: text))
        } catch let error as TOMLParseError {
            throw ExtractionError("not valid TOML: \(error.description) at line \(error.source.begin.line)")
        } catch {
            throw ExtractionError("not valid TOML: \(error)")
        }
    }

    /// A Python lockfile's TOML: read by `TOMLLockReader` when it is within that subset (keys under
    /// `skipping`, which the caller never reads, may then be missing), else by `toml`.
    public static func tomlLockfile(_ bytes: [UInt8], skipping: Set<String> = []) throws -> [String: Any] {
        try DocumentLimits.checkTOML(bytes)
        if let tree = TOMLLockReader.tree(bytes, skipping: skipping) { return tree }
        return try toml(bytes)
    }

    private static func plain(_ table: TOMLTable) -> [String: Any] {
        var dictionary: [String: Any] = [:]
        for key in table.keys {
            if let value = table[key] { dictionary[key] = plain(value) }
        }
        return dictionary
    }

    private static func plain(_ value: TOMLValueConvertible) -> Any {
        if let string = value.string { return string }
        if let table = value.table { return plain(table) }
        if let array = value.array { return array.map { plain($0) } }
        if let bool = value.bool { return bool }
        if let date = value.date { return String(format: "%04d-%02d-%02d", date.year, date.month, date.day) }
        if let int = value.int { return String(int) }
        if let double = value.double { return String(double) }
        return String(describing: value)
    }
}

/// Typed reads from a plain tree.
public extension Dictionary where Key == String, Value == Any {
    func string(_ key: String) -> String? {
        switch self[key] {
        case let s as String: return s
        case let n as NSNumber: return n.stringValue
        default: return nil
        }
    }
    func dictionary(_ key: String) -> [String: Any]? { self[key] as? [String: Any] }
    func array(_ key: String) -> [Any]? { self[key] as? [Any] }
    func bool(_ key: String) -> Bool {
        switch self[key] {
        case let b as Bool: return b
        case let s as String: return s == "true"
        case let n as NSNumber: return n.boolValue
        default: return false
        }
    }
}

/// Finds 1-based line numbers of declarations in a text, for reports that point at a line.
public struct LineLocator: Sendable {
    private let bytes: [UInt8]
    private let lineStarts: [Int]

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        var starts = [0]
        for (i, b) in bytes.enumerated() where b == 0x0A { starts.append(i + 1) }
        lineStarts = starts
    }

    /// The line of the first occurrence of `needle` at or after line `from`.
    public func line(of needle: String, from: Int = 1) -> Int? {
        let pattern = Array(needle.utf8)
        guard !pattern.isEmpty, from - 1 < lineStarts.count else { return nil }
        var i = lineStarts[max(0, from - 1)]
        let last = bytes.count - pattern.count
        guard let first = pattern.first else { return nil }
        while i <= last {
            if bytes[i] == first && bytes[i..<(i + pattern.count)].elementsEqual(pattern) {
                return lineNumber(at: i)
            }
            i += 1
        }
        return nil
    }

    public func lineNumber(at offset: Int) -> Int {
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        return lo + 1
    }
}

extension LineLocator {
    /// The 1-based line of each TOML `[[name]]` header, in document order (TOML keeps array order).
    public static func arrayTableLines(_ bytes: [UInt8], name: String) -> [Int] {
        let header = "[[\(name)]]"
        let pattern = Array(header.utf8)
        guard let first = pattern.first else { return [] }
        // Line by line on bytes; only a line holding the header's bytes can equal it once trimmed, and
        // only those are decoded and trimmed as before (splitting and trimming every line as Strings
        // was most of a uv.lock's time).
        var found: [Int] = []
        var number = 1, start = 0
        let count = bytes.count
        while start <= count {
            var end = start
            var holds = false
            while end < count, bytes[end] != 0x0A {
                if !holds, bytes[end] == first, end + pattern.count <= count, bytes[end..<(end + pattern.count)].elementsEqual(pattern) { holds = true }
                end += 1
            }
            if holds {
                var last = end
                if end < count, last > start, bytes[last - 1] == 0x0D { last -= 1 }   // the \r of \r\n
                if last > start, bytes[last - 1] == 0x0D { last -= 1 }                 // what TextLines drops
                if String(decoding: bytes[start..<last], as: UTF8.self).trimmingCharacters(in: .whitespaces) == header { found.append(number) }
            }
            number += 1
            start = end + 1
        }
        return found
    }
}

/// The lines of keys at a known place in a document, indexed once: looking each key up with
/// `LineLocator.line(of:)` scans from the top every time, quadratic in large lockfiles.
public struct KeyLines: Sendable {
    private var first: [String: Int] = [:]

    /// Every line that starts with exactly `indent` and then a non-space: each prefix of the rest
    /// that ends just before a `:` is a key (`  /foo/1.0.0:` gives `/foo/1.0.0`; quotes are kept).
    public init(yamlKeysAt indent: String, in bytes: [UInt8]) {
        let prefix = Array(indent.utf8)
        KeyLines.forEachLine(bytes) { number, text, start, end in
            let rest = start + prefix.count
            guard rest < end, text[rest] != 0x20, prefix.indices.allSatisfy({ text[start + $0] == prefix[$0] }) else { return }
            for index in rest..<end where text[index] == 0x3A {
                let key = ByteSearch.string(text, rest..<index)
                if first[key] == nil { first[key] = number }
            }
        }
    }

    /// Every line of the form `<spaces>"key": {`: JSON object members (Pipfile.lock).
    public init(jsonObjectKeysIn bytes: [UInt8]) {
        KeyLines.forEachLine(bytes) { number, text, start, end in
            var quote = start
            while quote < end, text[quote] == 0x20 || text[quote] == 0x09 { quote += 1 }
            guard quote < end, text[quote] == 0x22 else { return }
            // The first `": {` after the quote ends the key; quotes are found with memchr.
            var close = quote + 1
            while true {
                guard close < end, let base = text.baseAddress,
                      let found = memchr(base + close, 0x22, end - close) else { return }
                close = UnsafePointer(found.assumingMemoryBound(to: UInt8.self)) - base
                guard close + 3 < end else { return }
                if text[close + 1] == 0x3A && text[close + 2] == 0x20 && text[close + 3] == 0x7B { break }
                close += 1
            }
            let key = ByteSearch.string(text, (quote + 1)..<close)
            if first[key] == nil { first[key] = number }
        }
    }

    public func line(of key: String) -> Int? { first[key] }

    /// Each line's number and its bytes `start..<end` (without the `\n`), found with `memchr`: a
    /// byte loop over an array's slices was most of the time these indexes took.
    private static func forEachLine(_ bytes: [UInt8], _ body: (Int, UnsafeBufferPointer<UInt8>, Int, Int) -> Void) {
        bytes.withUnsafeBufferPointer { text in
            guard let base = text.baseAddress else { return }
            var number = 1, start = 0
            while start < text.count {
                let end = memchr(base + start, 0x0A, text.count - start).map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - base } ?? text.count
                body(number, text, start, end)
                number += 1
                start = end + 1
            }
        }
    }
}
