import Foundation
import FnauditMatching
import FnauditModel
import FnauditPolicy

/// OpenVEX 0.2.0 (https://github.com/openvex/spec/blob/main/OPENVEX-SPEC.md): one statement per
/// finding, the package's purl as the product, so triage done in fnaudit travels to Trivy,
/// grype or another fnaudit (`--vex`). Active findings are `affected` (with the fix as the
/// required action statement); `.fnaudit.toml` and ignore-file suppressions are `not_affected`
/// with their reason as the impact statement (fnaudit does not know which justification label
/// fits, so it claims none); statements read with `--vex` are written back with their status.
public enum OpenVEXReport {
    /// OpenVEX's justification labels (spec §Status Justifications).
    static let justifications: Set<String> = ["component_not_present", "vulnerable_code_not_present", "vulnerable_code_not_in_execute_path",
                                              "vulnerable_code_cannot_be_controlled_by_adversary", "inline_mitigations_already_exist"]

    /// CycloneDX `analysis.justification` values with one OpenVEX label; the others are kept as words.
    static let fromCycloneDX: [String: String] = [
        "code_not_present": "vulnerable_code_not_present", "code_not_reachable": "vulnerable_code_not_in_execute_path",
        "protected_by_mitigating_control": "inline_mitigations_already_exist",
    ]

    public static func render(_ report: AuditReport, version: String, id: String = "urn:uuid:" + UUID().uuidString.lowercased(),
                              timestamp: Date = Date()) throws -> Data {
        let statements = report.displayedFindings.map { statement($0, report: report) }
        let document: [String: Any] = [
            "@context": "https://openvex.dev/ns/v0.2.0",
            "@id": id,
            "author": "fnaudit",
            "timestamp": ISO8601DateFormatter().string(from: timestamp),
            "version": 1,
            "tooling": "fnaudit \(version)",
            "statements": statements,
        ]
        return try JSONDocument.encode(document)
    }

    private static func statement(_ finding: Finding, report: AuditReport) -> [String: Any] {
        let purl = finding.package.purl
        let others = (finding.advisoryIDs + finding.aliases).filter { $0 != finding.id }
        var vulnerability: [String: Any] = ["name": finding.id]
        if !others.isEmpty { vulnerability["aliases"] = Array(NSOrderedSet(array: others)).compactMap { $0 as? String } }
        if let summary = finding.summary { vulnerability["description"] = summary }
        var statement: [String: Any] = [
            "vulnerability": vulnerability,
            "products": [["@id": purl, "identifiers": ["purl": purl]]],
        ]
        if let suppression = report.suppression(of: finding) {
            if let vex = suppression.vex {
                statement["status"] = vex.status.rawValue
                let label = vex.justification.flatMap { justifications.contains($0) ? $0 : fromCycloneDX[$0] }
                if let label { statement["justification"] = label }
                var impact = vex.impactStatement ?? ""
                if label == nil, let words = vex.justification { impact = impact.isEmpty ? words : "\(words): \(impact)" }
                if vex.status == .notAffected || !impact.isEmpty {
                    statement["impact_statement"] = impact.isEmpty ? "Stated not_affected in \(vex.location.path)" : impact
                }
                statement["status_notes"] = "From \(vex.format.rawValue) \(vex.location.path)"
            } else {
                statement["status"] = "not_affected"
                statement["impact_statement"] = suppression.reason
                statement["status_notes"] = "Suppressed in \(suppression.origin.rawValue) \(suppression.location.path)"
                    + (suppression.location.line.map { ":\($0)" } ?? "") + (suppression.until.map { " until \($0)" } ?? "")
            }
        } else if let investigation = report.investigation(of: finding) {
            statement["status"] = "under_investigation"
            statement["status_notes"] = "From \(investigation.format.rawValue) \(investigation.location.path)"
                + (investigation.impactStatement.map { ": \($0)" } ?? "")
        } else {
            statement["status"] = "affected"
            // `affected` requires an action statement (spec §Status).
            statement["action_statement"] = finding.fixedVersions.first.map { "Upgrade \(finding.package.name) to \($0) or later." }
                ?? "No fixed version is known: remove or replace \(finding.package.name), or mitigate."
        }
        return statement
    }
}
