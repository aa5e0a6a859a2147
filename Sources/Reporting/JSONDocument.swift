import Foundation

/// Encodes a plain `[String: Any]` tree with `JSONEncoder` (sorted keys, pretty): far faster than
/// `JSONSerialization` on Linux for documents with thousands of components.
enum JSONDocument {
    static func encode(_ object: [String: Any]) throws -> Data {
        try JSONOutput.encode(Value(object))
    }

    private enum Value: Encodable {
        case string(String), int(Int), double(Double), bool(Bool), array([Value]), object([String: Value]), null

        init(_ any: Any) {
            switch any {
            case let v as String: self = .string(v)
            case let v as Bool: self = .bool(v)
            case let v as Int: self = .int(v)
            case let v as Double: self = .double(v)
            case let v as [String: Any]: self = .object(v.mapValues(Value.init))
            case let v as [Any]: self = .array(v.map(Value.init))
            default: self = .null
            }
        }

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        func encode(to encoder: Encoder) throws {
            switch self {
            case .string(let v): var c = encoder.singleValueContainer(); try c.encode(v)
            case .int(let v): var c = encoder.singleValueContainer(); try c.encode(v)
            case .double(let v): var c = encoder.singleValueContainer(); try c.encode(v)
            case .bool(let v): var c = encoder.singleValueContainer(); try c.encode(v)
            case .null: var c = encoder.singleValueContainer(); try c.encodeNil()
            case .array(let values):
                var c = encoder.unkeyedContainer()
                for value in values { try c.encode(value) }
            case .object(let values):
                var c = encoder.container(keyedBy: Key.self)
                for (key, value) in values { try c.encode(value, forKey: Key(stringValue: key)) }
            }
        }
    }
}
