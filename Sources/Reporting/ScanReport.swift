import Foundation
import FnauditMatching
import FnauditModel

/// Provenance of the advisory data behind a report.
public struct DatabaseInfo: Sendable, Codable {
    public struct Source: Sendable, Codable {
        public var name: String
        public var sha256: String
        public var origin: String?
        public var date: String?
        public var license: String?
        public init(name: String, sha256: String, origin: String?, date: String?, license: String?) {
            self.name = name
            self.sha256 = sha256
            self.origin = origin
            self.date = date
            self.license = license
        }
    }
    public var path: String
    public var snapshotDate: String?
    public var sources: [Source]
    public init(path: String, snapshotDate: String?, sources: [Source]) {
        self.path = path
        self.snapshotDate = snapshotDate
        self.sources = sources
    }
}

/// Everything a scan found, ready for any output format. Dev dependencies are already filtered.
public struct ScanReport: Sendable {
    public var inputs: [String]
    public var packages: [Package]
    public var findings: [Finding]
    public var unevaluated: [Unevaluated]
    public var issues: [ScanIssue]
    public var safeUpgrades: [PackageIdentity: String]
    public var database: DatabaseInfo?
    public var includeDev: Bool
    /// Findings the configuration suppresses, by `key(of:)`; still listed, never gating.
    public var suppressed: [String: Suppression] = [:]
    /// Warnings about the configuration itself (expired suppressions); also in `issues`.
    public var configurationWarnings: [ScanIssue] = []

    public init(inputs: [String], packages: [Package], match: MatchResult?, issues: [ScanIssue], database: DatabaseInfo?,
                includeDev: Bool, suppressions: [Suppression] = [], today: String = Suppression.today()) {
        self.inputs = inputs
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
        var expiredWarned = Set<Int>()
        for finding in self.findings {
            for (index, suppression) in suppressions.enumerated() where suppression.matches(finding) {
                if suppression.isExpired(today: today) {
                    if expiredWarned.insert(index).inserted {
                        configurationWarnings.append(ScanIssue(location: suppression.location,
                                                               message: "the suppression of \(suppression.id) (line \(suppression.location.line.map(String.init) ?? "?")) expired on \(suppression.until ?? "?"); its findings count again",
                                                               severity: .warning))
                    }
                    continue
                }
                suppressed[ScanReport.key(of: finding)] = suppression
                break
            }
        }
        self.issues += configurationWarnings
    }

    public static func key(of finding: Finding) -> String {
        "\(finding.package.ecosystem.rawValue)|\(finding.package.normalizedName)|\(finding.package.version)|\(finding.id)"
    }

    public func suppression(of finding: Finding) -> Suppression? { suppressed[ScanReport.key(of: finding)] }

    /// Findings that are not suppressed.
    public var activeFindings: [Finding] { findings.filter { suppression(of: $0) == nil } }

    /// Whether the findings fail the run under `policy`.
    public func fails(_ policy: GatePolicy) -> Bool {
        activeFindings.contains { policy.threshold.fails($0.severity) && (!policy.onlyFixable || !$0.fixedVersions.isEmpty) }
    }

    public var errors: [ScanIssue] { issues.filter { $0.severity == .error } }
    public var warnings: [ScanIssue] { issues.filter { $0.severity == .warning } }

    public func packageCounts() -> [Ecosystem: Int] {
        Dictionary(grouping: packages, by: \.ecosystem).mapValues(\.count)
    }

    public func findingCounts() -> [Severity: Int] {
        Dictionary(grouping: activeFindings, by: \.severity).mapValues(\.count)
    }
}

