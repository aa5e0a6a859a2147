import Foundation
import TOMLKit
import Yams

/// JSON, YAML and TOML, parsed into one plain tree: `[String: Any]`, `[Any]`, `String`, `Bool`,
/// numbers. Extractors read every format through the same accessors below.
public enum StructuredDocument {
    public static func json(_ bytes: [UInt8]) throws -> Any {
        do {
            return try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        } catch {
            let reason = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "malformed"
            throw ExtractionError("not valid JSON: \(reason.prefix(160))")
        }
    }

    /// YAML with every scalar kept as the text it was written as (`1.10` stays "1.10").
    public static func yaml(_ bytes: [UInt8]) throws -> Any {
        let text = String(decoding: bytes, as: UTF8.self)
        do {
            guard let node = try Yams.compose(yaml: text) else { return [String: Any]() }
            return plain(node)
        } catch {
            throw ExtractionError("not valid YAML: \(String(describing: error).split(separator: "\n").first ?? "malformed")")
        }
    }

    private static func plain(_ node: Node) -> Any {
        switch node {
        case .scalar(let scalar):
            return scalar.string
        case .sequence(let sequence):
            return sequence.map(plain)
        case .mapping(let mapping):
            var dictionary: [String: Any] = [:]
            for (key, value) in mapping {
                dictionary[key.scalar?.string ?? "\(key)"] = plain(value)
            }
            return dictionary
        @unknown default:
            return ""
        }
    }

    public static func toml(_ bytes: [UInt8]) throws -> [String: Any] {
        let text = String(decoding: bytes, as: UTF8.self)
        do {
            return plain(try TOMLTable(string: text))
        } catch let error as TOMLParseError {
            throw ExtractionError("not valid TOML: \(error.description) at line \(error.source.begin.line)")
        } catch {
            throw ExtractionError("not valid TOML: \(error)")
        }
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
        return TextLines.split(String(decoding: bytes, as: UTF8.self)).enumerated()
            .filter { $0.element.trimmingCharacters(in: .whitespaces) == header }.map { $0.offset + 1 }
    }
}
