import Foundation
import FnauditMatching
import FnauditModel
import FnauditPolicy
import Rainbow

/// The default output: one block per vulnerable package, then problems, then a summary line.
public enum TableReport {
    public static func render(_ report: AuditReport, colour: Bool) -> String {
        var out = ""
        let byPackage = Dictionary(grouping: report.activeFindings, by: { $0.package.identity })
        if !byPackage.isEmpty {
            var rows: [[String]] = [["ECOSYSTEM", "PACKAGE", "VERSION", "ADVISORY", "SEVERITY", "FIXED IN", "WHERE"]]
            var severities: [Severity?] = [nil]
            for identity in byPackage.keys.sorted() {
                guard let findings = byPackage[identity], let package = findings.first?.package else { continue }
                let upgrade = report.safeUpgrades[identity]
                for (i, finding) in findings.enumerated() {
                    let ids = ([finding.id] + finding.advisoryIDs.filter { $0 != finding.id } + finding.aliases).prefix(3)
                    let score = finding.cvssScore.map { String(format: " %.1f", $0) } ?? ""
                    rows.append([
                        i == 0 ? package.ecosystem.rawValue : "", i == 0 ? package.name + (package.identification != nil ? " (inferred)" : "") : "",
                        i == 0 ? package.version : "",
                        ids.joined(separator: ", "), finding.severity.rawValue + score,
                        finding.fixedVersions.first ?? "-",
                        i == 0 ? locationText(package) : "",
                    ])
                    severities.append(finding.severity)
                }
                if let upgrade, findings.count > 1 {
                    rows.append(["", "", "", "→ upgrade to \(upgrade) to fix all \(findings.count)", "", "", ""])
                    severities.append(nil)
                }
            }
            out += table(rows, severities: severities, colour: colour)
        } else {
            out += "No known vulnerabilities found.\n"
        }
        let noted = report.activeFindings.filter { $0.rangeNote != nil }
        if !noted.isEmpty {
            out += "\nAdvisory data to check:\n"
            for finding in noted {
                out += DisplayText.escaped("  \(finding.package.name) \(finding.package.version) \(finding.id): \(finding.rangeNote ?? "")") + "\n"
            }
        }
        let suppressed = report.findings.filter { report.suppression(of: $0) != nil }
        if !suppressed.isEmpty {
            out += "\nSuppressed by configuration (not counted):\n"
            for finding in suppressed {
                let s = report.suppression(of: finding)
                out += DisplayText.escaped("  \(finding.id) \(finding.package.name) \(finding.package.version): \(s?.reason ?? "")\(s?.until.map { " (until \($0))" } ?? "")") + "\n"
            }
        }
        if !report.unevaluated.isEmpty {
            out += "\nCould not be evaluated (not known to be safe):\n"
            for u in report.unevaluated {
                var line = "  \(u.package.ecosystem.rawValue) \(u.package.name) \(u.package.version): \(u.reason)"
                if !u.advisoryIDs.isEmpty { line += " [might apply: \(u.advisoryIDs.joined(separator: ", "))]" }
                out += DisplayText.escaped(line) + "\n"
            }
        }
        if !report.unidentified.isEmpty {
            out += "\nJars that could not be identified (not checked):\n"
            for artifact in report.unidentified {
                out += DisplayText.escaped("  \(artifact.location)" + (artifact.digests.map { " sha1 \($0.sha1)" } ?? "") + ": \(artifact.reason)") + "\n"
            }
        }
        out += secretsSection(report, colour: colour)
        if report.packages.contains(where: { $0.identification != nil && !report.findings(of: $0).isEmpty }) {
            out += "\n(inferred): identified from a jar's manifest or file name, not from Maven metadata (--format json shows the evidence).\n"
        }
        if !report.errors.isEmpty {
            out += "\nErrors:\n"
            for e in report.errors { out += DisplayText.escaped("  \(e.location): \(e.message)") + "\n" }
        }
        out += "\n" + summaryLine(report) + "\n"
        return out
    }

    /// Secrets found, redacted, then those the configuration allows; nothing when none were found.
    static func secretsSection(_ report: AuditReport, colour: Bool) -> String {
        guard !report.secrets.isEmpty else { return "" }
        var out = ""
        let active = report.activeSecrets
        if !active.isEmpty {
            out += "\nSecrets (remove them from what ships, and rotate them):\n"
            var rows: [[String]] = [["RULE", "SECRET", "FINGERPRINT", "TITLE", "SEVERITY", "WHERE"]]
            var severities: [Severity?] = [nil]
            for secret in active {
                rows.append([secret.rule, secret.redacted, String(secret.fingerprint.prefix(16)), secret.title, secret.severity.rawValue,
                             secretLocation(secret.location)])
                severities.append(secret.severity)
            }
            out += table(rows, severities: severities, colour: colour)
        }
        let allowed = report.secrets.filter { report.allowance(of: $0) != nil }
        if !allowed.isEmpty {
            out += "\nSecrets allowed by configuration (not counted):\n"
            for secret in allowed {
                let a = report.allowance(of: secret)
                out += DisplayText.escaped("  \(secret.rule) \(secret.redacted) \(secretLocation(secret.location)): \(a?.reason ?? "")\(a?.until.map { " (until \($0))" } ?? "")") + "\n"
            }
        }
        return out
    }

    static func secretLocation(_ location: Location) -> String {
        location.line.map { "\(location):\($0)" } ?? location.description
    }

    public static func summaryLine(_ report: AuditReport) -> String {
        let counts = report.packageCounts()
        let perEcosystem = Ecosystem.allCases.compactMap { e in counts[e].map { "\(e.rawValue) \($0)" } }.joined(separator: ", ")
        var line = "Scanned \(report.packages.count) packages" + (perEcosystem.isEmpty ? "" : " (\(perEcosystem))")
        let findingCounts = report.findingCounts()
        let severities = Severity.allCases.reversed().compactMap { s in findingCounts[s].map { "\($0) \(s.rawValue)" } }
        let active = report.activeFindings.count
        line += "; \(active) finding\(active == 1 ? "" : "s")"
        if !severities.isEmpty { line += " (\(severities.joined(separator: ", ")))" }
        if report.findings.count > active { line += "; \(report.findings.count - active) suppressed" }
        if !report.unevaluated.isEmpty { line += "; \(report.unevaluated.count) not evaluated" }
        if !report.secrets.isEmpty {
            let activeSecrets = report.activeSecrets.count
            line += "; \(activeSecrets) secret\(activeSecrets == 1 ? "" : "s")"
            if report.secrets.count > activeSecrets { line += " (\(report.secrets.count - activeSecrets) allowed)" }
        }
        if !report.unidentified.isEmpty { line += "; \(report.unidentified.count) unidentified jar\(report.unidentified.count == 1 ? "" : "s")" }
        if !report.errors.isEmpty { line += "; \(report.errors.count) error\(report.errors.count == 1 ? "" : "s")" }
        if let date = report.database?.snapshotDate { line += "; advisory snapshot \(date)" }
        if !report.includeDev { line += "; dev dependencies excluded" }
        return line + "."
    }

    public static func locationText(_ package: Package) -> String {
        guard let first = package.locations.first else { return "" }
        let text = first.line.map { "\(first):\($0)" } ?? first.description
        return package.locations.count > 1 ? "\(text) (+\(package.locations.count - 1) more)" : text
    }

    /// Rainbow also honours NO_COLOR and FORCE_COLOR; callers decide TTY-ness.
    static func colourize(_ text: String, _ severity: Severity?, colour: Bool) -> String {
        guard colour else { return text }
        switch severity {
        case .critical?: return text.red.bold
        case .high?: return text.red
        case .medium?: return text.yellow
        case .low?: return text.cyan
        case .unknown?: return text.lightBlack
        case nil: return text
        }
    }

    /// Left-aligned columns; the severity column is coloured.
    static func table(_ rows: [[String]], severities: [Severity?], colour: Bool) -> String {
        guard let columns = rows.first?.count else { return "" }
        var widths = Array(repeating: 0, count: columns)
        for row in rows { for (i, cell) in row.map({ DisplayText.escaped($0) }).enumerated() where i < columns - 1 { widths[i] = max(widths[i], min(cell.count, 60)) } }
        var out = ""
        for (r, row) in rows.enumerated() {
            var line = ""
            for (i, cell) in row.map({ DisplayText.escaped($0) }).enumerated() {
                let shown = cell.count > 60 && i < columns - 1 ? String(cell.prefix(57)) + "..." : cell
                let padded = i < columns - 1 ? shown.padding(toLength: widths[i] + 2, withPad: " ", startingAt: 0) : shown
                line += i == 4 ? colourize(padded, severities[r], colour: colour) : (r == 0 && colour ? padded.bold : padded)
            }
            out += line.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) + "\n"
        }
        return out
    }
}

/// `fnaudit inventory`'s table: one package per line.
public enum InventoryTable {
    public static func render(_ report: AuditReport) -> String {
        var text = ""
        for p in report.packages {
            let version = p.versionKind == .exact ? p.version : "(\(p.versionKind.rawValue): \(p.versionNote ?? ""))"
            let fields = [p.ecosystem.rawValue, p.name, version] + (p.isDev ? ["dev"] : []) + [TableReport.locationText(p)]
                + (p.identification.map { ["inferred from \($0.method) \($0.evidence)"] } ?? [])
            text += fields.map { DisplayText.escaped($0) }.joined(separator: "\t") + "\n"
        }
        for artifact in report.unidentified {
            text += ["Maven", "(unidentified)", "", DisplayText.escaped(artifact.location.description), DisplayText.escaped(artifact.reason)]
                .joined(separator: "\t") + "\n"
        }
        for secret in report.secrets {
            text += ["secret", secret.rule, secret.redacted, TableReport.secretLocation(secret.location), secret.severity.rawValue]
                .map { DisplayText.escaped($0) }.joined(separator: "\t") + "\n"
        }
        return text + TableReport.summaryLine(report).replacingOccurrences(of: "; 0 findings", with: "") + "\n"
    }
}
