import FnauditMatching
import FnauditModel

/// Why a finding matters more than its severity says: the function it loads in may do a lot
/// (a HIGH or CRITICAL permission risk) or anyone may call it (a public URL). Docs/IAM.md.
public struct FindingExposure: Sendable, Hashable {
    /// `elevated`, the only level so far (JSON `exposure`).
    public var level = "elevated"
    /// The function whose permissions elevate the finding (the most dangerous one when several).
    public var function: String
    public var risk: PermissionRisk

    /// "CRITICAL in OrdersFunction, which may call any AWS API on any resource (…)".
    public var reason: String { "\(risk.severity.rawValue) in \(function), which \(risk.detail)" }
}

extension AuditReport {
    /// Every permission risk, with its function, most severe first.
    public var permissionRisks: [(function: FunctionView, risk: PermissionRisk)] {
        functions.flatMap { function in (function.definition.permissions?.risks ?? []).map { (function, $0) } }
            .sorted { $0.risk.severity > $1.risk.severity }
    }

    public func permissionRiskCounts() -> [Severity: Int] {
        Dictionary(grouping: permissionRisks, by: \.risk.severity).mapValues(\.count)
    }

    /// The risk that makes a function's findings elevated: the most severe HIGH or CRITICAL one,
    /// or a public URL whatever its severity.
    public func elevation(of function: FunctionView) -> PermissionRisk? {
        let risks = function.definition.permissions?.risks ?? []
        return risks.filter { $0.severity >= .high || $0.rule == "public-url" }
            .max { a, b in a.severity != b.severity ? a.severity < b.severity : (a.rule == "public-url" ? 0 : 1) > (b.rule == "public-url" ? 0 : 1) }
    }

    /// Elevated when the finding's package loads in a function with an elevating risk.
    public func exposure(of finding: Finding) -> FindingExposure? {
        let candidates = functions.filter { $0.effective.contains(finding.package.identity) }
            .compactMap { function in elevation(of: function).map { FindingExposure(function: function.definition.name, risk: $0) } }
        return candidates.max { $0.risk.severity < $1.risk.severity }
    }
}
