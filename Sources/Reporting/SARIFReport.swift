import Foundation
import FnauditMatching
import FnauditModel
import FnauditPolicy

/// SARIF 2.1.0 for code-scanning dashboards (GitHub code scanning reads `security-severity`).
/// One rule per vulnerability (aliases merged), one result per affected package, located at the
/// declaring line of the lockfile or manifest when known; archive findings point at the archive
/// and name the entry chain in the message.
public enum SARIFReport {
    public static func render(_ report: AuditReport, version: String) throws -> Data {
        var rules: [[String: Any]] = []
        var ruleIndex: [String: Int] = [:]
        var results: [[String: Any]] = []
        for finding in report.displayedFindings {
            if ruleIndex[finding.id] == nil {
                ruleIndex[finding.id] = rules.count
                rules.append(rule(for: finding))
            }
            var entry = result(for: finding, ruleIndex: ruleIndex[finding.id] ?? 0, suppression: report.suppression(of: finding))
            deploymentView(of: finding, in: report, into: &entry)
            underInvestigation(finding, in: report, into: &entry)
            exposure(of: finding, in: report, into: &entry)
            results.append(entry)
        }
        for secret in report.secrets {
            let id = "secret/" + secret.rule
            if ruleIndex[id] == nil {
                ruleIndex[id] = rules.count
                rules.append(rule(for: secret))
            }
            results.append(result(for: secret, ruleIndex: ruleIndex[id] ?? 0, allowance: report.allowance(of: secret)))
        }
        for (function, risk) in report.permissionRisks {
            let id = "iam/" + risk.rule
            if ruleIndex[id] == nil {
                ruleIndex[id] = rules.count
                rules.append(permissionRule(risk.rule))
            }
            results.append(permissionResult(risk, function: function, ruleIndex: ruleIndex[id] ?? 0))
        }
        let notifications: [[String: Any]] = report.errors.map { issue in
            ["level": "error", "message": ["text": "\(issue.location): \(issue.message)"]]
        }
        let run: [String: Any] = [
            "tool": ["driver": ["name": "fnaudit", "version": version, "semanticVersion": version,
                                "informationUri": "https://ossf.github.io/osv-schema/", "rules": rules]],
            "results": results,
            "invocations": [["executionSuccessful": report.errors.isEmpty, "toolExecutionNotifications": notifications]],
            "properties": ["advisorySnapshot": report.database?.snapshotDate ?? "unknown"],
        ]
        let document: [String: Any] = [
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [run],
        ]
        return try JSONDocument.encode(document)
    }

    static func level(_ severity: Severity) -> String {
        switch severity {
        case .critical, .high: return "error"
        case .medium: return "warning"
        case .low, .unknown: return "note"
        }
    }

    /// GitHub's `security-severity`: the CVSS score, else a score inside the severity's band.
    static func securitySeverity(_ finding: Finding) -> String? {
        if let score = finding.cvssScore { return String(format: "%.1f", score) }
        switch finding.severity {
        case .critical: return "9.5"
        case .high: return "8.0"
        case .medium: return "5.5"
        case .low: return "2.0"
        case .unknown: return nil
        }
    }

    private static func rule(for finding: Finding) -> [String: Any] {
        let title = finding.summary ?? "Known vulnerability \(finding.id)"
        let others = (finding.advisoryIDs.filter { $0 != finding.id } + finding.aliases)
        var help = "\(title)\n\nSeverity: \(finding.severity.rawValue)"
        var markdown = "**\(title)**\n\n| | |\n|---|---|\n| Severity | \(finding.severity.rawValue)"
        if let score = finding.cvssScore {
            help += " (CVSS \(String(format: "%.1f", score)))"
            markdown += " (CVSS \(String(format: "%.1f", score)))"
        }
        markdown += " |\n"
        if !others.isEmpty {
            help += "\nAliases: \(others.joined(separator: ", "))"
            markdown += "| Aliases | \(others.joined(separator: ", ")) |\n"
        }
        let fixes = finding.fixedVersions.isEmpty ? "no fixed version known" : finding.fixedVersions.joined(separator: ", ")
        help += "\nFixed in: \(fixes)"
        markdown += "| Fixed in | \(fixes) |\n"
        if !finding.references.isEmpty {
            help += "\nReferences:\n" + finding.references.prefix(10).map { "- \($0)" }.joined(separator: "\n")
            markdown += "\nReferences:\n" + finding.references.prefix(10).map { "- <\($0)>" }.joined(separator: "\n")
        }
        var properties: [String: Any] = ["tags": ["security", "vulnerability", finding.package.ecosystem.rawValue], "precision": "very-high"]
        if let severity = securitySeverity(finding) { properties["security-severity"] = severity }
        var rule: [String: Any] = [
            "id": finding.id,
            "name": "VulnerableDependency",
            "shortDescription": ["text": "\(finding.id): \(title)"],
            "fullDescription": ["text": title],
            "help": ["text": help, "markdown": markdown],
            "defaultConfiguration": ["level": level(finding.severity)],
            "properties": properties,
        ]
        if let link = AdvisoryLinks.primary(finding) { rule["helpUri"] = link }
        return rule
    }

    private static func result(for finding: Finding, ruleIndex: Int, suppression: Suppression?) -> [String: Any] {
        let package = finding.package
        var message = "\(package.name) \(package.version) (\(package.ecosystem.rawValue)) is affected by \(finding.id)"
        let others = finding.advisoryIDs.filter { $0 != finding.id } + finding.aliases
        if !others.isEmpty { message += " (\(others.joined(separator: ", ")))" }
        if let summary = finding.summary { message += ": \(summary)" }
        message += finding.fixedVersions.isEmpty ? ". No fixed version is known." : ". Fixed in \(finding.fixedVersions.joined(separator: ", "))."
        let archived = package.locations.filter { !$0.entryChain.isEmpty }
        if !archived.isEmpty {
            message += " Found at " + archived.prefix(5).map(\.description).joined(separator: "; ") + "."
        }
        if package.isDirect == false, let path = package.dependencyPaths.first, path.count > 1 {
            message += " Pulled in by \(path.joined(separator: " > "))."
        }
        var result: [String: Any] = [
            "ruleId": finding.id,
            "ruleIndex": ruleIndex,
            "level": level(finding.severity),
            "message": ["text": message],
            "locations": package.locations.prefix(10).map(location),
            "partialFingerprints": ["fnaudit/package-vulnerability/v1": "\(package.purl)|\(finding.id)"],
            "properties": ["package": package.purl, "ecosystem": package.ecosystem.rawValue,
                           "installedVersion": package.version, "fixedVersions": finding.fixedVersions],
        ]
        if let suppression {
            result["suppressions"] = [["kind": "external", "status": "accepted",
                                       "justification": suppression.reason + (suppression.until.map { " (until \($0))" } ?? "")]]
        }
        return result
    }

    /// The functions a finding's package loads in (message and `properties.functions`); a finding
    /// on shadowed copies only is suppressed, with the reason, since it never gates.
    private static func deploymentView(of finding: Finding, in report: AuditReport, into result: inout [String: Any]) {
        guard !report.functions.isEmpty else { return }
        let functions = report.functions.filter { $0.effective.contains(finding.package.identity) }
        if !functions.isEmpty, var message = result["message"] as? [String: Any], let text = message["text"] as? String {
            let names = functions.map(\.definition.name)
            message["text"] = text + " Loads in function\(names.count == 1 ? "" : "s") \(names.joined(separator: ", "))."
            result["message"] = message
            var properties = result["properties"] as? [String: Any] ?? [:]
            properties["functions"] = names
            properties["functionArtifacts"] = functions.map(\.definition.artifact.path)
            result["properties"] = properties
        }
        if report.isShadowed(finding), result["suppressions"] == nil {
            let why = TableReport.shadowReasons(finding.package.identity, report).joined(separator: "; ")
            result["suppressions"] = [["kind": "external", "status": "accepted", "justification": "shadowed: every copy never loads (\(why))"]]
        }
    }

    /// A `--vex` statement that the finding is under investigation: still reported (and gating), said so.
    private static func underInvestigation(_ finding: Finding, in report: AuditReport, into result: inout [String: Any]) {
        guard let statement = report.investigation(of: finding),
              var message = result["message"] as? [String: Any], let text = message["text"] as? String else { return }
        message["text"] = text + " Under investigation (\(statement.format.rawValue) \(statement.location.path)): \(statement.reason)."
        result["message"] = message
        var properties = result["properties"] as? [String: Any] ?? [:]
        properties["vexStatus"] = "under_investigation"
        properties["vexSource"] = statement.location.path
        result["properties"] = properties
    }

    /// GitHub's `security-severity` for a secret: a score inside its severity's band.
    static func securitySeverity(_ severity: Severity) -> String {
        switch severity {
        case .critical: return "9.5"
        case .high: return "8.0"
        case .medium: return "5.5"
        case .low, .unknown: return "2.0"
        }
    }

    /// One rule per secret rule, `secret/<id>`; the rule's text says what it finds, never a value.
    private static func rule(for secret: SecretFinding) -> [String: Any] {
        let help = "\(secret.title) (rule \(secret.rule)). A credential in a deployed artifact can be read by anyone who can "
            + "read the artifact: remove it, keep it in a secret store or the environment, and rotate it. Docs/SECRETS.md describes the rule."
        return [
            "id": "secret/" + secret.rule,
            "name": "HardCodedSecret",
            "shortDescription": ["text": secret.title],
            "fullDescription": ["text": "\(secret.title) found in a file that ships."],
            "help": ["text": help, "markdown": help],
            "defaultConfiguration": ["level": level(secret.severity)],
            "properties": ["tags": ["security", "secret"], "precision": "high", "security-severity": securitySeverity(secret.severity)],
        ]
    }

    private static func result(for secret: SecretFinding, ruleIndex: Int, allowance: SecretAllow?) -> [String: Any] {
        let place = secret.location.line.map { "\(secret.location) line \($0)" } ?? secret.location.description
        var result: [String: Any] = [
            "ruleId": "secret/" + secret.rule,
            "ruleIndex": ruleIndex,
            "level": level(secret.severity),
            "message": ["text": "\(secret.title) (\(secret.redacted)) in \(place). Remove it from what ships and rotate it."],
            "locations": [secretLocation(secret.location)],
            "partialFingerprints": ["fnaudit/secret/v1": secret.fingerprint],
            "properties": ["rule": secret.rule, "redacted": secret.redacted, "fingerprint": secret.fingerprint],
        ]
        if let allowance {
            result["suppressions"] = [["kind": "external", "status": "accepted",
                                       "justification": allowance.reason + (allowance.until.map { " (until \($0))" } ?? "")]]
        }
        return result
    }

    /// A file's line; an archive entry's place (with its line) in the location's message.
    private static func secretLocation(_ l: Location) -> [String: Any] {
        var location = location(l)
        if !l.entryChain.isEmpty, let line = l.line { location["message"] = ["text": "\(l.description):\(line)"] }
        return location
    }

    static func location(_ l: Location) -> [String: Any] {
        var physical: [String: Any] = ["artifactLocation": ["uri": uri(l.path)]]
        if l.entryChain.isEmpty, let line = l.line, line >= 1 { physical["region"] = ["startLine": line] }
        var location: [String: Any] = ["physicalLocation": physical]
        if !l.entryChain.isEmpty { location["message"] = ["text": l.description] }
        return location
    }

    /// A relative path as a relative URI reference; an absolute one as a file URI.
    static func uri(_ path: String) -> String {
        var clean = path
        while clean.hasPrefix("./") { clean.removeFirst(2) }
        let allowed = CharacterSet.urlPathAllowed
        let encoded = clean.addingPercentEncoding(withAllowedCharacters: allowed) ?? clean
        return clean.hasPrefix("/") ? "file://" + encoded : encoded
    }
}
