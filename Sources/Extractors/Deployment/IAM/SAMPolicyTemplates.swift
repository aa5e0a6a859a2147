import FnauditModel

/// AWS SAM's policy templates (`DynamoDBCrudPolicy: {TableName: !Ref Orders}`), expanded to the
/// statements SAM writes into the function's role: data in `Data/sam-policy-templates.tsv`.
enum SAMPolicyTemplates {
    struct Row: Sendable {
        var parameters: [String]
        var hasCondition: Bool
        var actions: [String]
        /// With `${Parameter}` placeholders; `${AWS::…}` pseudo parameters stay as they are.
        var resources: [String]
    }

    /// Statement rows by template name, in the file's order.
    static let templates: [String: [Row]] = {
        var table: [String: [Row]] = [:]
        let text = String(decoding: PackageResources.sam_policy_templates_tsv, as: UTF8.self)
        for line in TextLines.split(text) where !line.isEmpty && !line.hasPrefix("#") && !line.hasPrefix("template\t") {
            let cells = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            // A malformed row is a defect the tests catch (IAMDataTests); here it is skipped.
            guard cells.count == 5 else { continue }
            table[cells[0], default: []].append(Row(
                parameters: cells[1].split(separator: " ").map(String.init), hasCondition: cells[2] == "condition",
                actions: cells[3].split(separator: ",").map(String.init), resources: cells[4].split(separator: " ").map(String.init)))
        }
        return table
    }()

    /// The statements of `name: arguments`, or nil when `name` is not a SAM policy template.
    /// An argument that does not resolve stays a symbol (`${TableName}`): scoped, never `*`.
    static func statements(_ name: String, arguments: Any?, context: PolicyContext, location: Location) -> [PolicyStatement]? {
        guard let rows = templates[name] else { return nil }
        let given = arguments as? [String: Any] ?? [:]
        return rows.map { row in
            var values: [String: String] = [:]
            for parameter in row.parameters {
                values[parameter] = given[parameter].map { context.text($0) } ?? "${\(parameter)}"
            }
            let resources = row.resources.map { resource in
                values.reduce(resource) { text, pair in text.replacingOccurrences(of: "${\(pair.key)}", with: pair.value) }
            }
            return PolicyStatement(allows: true, actions: row.actions, resources: resources, hasCondition: row.hasCondition,
                                   origin: "SAM policy template \(name)", location: location)
        }
    }
}
