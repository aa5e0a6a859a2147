import Foundation

/// Writes a plain `[String: Any]` tree (SARIF, CycloneDX, OpenVEX documents) as `JSONOutput` writes
/// any document: sorted keys, pretty, final newline.
enum JSONDocument {
    static func encode(_ object: [String: Any]) throws -> Data {
        JSONOutput.text(try node(object), pretty: true)
    }

    private static func node(_ any: Any) throws -> JSONNode {
        switch any {
        case let v as String: return .string(v)
        case let v as Bool: return .bool(v)
        case let v as Int: return .number(String(v))
        case let v as Double: return try JSONWriter.number(v)
        case let v as [String: Any]:
            let box = JSONObjectBox()
            for (key, value) in v { box.members[key] = try node(value) }
            return .object(box)
        case let v as [Any]:
            let box = JSONArrayBox()
            box.items = try v.map(node)
            return .array(box)
        default: return .null
        }
    }
}
