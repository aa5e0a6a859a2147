import Foundation
import FnauditAdvisory
import FnauditMatching
import FnauditModel

/// Everything a scan found, with the policy applied, ready for any output format: the result
/// layer. Dev dependencies are already filtered. New kinds of results (functions, secrets,
/// permissions) are new sections here; the existing ones do not change.
public struct AuditReport: Sendable {
    public var inputs: [String]
    public var packages: [Package]
    public var findings: [Finding]
    public var unevaluated: [Unevaluated]
    public var issues: [ScanIssue]
    /// Jars whose package could not be identified: listed, never matched, never counted as safe.
    public var unidentified: [UnidentifiedArtifact]
    public var safeUpgrades: [PackageIdentity: String]
    /// Where the advisories came from; nil for an inventory (nothing was matched).
    public var database: AdvisoryProvenance?
    public var includeDev: Bool
    /// Findings the configuration suppresses, by `key(of:)`; still listed, never gating.
    public var suppressed: [String: Suppression] = [:]
    /// Warnings about the configuration itself (expired suppressions); also in `issues`.
    public var configurationWarnings: [ScanIssue] = []
    /// What reports show (`--severity`, `--ignore-unfixed`); the gate still sees every finding.
    public var display = DisplayFilter()

    public struct DisplayFilter: Sendable {
        /// Only these severities are shown; nil shows all.
        public var severities: Set<Severity>?
        /// Findings with no fixed version are not shown.
        public var ignoreUnfixed = false
        public init(severities: Set<Severity>? = nil, ignoreUnfixed: Bool = false) {
            self.severities = severities
            self.ignoreUnfixed = ignoreUnfixed
        }
    }

    /// Credentials found in the inputs (`--scanners secret`), by location; redacted, never the value.
    public var secrets: [SecretFinding] = []
    /// Secrets the configuration allows, by `key(of:)`; still listed, never gating.
    public var allowedSecrets: [String: SecretAllow] = [:]
    /// Findings a `--vex` statement says are `under_investigation`, by `key(of:)`: still counted.
    public var underInvestigation: [String: VEXStatement] = [:]

    /// The deployment view: each function with its effective and shadowed package copies.
    public var functions: [FunctionView] = []
    /// Packages no copy of which can load in any function (Docs/LAYERS.md): findings listed, never gating.
    public var shadowedPackages: Set<PackageIdentity> = []

    /// Applies `suppressions` to a match and `secretAllows` to the secrets. `match` nil makes an inventory report.
    public init(inputs: [String], packages: [Package], match: MatchResult?, issues: [ScanIssue], database: AdvisoryProvenance?,
                includeDev: Bool, unidentified: [UnidentifiedArtifact] = [], suppressions: [Suppression] = [],
                secrets: [SecretFinding] = [], secretAllows: [SecretAllow] = [], today: String = CalendarDay.today(),
                vex: [VEXStatement] = []) {
        self.inputs = inputs
        self.unidentified = unidentified
        self.includeDev = includeDev
        self.packages = packages.filter { includeDev || !$0.isDev }
        let kept = Set(self.packages.map(\.identity))
        self.findings = (match?.findings ?? []).filter { kept.contains($0.package.identity) }.sorted { a, b in
            a.package.identity != b.package.identity ? a.package.identity < b.package.identity : a.id < b.id
        }
        self.unevaluated = (match?.unevaluated ?? []).filter { kept.contains($0.package.identity) }
        self.issues = issues.sorted { ($0.location, $0.message) < ($1.location, $1.message) }
        self.safeUpgrades = match?.safeUpgrades ?? [:]
        self.database = database
        let findingRules = AuditReport.apply(suppressions, to: self.findings, today: today, matches: { $0.matches($1) },
                                              isExpired: { $0.isExpired(today: $1) }, key: AuditReport.key(of:)) { suppression in
            "the suppression of \(suppression.id) (\(suppression.origin == .fnauditConfig ? "" : suppression.origin.rawValue + " ")line \(suppression.location.line.map(String.init) ?? "?")) expired on \(suppression.until ?? "?"); its findings count again"
        }
        suppressed = findingRules.applied
        applyVEX(vex)
        self.secrets = secrets.sorted { ($0.location, $0.rule) < ($1.location, $1.rule) }
        let secretRules = AuditReport.apply(secretAllows, to: self.secrets, today: today, matches: { $0.matches($1) },
                                             isExpired: { $0.isExpired(today: $1) }, key: AuditReport.key(of:)) { allow in
            "the secrets.allow entry (\(allow.label), line \(allow.location.line.map(String.init) ?? "?")) expired on \(allow.until ?? "?"); its secrets count again"
        }
        allowedSecrets = secretRules.applied
        configurationWarnings = findingRules.warnings + secretRules.warnings
        self.issues += configurationWarnings
    }

    public static func key(of secret: SecretFinding) -> String {
        "\(secret.rule)|\(secret.fingerprint)|\(secret.location)|\(secret.location.line ?? 0)"
    }

    public func allowance(of secret: SecretFinding) -> SecretAllow? { allowedSecrets[AuditReport.key(of: secret)] }

    /// Secrets that are not allowed by the configuration.
    public var activeSecrets: [SecretFinding] { secrets.filter { allowance(of: $0) == nil } }

    public func secretCounts() -> [Severity: Int] {
        Dictionary(grouping: activeSecrets, by: \.severity).mapValues(\.count)
    }

    /// Each item gets the first rule that matches it and has not expired (`.fnaudit.toml` order);
    /// an expired rule that would have matched gives one warning, and its items count again.
    static func apply<Item, Rule: Located>(_ rules: [Rule], to items: [Item], today: String, matches: (Rule, Item) -> Bool,
                                           isExpired: (Rule, String) -> Bool, key: (Item) -> String,
                                           expiredMessage: (Rule) -> String) -> (applied: [String: Rule], warnings: [ScanIssue]) {
        var applied: [String: Rule] = [:]
        var warnings: [ScanIssue] = []
        var warned = Set<Int>()
        for item in items {
            for (index, rule) in rules.enumerated() where matches(rule, item) {
                if isExpired(rule, today) {
                    if warned.insert(index).inserted {
                        warnings.append(ScanIssue(location: rule.location, message: expiredMessage(rule), severity: .warning))
                    }
                    continue
                }
                applied[key(item)] = rule
                break
            }
        }
        return (applied, warnings)
    }

    public static func key(of finding: Finding) -> String {
        "\(finding.package.ecosystem.rawValue)|\(finding.package.normalizedName)|\(finding.package.version)|\(finding.id)"
    }

    public func suppression(of finding: Finding) -> Suppression? { suppressed[AuditReport.key(of: finding)] }

    /// The `under_investigation` VEX statement of a finding (kept and counted, marked in reports).
    public func investigation(of finding: Finding) -> VEXStatement? { underInvestigation[AuditReport.key(of: finding)] }

    /// `--vex` statements, after the configuration (whose suppressions win): for each finding the
    /// latest matching statement decides (OpenVEX: later statements override earlier ones); ties go
    /// to the one read last. `not_affected`/`fixed` suppress, `under_investigation` marks,
    /// `affected` leaves the finding as it is.
    mutating func applyVEX(_ statements: [VEXStatement]) {
        guard !statements.isEmpty else { return }
        for finding in findings where suppressed[AuditReport.key(of: finding)] == nil {
            var chosen: VEXStatement?
            for statement in statements where statement.matches(finding) {
                if let current = chosen, (current.timestamp ?? "") > (statement.timestamp ?? "") { continue }
                chosen = statement
            }
            guard let chosen else { continue }
            if let suppression = chosen.suppression {
                suppressed[AuditReport.key(of: finding)] = suppression
            } else if chosen.status == .underInvestigation {
                underInvestigation[AuditReport.key(of: finding)] = chosen
            }
        }
    }


    /// Whether every copy of the finding's package is shadowed in the functions that have it.
    public func isShadowed(_ finding: Finding) -> Bool { shadowedPackages.contains(finding.package.identity) }

    /// Findings that are neither suppressed nor on shadowed copies only: what gates.
    public var activeFindings: [Finding] { findings.filter { suppression(of: $0) == nil && !isShadowed($0) } }

    /// Active findings that pass the display filter: what reports list.
    public var shownFindings: [Finding] { displayedFindings.filter { suppression(of: $0) == nil && !isShadowed($0) } }

    /// The findings on a function's effective packages (suppressed and shadowed ones excluded).
    public func findings(of function: FunctionView) -> [Finding] {
        let effective = Set(function.effective)
        return activeFindings.filter { effective.contains($0.package.identity) }
    }

    /// The same findings, each located at the copies that load in this function (not a shadowed
    /// copy of the same package elsewhere), for reports that show one function at a time.
    public func locatedFindings(of function: FunctionView) -> [Finding] {
        findings(of: function).map { finding in
            guard let locations = function.effectiveLocations[finding.package.identity], !locations.isEmpty else { return finding }
            var located = finding
            located.package.locations = locations
            return located
        }
    }

    /// Every finding, suppressed ones included, that passes the display filter: what machine formats list.
    public var displayedFindings: [Finding] {
        findings.filter { finding in
            (display.severities?.contains(finding.severity) ?? true) && !(display.ignoreUnfixed && finding.fixedVersions.isEmpty)
        }
    }

    /// Active findings the display filter hides (they still count for the gate).
    public var hiddenCount: Int { activeFindings.count - shownFindings.count }

    /// Every input read and every package evaluated.
    public var isComplete: Bool { errors.isEmpty && unevaluated.isEmpty }

    public var errors: [ScanIssue] { issues.filter { $0.severity == .error } }
    public var warnings: [ScanIssue] { issues.filter { $0.severity == .warning } }

    public func findings(of package: Package) -> [Finding] {
        findings.filter { $0.package.identity == package.identity }
    }

    public func packageCounts() -> [Ecosystem: Int] {
        Dictionary(grouping: packages, by: \.ecosystem).mapValues(\.count)
    }

    public func findingCounts() -> [Severity: Int] {
        Dictionary(grouping: activeFindings, by: \.severity).mapValues(\.count)
    }
}

/// How a run ends, which the CLI maps to its exit code.
public enum AuditOutcome: Sendable, Equatable {
    /// Nothing at or above the gate, and everything was read and evaluated.
    case clean
    /// Findings or secrets at or above the gate (they win over incompleteness).
    case failed
    /// Input that could not be read, or packages that could not be evaluated.
    case incomplete
}

extension AuditReport {
    /// Whether the findings or secrets fail the run under `gate`. Secrets gate by their severity
    /// like findings; `onlyFixable` does not spare them (removing and rotating a secret is always possible).
    public func fails(_ gate: GatePolicy) -> Bool {
        activeFindings.contains { gate.threshold.fails($0.severity) && (!gate.onlyFixable || !$0.fixedVersions.isEmpty) }
            || activeSecrets.contains { gate.threshold.fails($0.severity) }
            || permissionRisks.contains { gate.threshold.fails($0.risk.severity) }
    }

    public func outcome(_ gate: GatePolicy) -> AuditOutcome {
        if gate.failOnIncomplete && !isComplete { return .incomplete }
        if fails(gate) { return .failed }
        if !errors.isEmpty || !unevaluated.isEmpty { return .incomplete }
        if gate.failOnStale && !staleEcosystems(gate).isEmpty { return .incomplete }
        return .clean
    }

    /// Ecosystems whose advisories are older than the gate allows.
    public func staleEcosystems(_ gate: GatePolicy) -> [EcosystemData] {
        database?.stale(maxAgeDays: gate.maxDatabaseAgeDays) ?? []
    }
}

/// A configuration entry that knows where it was written (for its warnings).
protocol Located { var location: Location { get } }
extension Suppression: Located {}
extension SecretAllow: Located {}
