import FnauditModel

/// AWS managed policies fnaudit knows (`Data/managed-policies.tsv`): the administrator-like ones,
/// the broad ones read as the statement they amount to, and the benign execution roles.
enum ManagedPolicies {
    enum Kind: String, Sendable { case admin, grants, benign }
    struct Entry: Sendable {
        var kind: Kind
        var severity: Severity
        var actions: [String]
        var why: String
    }

    static let known: [String: Entry] = {
        var table: [String: Entry] = [:]
        let text = String(decoding: PackageResources.managed_policies_tsv, as: UTF8.self)
        for line in TextLines.split(text) where !line.isEmpty && !line.hasPrefix("#") && !line.hasPrefix("name\t") {
            let cells = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            // A malformed row is a defect the tests catch (IAMDataTests); here it is skipped.
            guard cells.count == 5, let kind = Kind(rawValue: cells[1]) else { continue }
            table[cells[0].lowercased()] = Entry(kind: kind, severity: Severity(rawValue: cells[2]) ?? .unknown,
                                                 actions: cells[3].split(separator: ",").map(String.init), why: cells[4])
        }
        return table
    }()

    /// The AWS managed policy a name or ARN names (`AdministratorAccess`,
    /// `arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole`, with `${AWS::Partition}`),
    /// as its last path segment; nil for a customer-managed ARN or a symbol.
    static func awsManagedName(_ reference: String) -> String? {
        let text = reference.trimmingCharacters(in: .whitespaces)
        if !text.contains(":") && !text.contains("/") && !text.contains("$") && !text.isEmpty { return text }
        guard let parts = IAMActions.arnParts(text), parts[2] == "iam", parts[4] == "aws", parts[5].hasPrefix("policy/") else { return nil }
        guard let last = parts[5].split(separator: "/").last, !last.contains("$") else { return nil }
        return String(last)
    }

    static func entry(_ name: String) -> Entry? { known[name.lowercased()] }
}
