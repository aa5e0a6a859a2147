import Foundation
import FnauditMatching
import FnauditModel
import FnauditPolicy

/// A compact Markdown table for pull-request comments.
public enum MarkdownReport {
    public static func render(_ report: AuditReport, withFindings: Bool = true) -> String {
        guard withFindings else { return inventory(report) }
        let active = report.shownFindings
        var out = "### fnaudit: "
        out += active.isEmpty ? "no known vulnerabilities" : "\(active.count) vulnerabilit\(active.count == 1 ? "y" : "ies") found"
        let secrets = report.activeSecrets
        if !secrets.isEmpty { out += ", \(secrets.count) secret\(secrets.count == 1 ? "" : "s") found" }
        out += "\n\n"
        if report.functions.isEmpty {
            out += table(active, report)
        } else {
            var inFunctions = Set<PackageIdentity>()
            for function in PermissionsText.ordered(report) {
                let d = function.definition
                inFunctions.formUnion(function.effective)
                let shownKeys = Set(active.map(AuditReport.key(of:)))
                let findings = report.locatedFindings(of: function).filter { shownKeys.contains(AuditReport.key(of: $0)) }
                let counts = Severity.allCases.reversed().compactMap { severity -> String? in
                    let n = findings.filter { $0.severity == severity }.count
                    return n == 0 ? nil : "\(n) \(severity.rawValue)"
                }
                let twin = report.functions.filter { $0.definition.name == d.name }.count > 1
                out += "#### \(escape(d.name))" + (twin ? " (\(escape(TableReport.shortPath(d.descriptor, report))))" : "") + "\n\n"
                out += "\(escape(d.framework.rawValue)), \(escape(d.runtime ?? "runtime unknown"))"
                    + (d.layers.isEmpty ? "" : "; layers: " + d.layers.map { escape($0.name) }.joined(separator: ", "))
                out += function.isScanned ? "; \(function.effective.count) package\(function.effective.count == 1 ? " loads" : "s load"); " + (counts.isEmpty ? "no known vulnerabilities" : counts.joined(separator: ", "))
                    : "; not scanned: \(escape(d.artifact.reason ?? "code not on disk"))"
                if !function.shadowed.isEmpty { out += "; \(function.shadowed.count) shadowed cop\(function.shadowed.count == 1 ? "y never loads" : "ies never load")" }
                out += "\n\n" + permissions(function, report, hasFindings: !findings.isEmpty) + table(findings, report)
            }
            let outside = active.filter { !inFunctions.contains($0.package.identity) }
            if !outside.isEmpty { out += "#### Outside the functions\n\n" + table(outside, report) }
            let onShadowed = report.displayedFindings.filter { report.isShadowed($0) && report.suppression(of: $0) == nil }
            if !onShadowed.isEmpty {
                out += "<details><summary>\(onShadowed.count) on shadowed copies only (they never load; not counted)</summary>\n\n| Package | Vulnerabilities | Why it never loads |\n|---|---|---|\n"
                for (identity, findings) in Dictionary(grouping: onShadowed, by: { $0.package.identity }).sorted(by: { $0.key < $1.key }) {
                    guard let package = findings.first?.package else { continue }
                    out += "| \(escape(package.name)) \(escape(package.version)) | \(findings.map { escape($0.id) }.sorted().joined(separator: ", ")) | "
                        + escape(TableReport.shadowReasons(identity, report).joined(separator: "; ")) + " |\n"
                }
                out += "\n</details>\n\n"
            }
        }
        let investigated = report.findings.filter { report.suppression(of: $0) == nil && report.investigation(of: $0) != nil }
        if !investigated.isEmpty {
            out += "<details><summary>\(investigated.count) under investigation (VEX; still counted)</summary>\n\n| Vulnerability | Package | Statement |\n|---|---|---|\n"
            for finding in investigated {
                let statement = report.investigation(of: finding)
                out += "| \(escape(finding.id)) | \(escape(finding.package.name)) \(escape(finding.package.version)) | \(escape(statement.map { "\($0.reason) (\($0.location.path))" } ?? "")) |\n"
            }
            out += "\n</details>\n\n"
        }
        let suppressed = report.findings.filter { report.suppression(of: $0) != nil }
        if !suppressed.isEmpty {
            out += "<details><summary>\(suppressed.count) suppressed</summary>\n\n| Vulnerability | Package | Reason |\n|---|---|---|\n"
            for finding in suppressed {
                out += "| \(escape(finding.id)) | \(escape(finding.package.name)) \(escape(finding.package.version)) | \(escape(report.suppression(of: finding)?.reason ?? "")) |\n"
            }
            out += "\n</details>\n\n"
        }
        if !secrets.isEmpty {
            out += "#### Secrets\n\n| Severity | Rule | Secret | Where |\n|---|---|---|---|\n"
            for secret in secrets.sorted(by: { ($0.severity, $1.location) > ($1.severity, $0.location) }) {
                out += "| \(secret.severity.rawValue) | \(escape(secret.rule)) | \(DisplayText.markdownCode(secret.redacted)) | \(DisplayText.markdownCode(TableReport.secretLocation(secret.location))) |\n"
            }
            out += "\n"
        }
        let allowedSecrets = report.secrets.filter { report.allowance(of: $0) != nil }
        if !allowedSecrets.isEmpty {
            out += "<details><summary>\(allowedSecrets.count) secret\(allowedSecrets.count == 1 ? "" : "s") allowed</summary>\n\n| Rule | Where | Reason |\n|---|---|---|\n"
            for secret in allowedSecrets {
                out += "| \(escape(secret.rule)) | \(DisplayText.markdownCode(TableReport.secretLocation(secret.location))) | \(escape(report.allowance(of: secret)?.reason ?? "")) |\n"
            }
            out += "\n</details>\n\n"
        }
        if !report.unevaluated.isEmpty {
            out += "**Not evaluated** (not known to be safe): "
                + report.unevaluated.map { DisplayText.markdownCode("\($0.package.name) \($0.package.version)") }.joined(separator: ", ") + "\n\n"
        }
        if !report.errors.isEmpty {
            out += "**\(report.errors.count) input error\(report.errors.count == 1 ? "" : "s")**: "
                + report.errors.prefix(5).map { "\(DisplayText.markdownCode($0.location.description)): \(escape($0.message))" }.joined(separator: "; ") + "\n\n"
        }
        out += "_" + TableReport.summaryLine(report) + "_\n"
        return out
    }

    private static func table(_ findings: [Finding], _ report: AuditReport) -> String {
        guard !findings.isEmpty else { return "" }
        var out = "| Severity | Package | Version | Vulnerability | Fixed in | Where |\n|---|---|---|---|---|---|\n"
        for finding in findings.sorted(by: { ($0.severity, $1.package.name) > ($1.severity, $0.package.name) }) {
            out += row(finding, report)
        }
        return out + "\n"
    }

    private static func row(_ finding: Finding, _ report: AuditReport) -> String {
        let package = finding.package
        let link = AdvisoryLinks.primary(finding).flatMap(markdownURL).map { "[\(escape(finding.id))](\($0))" } ?? escape(finding.id)
        let aliases = (finding.advisoryIDs.filter { $0 != finding.id } + finding.aliases).prefix(2).map(escape)
        let vulnerability = link + (aliases.isEmpty ? "" : " (\(aliases.joined(separator: ", ")))")
        let severity = finding.severity.rawValue + (finding.cvssScore.map { String(format: " %.1f", $0) } ?? "")
        let fix = finding.fixedVersions.first ?? "–"
        let upgrade = report.safeUpgrades[package.identity].map { $0 != fix ? " (all: \($0))" : "" } ?? ""
        return "| \(severity) | \(DisplayText.markdownCode(package.name)) (\(package.ecosystem.rawValue)) | \(escape(package.version)) | \(vulnerability) | \(escape(fix))\(escape(upgrade)) | \(DisplayText.markdownCode(TableReport.locationText(package))) |\n"
    }

    private static func escape(_ text: String) -> String { DisplayText.markdown(text) }

    /// A function's permission risks as a list, and why its findings are elevated.
    private static func permissions(_ function: FunctionView, _ report: AuditReport, hasFindings: Bool) -> String {
        guard let permissions = function.definition.permissions, !permissions.risks.isEmpty else { return "" }
        var out = ""
        if hasFindings, let risk = report.elevation(of: function) {
            out += "**Findings elevated**: \(risk.severity.rawValue) in \(escape(function.definition.name)), which \(escape(risk.detail))\n\n"
        }
        out += "Permission risks" + (permissions.role.map { " (role \(DisplayText.markdownCode($0)))" } ?? "") + ":\n\n"
        for risk in permissions.risks {
            out += "- \(risk.severity.rawValue) `\(risk.rule)` at \(DisplayText.markdownCode(PermissionsText.place(risk.location, report))): \(escape(risk.detail))\n"
        }
        return out + "\n"
    }

    /// `fnaudit inventory --format markdown`: the packages, and nothing about vulnerabilities (none were looked up).
    static func inventory(_ report: AuditReport) -> String {
        var out = "### fnaudit inventory: \(report.packages.count) package\(report.packages.count == 1 ? "" : "s")\n\n"
        if !report.packages.isEmpty {
            out += "| Ecosystem | Package | Version | Where |\n|---|---|---|---|\n"
            for p in report.packages {
                let version = p.versionKind == .exact ? p.version : "\(p.versionKind.rawValue): \(p.versionNote ?? "")"
                out += "| \(p.ecosystem.rawValue) | \(DisplayText.markdownCode(p.name)) | \(escape(version)) | \(DisplayText.markdownCode(TableReport.locationText(p))) |\n"
            }
            out += "\n"
        }
        if !report.errors.isEmpty {
            out += "**\(report.errors.count) input error\(report.errors.count == 1 ? "" : "s")**: "
                + report.errors.prefix(5).map { "\(DisplayText.markdownCode($0.location.description)): \(escape($0.message))" }.joined(separator: "; ") + "\n\n"
        }
        return out + "_" + InventoryTable.summary(report) + "_\n"
    }

    /// Only http(s) links without characters that end a Markdown link target.
    private static func markdownURL(_ url: String) -> String? {
        guard url.hasPrefix("https://") || url.hasPrefix("http://"),
              !url.unicodeScalars.contains(where: { $0.value <= 0x20 || "()<>[]\\`\"".unicodeScalars.contains($0) || $0.value >= 0x7F }) else { return nil }
        return url
    }
}
