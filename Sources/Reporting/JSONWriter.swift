import Foundation
import FnauditModel

/// JSON text laid out exactly as Foundation's `JSONEncoder` lays it out with `.sortedKeys` and
/// `.withoutEscapingSlashes` (pretty: two-space indent, `"key" : value`, an empty container as
/// `[` newline newline `]`), written straight into bytes. On Linux `JSONEncoder` took a fifth of a
/// large tree scan's serial tail; `JSONWriterTests` holds the two outputs equal byte for byte.
enum JSONNode {
    case string(String)
    /// A number already written as JSON text.
    case number(String)
    case bool(Bool)
    case null
    case array(JSONArrayBox)
    case object(JSONObjectBox)
}

/// Containers are boxes so an encoder's nested containers can fill them after handing them out.
final class JSONArrayBox {
    var items: [JSONNode] = []
}

final class JSONObjectBox {
    var members: [String: JSONNode] = [:]
}

struct JSONWriter {
    /// Lists at least this long are built and written on all cores.
    static let parallelItems = 1024
    let pretty: Bool
    private(set) var bytes: [UInt8] = []

    init(pretty: Bool) {
        self.pretty = pretty
        bytes.reserveCapacity(1 << 16)
    }

    mutating func write(_ node: JSONNode, depth: Int = 0) {
        switch node {
        case .string(let text): writeString(text)
        case .number(let text): bytes.append(contentsOf: text.utf8)
        case .bool(let value): bytes.append(contentsOf: (value ? "true" : "false").utf8)
        case .null: bytes.append(contentsOf: "null".utf8)
        case .array(let box):
            open(UInt8(ascii: "["), empty: box.items.isEmpty, depth: depth)
            if box.items.count >= JSONWriter.parallelItems {
                // A long list (a monorepo's packages) is written in slices on all cores, then joined.
                let items = box.items, pretty = pretty, slice = JSONWriter.parallelItems / 4
                let parts = parallelMap((items.count + slice - 1) / slice, chunk: 1) { part -> [UInt8] in
                    var writer = JSONWriter(pretty: pretty)
                    for index in (part * slice)..<min(items.count, (part + 1) * slice) {
                        if index > part * slice { writer.separate() }
                        writer.indent(depth + 1)
                        writer.write(items[index], depth: depth + 1)
                    }
                    return writer.bytes
                }
                for (index, part) in parts.enumerated() {
                    if index > 0 { separate() }
                    bytes += part
                }
            } else {
                for (index, item) in box.items.enumerated() {
                    if index > 0 { separate() }
                    indent(depth + 1)
                    write(item, depth: depth + 1)
                }
            }
            close(UInt8(ascii: "]"), empty: box.items.isEmpty, depth: depth)
        case .object(let box):
            open(UInt8(ascii: "{"), empty: box.members.isEmpty, depth: depth)
            for (index, key) in box.members.keys.sorted().enumerated() {
                if index > 0 { separate() }
                indent(depth + 1)
                writeString(key)
                bytes.append(contentsOf: pretty ? [0x20, 0x3A, 0x20] : [0x3A])   // " : " or ":"
                if let value = box.members[key] { write(value, depth: depth + 1) }
            }
            close(UInt8(ascii: "}"), empty: box.members.isEmpty, depth: depth)
        }
    }

    private mutating func open(_ bracket: UInt8, empty: Bool, depth: Int) {
        bytes.append(bracket)
        if pretty { bytes.append(0x0A) }
        if pretty && empty { bytes.append(0x0A) }
    }

    private mutating func close(_ bracket: UInt8, empty: Bool, depth: Int) {
        if pretty {
            if !empty { bytes.append(0x0A) }
            indent(depth)
        }
        bytes.append(bracket)
    }

    private mutating func separate() {
        bytes.append(UInt8(ascii: ","))
        if pretty { bytes.append(0x0A) }
    }

    private mutating func indent(_ depth: Int) {
        guard pretty else { return }
        bytes.append(contentsOf: repeatElement(0x20, count: depth * 2))
    }

    private static let hex = Array("0123456789abcdef".utf8)

    private mutating func writeString(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var start = 0
            for (index, byte) in utf8.enumerated() where byte < 0x20 || byte == 0x22 || byte == 0x5C {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
                start = index + 1
                switch byte {
                case 0x22: bytes.append(contentsOf: [0x5C, 0x22])
                case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
                case 0x08: bytes.append(contentsOf: [0x5C, UInt8(ascii: "b")])
                case 0x0C: bytes.append(contentsOf: [0x5C, UInt8(ascii: "f")])
                case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
                case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
                default:
                    bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, JSONWriter.hex[Int(byte >> 4)], JSONWriter.hex[Int(byte & 0x0F)]])
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// A number as JSONEncoder writes it: the shortest text that reads back the same, without `.0`.
    static func number<F: BinaryFloatingPoint & CustomStringConvertible>(_ value: F) throws -> JSONNode {
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, EncodingError.Context(codingPath: [], debugDescription: "\(value) is not valid JSON"))
        }
        let text = value.description
        return .number(text.hasSuffix(".0") ? String(text.dropLast(2)) : text)
    }
}

/// An `Encoder` that builds `JSONNode`s, for `JSONWriter`.
final class JSONTreeEncoder: Encoder {
    var codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] = [:]
    private(set) var node: JSONNode? {
        didSet { if let node { sink?(node) } }
    }
    /// Where a super encoder's value goes in its parent, whenever it is set.
    private let sink: ((JSONNode) -> Void)?

    init(codingPath: [any CodingKey] = [], sink: ((JSONNode) -> Void)? = nil) {
        self.codingPath = codingPath
        self.sink = sink
    }

    /// The node for any Encodable value, with JSONEncoder's defaults for the types it treats apart.
    static func node<T: Encodable>(for value: T, at codingPath: [any CodingKey]) throws -> JSONNode {
        switch value {
        case let list as any ParallelJSONList where list.count >= JSONWriter.parallelItems:
            return try list.node(at: codingPath)
        case let text as String: return .string(text)
        case let flag as Bool: return .bool(flag)
        case let number as Int: return .number(String(number))
        case let number as Double: return try JSONWriter.number(number)
        case let url as URL: return .string(url.absoluteString)
        case let data as Data: return .string(data.base64EncodedString())
        case let date as Date: return try JSONWriter.number(date.timeIntervalSinceReferenceDate)
        default:
            let encoder = JSONTreeEncoder(codingPath: codingPath)
            try value.encode(to: encoder)
            // A value that encoded nothing is an empty object, as JSONEncoder makes it.
            return encoder.node ?? .object(JSONObjectBox())
        }
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let box: JSONObjectBox
        if case .object(let existing) = node { box = existing } else { box = JSONObjectBox(); node = .object(box) }
        return KeyedEncodingContainer(JSONKeyedContainer<Key>(box: box, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let box: JSONArrayBox
        if case .array(let existing) = node { box = existing } else { box = JSONArrayBox(); node = .array(box) }
        return JSONUnkeyedContainer(box: box, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        JSONSingleValueContainer(encoder: self)
    }

    fileprivate func set(_ value: JSONNode) { node = value }
}

private struct JSONKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let box: JSONObjectBox
    var codingPath: [any CodingKey]

    mutating func encodeNil(forKey key: Key) throws { box.members[key.stringValue] = .null }
    mutating func encode(_ value: Bool, forKey key: Key) throws { box.members[key.stringValue] = .bool(value) }
    mutating func encode(_ value: String, forKey key: Key) throws { box.members[key.stringValue] = .string(value) }
    mutating func encode(_ value: Double, forKey key: Key) throws { box.members[key.stringValue] = try JSONWriter.number(value) }
    mutating func encode(_ value: Int, forKey key: Key) throws { box.members[key.stringValue] = .number(String(value)) }
    mutating func encode(_ value: Float, forKey key: Key) throws { box.members[key.stringValue] = try JSONWriter.number(value) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { box.members[key.stringValue] = .number(String(value)) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { box.members[key.stringValue] = .number(String(value)) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { box.members[key.stringValue] = .number(String(value)) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { box.members[key.stringValue] = .number(String(value)) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { box.members[key.stringValue] = .number(String(value)) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { box.members[key.stringValue] = .number(String(value)) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { box.members[key.stringValue] = .number(String(value)) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { box.members[key.stringValue] = .number(String(value)) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { box.members[key.stringValue] = .number(String(value)) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        box.members[key.stringValue] = try JSONTreeEncoder.node(for: value, at: codingPath + [key])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let nested = JSONObjectBox()
        box.members[key.stringValue] = .object(nested)
        return KeyedEncodingContainer(JSONKeyedContainer<NestedKey>(box: nested, codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let nested = JSONArrayBox()
        box.members[key.stringValue] = .array(nested)
        return JSONUnkeyedContainer(box: nested, codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder { superEncoder(named: "super") }
    mutating func superEncoder(forKey key: Key) -> any Encoder { superEncoder(named: key.stringValue) }

    private func superEncoder(named name: String) -> any Encoder {
        let box = self.box
        box.members[name] = .object(JSONObjectBox())
        return JSONTreeEncoder(codingPath: codingPath) { box.members[name] = $0 }
    }
}

private struct JSONUnkeyedContainer: UnkeyedEncodingContainer {
    let box: JSONArrayBox
    var codingPath: [any CodingKey]
    var count: Int { box.items.count }

    mutating func encodeNil() throws { box.items.append(.null) }
    mutating func encode(_ value: Bool) throws { box.items.append(.bool(value)) }
    mutating func encode(_ value: String) throws { box.items.append(.string(value)) }
    mutating func encode(_ value: Double) throws { box.items.append(try JSONWriter.number(value)) }
    mutating func encode(_ value: Int) throws { box.items.append(.number(String(value))) }
    mutating func encode(_ value: Float) throws { box.items.append(try JSONWriter.number(value)) }
    mutating func encode(_ value: Int8) throws { box.items.append(.number(String(value))) }
    mutating func encode(_ value: Int16) throws { box.items.append(.number(String(value))) }
    mutating func encode(_ value: Int32) throws { box.items.append(.number(String(value))) }
    mutating func encode(_ value: Int64) throws { box.items.append(.number(String(value))) }
    mutating func encode(_ value: UInt) throws { box.items.append(.number(String(value))) }
    mutating func encode(_ value: UInt8) throws { box.items.append(.number(String(value))) }
    mutating func encode(_ value: UInt16) throws { box.items.append(.number(String(value))) }
    mutating func encode(_ value: UInt32) throws { box.items.append(.number(String(value))) }
    mutating func encode(_ value: UInt64) throws { box.items.append(.number(String(value))) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        box.items.append(try JSONTreeEncoder.node(for: value, at: codingPath + [IndexKey(box.items.count)]))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let nested = JSONObjectBox()
        box.items.append(.object(nested))
        return KeyedEncodingContainer(JSONKeyedContainer<NestedKey>(box: nested, codingPath: codingPath))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let nested = JSONArrayBox()
        box.items.append(.array(nested))
        return JSONUnkeyedContainer(box: nested, codingPath: codingPath)
    }

    mutating func superEncoder() -> any Encoder {
        let box = self.box, index = box.items.count
        box.items.append(.object(JSONObjectBox()))
        return JSONTreeEncoder(codingPath: codingPath) { box.items[index] = $0 }
    }
}

private struct JSONSingleValueContainer: SingleValueEncodingContainer {
    let encoder: JSONTreeEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    mutating func encodeNil() throws { encoder.set(.null) }
    mutating func encode(_ value: Bool) throws { encoder.set(.bool(value)) }
    mutating func encode(_ value: String) throws { encoder.set(.string(value)) }
    mutating func encode(_ value: Double) throws { encoder.set(try JSONWriter.number(value)) }
    mutating func encode(_ value: Int) throws { encoder.set(.number(String(value))) }
    mutating func encode(_ value: Float) throws { encoder.set(try JSONWriter.number(value)) }
    mutating func encode(_ value: Int8) throws { encoder.set(.number(String(value))) }
    mutating func encode(_ value: Int16) throws { encoder.set(.number(String(value))) }
    mutating func encode(_ value: Int32) throws { encoder.set(.number(String(value))) }
    mutating func encode(_ value: Int64) throws { encoder.set(.number(String(value))) }
    mutating func encode(_ value: UInt) throws { encoder.set(.number(String(value))) }
    mutating func encode(_ value: UInt8) throws { encoder.set(.number(String(value))) }
    mutating func encode(_ value: UInt16) throws { encoder.set(.number(String(value))) }
    mutating func encode(_ value: UInt32) throws { encoder.set(.number(String(value))) }
    mutating func encode(_ value: UInt64) throws { encoder.set(.number(String(value))) }
    mutating func encode<T: Encodable>(_ value: T) throws { encoder.set(try JSONTreeEncoder.node(for: value, at: codingPath)) }
}

/// A long array's elements made into nodes on all cores (each with an encoder of its own).
private protocol ParallelJSONList {
    var count: Int { get }
    func node(at codingPath: [any CodingKey]) throws -> JSONNode
}

extension Array: ParallelJSONList where Element: Encodable {
    fileprivate func node(at codingPath: [any CodingKey]) throws -> JSONNode {
        let box = JSONArrayBox()
        box.items = try parallelMap(count, chunk: 64) { index in
            Result { try JSONTreeEncoder.node(for: self[index], at: codingPath + [IndexKey(index)]) }
        }.map { try $0.get() }
        return .array(box)
    }
}

private struct IndexKey: CodingKey {
    var intValue: Int?
    var stringValue: String { "Index \(intValue ?? 0)" }
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}
