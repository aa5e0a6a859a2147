import FnauditModel
import FnauditPolicy

/// How reports show each function's permission risks and the findings they elevate (Docs/IAM.md).
enum PermissionsText {
    /// Functions whose findings are elevated first (most severe risk first), the others in the report's order.
    static func ordered(_ report: AuditReport) -> [FunctionView] {
        let ranked = report.functions.enumerated().map { index, function in
            (index, report.findings(of: function).isEmpty ? nil : report.elevation(of: function)?.severity)
        }
        return ranked.sorted { a, b in
            switch (a.1, b.1) {
            case let (x?, y?) where x != y: return x > y
            case (_?, nil): return true
            case (nil, _?): return false
            default: return a.0 < b.0
            }
        }.map { report.functions[$0.0] }
    }

    /// `location:line`, relative to the single input when there is one.
    static func place(_ location: Location, _ report: AuditReport) -> String {
        TableReport.shortPath(location, report) + (location.line.map { ":\($0)" } ?? "")
    }

    /// Lines under a function's heading: its role, each risk, and why its findings come first.
    static func lines(_ function: FunctionView, _ report: AuditReport, hasFindings: Bool) -> [String] {
        guard let permissions = function.definition.permissions else { return [] }
        var lines: [String] = []
        if permissions.risks.isEmpty {
            lines.append("permissions: no risky grant found" + (permissions.role.map { " (role \($0))" } ?? ""))
        } else {
            lines.append("permissions" + (permissions.role.map { " (role \($0))" } ?? "") + ":")
            for risk in permissions.risks {
                lines.append("- \(risk.severity.rawValue) \(risk.rule) at \(place(risk.location, report)): \(risk.detail)")
            }
        }
        if hasFindings, let risk = report.elevation(of: function) {
            lines.append("findings elevated: \(risk.severity.rawValue) in \(function.definition.name), which \(risk.detail)")
        }
        return lines
    }

    /// "; 3 permission risks (1 CRITICAL, 2 HIGH)" for the summary line, or "".
    static func summary(_ report: AuditReport) -> String {
        guard report.functions.contains(where: { $0.definition.permissions != nil }) else { return "" }
        let counts = report.permissionRiskCounts()
        let total = counts.values.reduce(0, +)
        let bySeverity = Severity.allCases.reversed().compactMap { s in counts[s].map { "\($0) \(s.rawValue)" } }
        return "; \(total) permission risk\(total == 1 ? "" : "s")" + (bySeverity.isEmpty ? "" : " (\(bySeverity.joined(separator: ", ")))")
    }
}
