import Foundation
import FnauditModel

/// One `Allow`/`Deny` statement of an IAM policy, as the descriptor grants it: actions and
/// resources as text, intrinsics resolved where the document allows and kept symbolic
/// (`${Bucket.Arn}`, `${TableName}`) where not — a symbol is a specific resource, never `*`.
struct PolicyStatement: Hashable, Sendable {
    var allows: Bool
    var actions: [String]
    /// `NotAction`: every action but these.
    var notAction = false
    var resources: [String]
    /// `NotResource`: every resource but these.
    var notResource = false
    /// A `Condition` narrows the grant in ways not evaluated here (rules say so and lower the severity).
    var hasCondition = false
    /// Where the grant comes from, in words: "inline policy AppPolicy of role AppRole", "SAM policy template S3ReadPolicy".
    var origin: String
    var location: Location
}

/// The document a statement was read from: its tree (for `Ref`s to parameters, mappings and
/// resources), its lines (for locations) and its file.
struct PolicyContext {
    let root: [String: Any]
    let lines: LineLocator
    let file: Location
    let isJSON: Bool

    init(template: CloudFormationTemplate) {
        root = template.root
        lines = template.lines
        file = template.location
        isJSON = template.isJSON
    }

    init(root: [String: Any], lines: LineLocator, file: Location, isJSON: Bool = false) {
        self.root = root
        self.lines = lines
        self.file = file
        self.isJSON = isJSON
    }

    var resources: [String: [String: Any]] {
        (root.dictionary("Resources") ?? [:]).compactMapValues { $0 as? [String: Any] }
    }

    /// `file` at `line` (nil keeps the file without a line).
    func at(_ line: Int?) -> Location {
        var location = file
        location.line = line
        return location
    }

    /// The line of a key (`Policies`, `"Policies"`) at or after `from`.
    func line(ofKey key: String, from: Int?) -> Int? {
        lines.line(of: isJSON ? "\"\(key)\"" : "\(key):", from: from ?? 1)
    }

    func line(of text: String, from: Int?) -> Int? {
        lines.line(of: text, from: from ?? 1)
    }

    /// The line of a resource's logical id.
    func line(ofResource id: String) -> Int? {
        let resourcesLine = line(ofKey: "Resources", from: 1)
        return line(ofKey: id, from: resourcesLine)
    }

    /// The logical id a `Ref`/`Fn::GetAtt` names, when it is a resource of this document.
    func referencedResource(_ value: Any?) -> String? {
        guard let target = CloudFormationTemplate.referencedName(value), resources[target] != nil else { return nil }
        return target
    }

    // MARK: Intrinsics

    /// The values a list position holds (`Resource`, `Action`, `ManagedPolicyArns`): a string, a
    /// list, or an intrinsic; both branches of an `Fn::If` (the broader one decides a risk).
    func strings(_ value: Any?, depth: Int = 0) -> [String] {
        guard depth < 16, let value else { return [] }
        switch value {
        case let list as [Any]:
            return list.flatMap { strings($0, depth: depth + 1) }
        case let object as [String: Any]:
            if let branches = object["Fn::If"] as? [Any], branches.count == 3 {
                return strings(branches[1], depth: depth + 1) + strings(branches[2], depth: depth + 1)
            }
            if let name = object["Ref"] as? String, name == "AWS::NoValue" { return [] }
            if let name = object["Ref"] as? String, let parameter = root.dictionary("Parameters")?.dictionary(name),
               parameter.string("Type")?.hasPrefix("CommaDelimitedList") == true || parameter.string("Type")?.hasPrefix("List<") == true {
                return parameter.string("Default").map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? ["${\(name)}"]
            }
            return [text(value, depth: depth + 1)]
        default:
            return [text(value, depth: depth + 1)]
        }
    }

    /// A scalar position as text: literal, parameter default, or a symbol (`${Name}`, `${Res.Arn}`).
    func text(_ value: Any?, variables: [String: String] = [:], depth: Int = 0) -> String {
        guard depth < 16, let value else { return "${unresolved}" }
        switch value {
        case let string as String: return string
        case let number as NSNumber: return number.stringValue
        case let object as [String: Any]:
            if let name = object["Ref"] as? String { return reference(name, variables: variables) }
            if let parts = object["Fn::GetAtt"] as? [Any] {
                return "${" + parts.map { text($0, depth: depth + 1) }.joined(separator: ".") + "}"
            }
            if let dotted = object["Fn::GetAtt"] as? String { return "${\(dotted)}" }
            if let template = object["Fn::Sub"] as? String { return substitute(template, variables: variables) }
            if let form = object["Fn::Sub"] as? [Any], let template = form.first as? String {
                var own = variables
                for (key, value) in (form.dropFirst().first as? [String: Any]) ?? [:] { own[key] = text(value, variables: variables, depth: depth + 1) }
                return substitute(template, variables: own)
            }
            if let join = object["Fn::Join"] as? [Any], join.count == 2, let separator = join[0] as? String {
                return strings(join[1], depth: depth + 1).joined(separator: separator)
            }
            if let select = object["Fn::Select"] as? [Any], select.count == 2,
               let index = Int(text(select[0], depth: depth + 1)) {
                let list = strings(select[1], depth: depth + 1)
                if index >= 0, index < list.count { return list[index] }
            }
            if let map = object["Fn::FindInMap"] as? [Any], map.count == 3 {
                let keys = map.map { text($0, depth: depth + 1) }
                if let found = root.dictionary("Mappings")?.dictionary(keys[0])?.dictionary(keys[1])?.string(keys[2]) { return found }
            }
            if let branches = object["Fn::If"] as? [Any], branches.count == 3 {
                let a = text(branches[1], depth: depth + 1), b = text(branches[2], depth: depth + 1)
                if a == b { return a }
            }
            if let imported = object["Fn::ImportValue"] { return "${ImportValue " + text(imported, depth: depth + 1) + "}" }
            return "${" + (object.keys.sorted().first ?? "unresolved") + "}"
        default:
            return "${unresolved}"
        }
    }

    /// `Ref`: a parameter's default, else a symbol; pseudo parameters and resources stay symbols.
    private func reference(_ name: String, variables: [String: String]) -> String {
        if let value = variables[name] { return value }
        if let parameter = root.dictionary("Parameters")?.dictionary(name), let value = parameter.string("Default") { return value }
        return "${\(name)}"
    }

    /// `Fn::Sub`: `${Name}` through `variables` and parameter defaults; `${!Literal}` is literal.
    private func substitute(_ template: String, variables: [String: String]) -> String {
        guard template.contains("${") else { return template }
        var out = ""
        var rest = Substring(template)
        while let open = rest.range(of: "${") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else {
                out += rest[open.lowerBound...]
                return out
            }
            let name = String(rest[open.upperBound..<close])
            if name.hasPrefix("!") {
                out += "${" + name.dropFirst() + "}"
            } else if !name.contains("."), !name.hasPrefix("AWS::") {
                out += reference(name, variables: variables)
            } else {
                out += variables[name] ?? "${\(name)}"
            }
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    // MARK: Policy documents

    /// The statements of a policy document (`{Version, Statement}`), each located at its `Action`
    /// line, searched forward from `from` so that statements written alike get their own lines.
    func statements(ofDocument document: Any?, origin: String, from: Int?) -> [PolicyStatement] {
        guard let document = document as? [String: Any] else { return [] }
        let list: [Any]
        switch document["Statement"] {
        case let many as [Any]: list = many
        case let one as [String: Any]: list = [one]
        default: return []
        }
        var cursor = from
        return list.compactMap { item in
            guard let statement = item as? [String: Any] else { return nil }
            let line = line(of: "Action", from: cursor) ?? cursor
            if let line { cursor = line + 1 }
            return Self.statement(statement, origin: origin, location: at(line ?? from), context: self)
        }
    }

    /// A statement written as a plain mapping (`Effect`, `Action`/`NotAction`, `Resource`/`NotResource`).
    static func statement(_ statement: [String: Any], origin: String, location: Location, context: PolicyContext) -> PolicyStatement? {
        let effect = context.text(statement["Effect"] ?? "Allow")
        let notAction = statement["NotAction"] != nil
        let notResource = statement["NotResource"] != nil
        let actions = context.strings(statement[notAction ? "NotAction" : "Action"])
        let resources = context.strings(statement[notResource ? "NotResource" : "Resource"])
        guard !actions.isEmpty else { return nil }
        return PolicyStatement(allows: effect.caseInsensitiveCompare("Allow") == .orderedSame, actions: actions, notAction: notAction,
                               resources: resources.isEmpty && !notResource ? ["${unresolved}"] : resources, notResource: notResource,
                               hasCondition: statement["Condition"] != nil, origin: origin, location: location)
    }
}
