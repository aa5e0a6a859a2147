import FnauditModel

/// A CloudFormation template (SAM's, CDK's synthesized one, or Serverless's compiled one) as a plain
/// tree, YAML short tags already in their long form, with the few intrinsic resolutions the
/// deployment view needs. What cannot be resolved offline stays symbolic: nil, never a guess.
public struct CloudFormationTemplate: @unchecked Sendable {
    public let root: [String: Any]
    /// The file it was read from, as reports show it.
    public let location: Location
    /// Internal for the IAM reader, which points risks at the line of a statement.
    let lines: LineLocator
    let isJSON: Bool

    public init(bytes: [UInt8], location: Location) throws {
        let trimmed = bytes.drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 || $0 == 0xEF || $0 == 0xBB || $0 == 0xBF }
        isJSON = trimmed.first == UInt8(ascii: "{")
        let tree = isJSON ? try StructuredDocument.json(bytes) : try StructuredDocument.yaml(bytes, intrinsics: true)
        guard let root = tree as? [String: Any] else { throw ExtractionError("not a CloudFormation template: the document is not a mapping") }
        self.root = root
        self.location = location
        lines = LineLocator(bytes)
    }

    public var resources: [String: [String: Any]] {
        (root.dictionary("Resources") ?? [:]).compactMapValues { $0 as? [String: Any] }
    }

    /// Resources of these types, by logical id, sorted for a stable order.
    public func resources(ofType types: Set<String>) -> [(id: String, resource: [String: Any])] {
        resources.filter { types.contains($0.value.string("Type") ?? "") }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    public var isServerlessTransform: Bool {
        switch root["Transform"] {
        case let name as String: return name.hasPrefix("AWS::Serverless")
        case let names as [Any]: return names.contains { ($0 as? String)?.hasPrefix("AWS::Serverless") ?? false }
        default: return false
        }
    }

    /// `Globals.Function` of a SAM template.
    public var functionGlobals: [String: Any] { root.dictionary("Globals")?.dictionary("Function") ?? [:] }

    /// The location of a resource's definition (its logical id's line).
    public func location(ofResource id: String) -> Location {
        var at = location
        at.line = lines.line(of: isJSON ? "\"\(id)\"" : "\(id):")
        return at
    }

    /// A string value, through `Ref` to a parameter's default and a `Fn::Sub` with nothing to substitute.
    public func string(_ value: Any?) -> String? {
        switch value {
        case let text as String: return text
        case let object as [String: Any]:
            if let name = object["Ref"] as? String,
               let parameter = root.dictionary("Parameters")?.dictionary(name) {
                return parameter.string("Default")
            }
            if let template = object["Fn::Sub"] as? String, !template.contains("${") { return template }
            return nil
        default: return nil
        }
    }

    /// The logical id a `Ref` or `Fn::GetAtt` points at, when it is a resource of this template.
    public func referencedResource(_ value: Any?) -> String? {
        guard let target = Self.referencedName(value), resources[target] != nil else { return nil }
        return target
    }

    /// The name a `Ref` or `Fn::GetAtt` (either form) points at, whatever it is.
    static func referencedName(_ value: Any?) -> String? {
        guard let object = value as? [String: Any] else { return nil }
        if let name = object["Ref"] as? String { return name }
        if let parts = object["Fn::GetAtt"] as? [Any] { return parts.first as? String }
        if let dotted = object["Fn::GetAtt"] as? String { return dotted.split(separator: ".").first.map(String.init) }
        return nil
    }
}
