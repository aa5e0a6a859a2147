import Foundation
import FnauditAdvisory
import FnauditMatching
import FnauditModel
import FnauditPolicy

/// The `--format json` document, described in Docs/JSON-OUTPUT.md. Field names and meanings are
/// stable within a `schemaVersion`; new optional fields may be added.
public enum JSONReport {
    public static let schemaVersion = "1.0"

    struct Document: Encodable {
        var schemaVersion = JSONReport.schemaVersion
        var tool: Tool
        var inputs: [String]
        var database: DatabaseEntry?
        var packages: [PackageEntry]
        var findings: [FindingEntry]?
        var unevaluated: [UnevaluatedEntry]?
        var unidentified: [UnidentifiedEntry]?
        /// Present when secrets were found (never their values).
        var secrets: [SecretEntry]?
        /// Present when descriptors (SAM, CDK, Serverless) or `--layer`/`--runtime` define functions.
        var functions: [FunctionEntry]?
        var errors: [IssueEntry]
        var warnings: [IssueEntry]
        var summary: Summary
    }
    struct Tool: Encodable { var name = "fnaudit"; var version: String }
    struct DatabaseEntry: Encodable {
        struct Source: Encodable { var name: String, sha256: String, origin: String?, date: String?, license: String? }
        var path: String
        var snapshotDate: String?
        var sources: [Source]
        var ecosystems: [EcosystemData]
        init(_ p: AdvisoryProvenance) {
            path = p.path
            snapshotDate = p.snapshotDate
            sources = p.sources.map { Source(name: $0.name, sha256: $0.sha256, origin: $0.origin, date: $0.snapshotDate, license: $0.license) }
            ecosystems = p.ecosystems
        }
    }
    struct LocationEntry: Encodable {
        var path: String
        var entry: String?
        var line: Int?
        var display: String
        init(_ l: Location) {
            path = l.path
            entry = l.entryChain.isEmpty ? nil : l.entryChain.joined(separator: "!/")
            line = l.line
            display = l.line.map { "\(l.description):\($0)" } ?? l.description
        }
    }
    struct PackageRef: Encodable {
        var ecosystem: String, name: String, version: String, purl: String
        init(_ p: Package) { ecosystem = p.ecosystem.rawValue; name = p.name; version = p.version; purl = p.purl }
    }
    struct PackageEntry: Encodable {
        var ecosystem: String, name: String, version: String, purl: String
        var versionKind: String
        var versionNote: String?
        var environmentMarker: String?
        var dev: Bool
        var extractors: [String]
        var locations: [LocationEntry]
        var safeUpgrade: String?
        var identification: Identification?
        var hashes: FileDigests?
        var direct: Bool?
        /// Shortest chains from a direct dependency to this package (up to five).
        var paths: [[String]]?
        /// Declared licences: SPDX ids or expressions where unambiguous, else the text as written.
        var licenses: [String]? = nil
    }
    struct UnidentifiedEntry: Encodable {
        var location: LocationEntry
        var sha1: String?
        var sha256: String?
        var reason: String
    }
    struct FindingEntry: Encodable {
        var id: String
        var advisoryIds: [String]
        var aliases: [String]
        var summary: String?
        var severity: String
        var cvssScore: Double?
        var package: PackageRef
        var fixedVersions: [String]
        var references: [String]
        var locations: [LocationEntry]
        var suppressed: SuppressionEntry?
        var rangeNote: String?
        var kind: String
        var severitySource: String?
        /// Every copy of the package is shadowed in the functions that have it: listed, never gating.
        var shadowed: Bool?
        /// The functions in which the package loads.
        var functions: [String]?
        /// An `under_investigation` VEX statement about it (the finding still counts).
        var underInvestigation: SuppressionEntry? = nil
        /// `elevated` when a function it loads in has a HIGH/CRITICAL permission risk or a public URL (Docs/IAM.md).
        var exposure: String?
        var exposureReason: String?
    }
    struct FunctionEntry: Encodable {
        struct Artifact: Encodable { var kind: String; var location: String; var reason: String? }
        struct Shadowed: Encodable { var purl: String; var location: LocationEntry; var by: String?; var byLocation: LocationEntry?; var reason: String }
        struct Permissions: Encodable { var role: String?; var source: LocationEntry; var risks: [Risk] }
        struct Risk: Encodable { var rule: String; var severity: String; var detail: String; var location: LocationEntry }
        var name: String
        var framework: String
        var path: String?
        var runtime: String?
        var handler: String?
        var descriptor: LocationEntry
        var artifact: Artifact
        var layers: [String]
        /// Purls of the packages that load (one copy or more is effective).
        var packages: [String]
        var shadowed: [Shadowed]
        /// Ids of the active findings on the effective packages.
        var findings: [String]?
        var counts: [String: Int]?
        var notes: [String]?
        var permissions: Permissions?

        /// `purls`: every package's purl by identity, built once for all functions.
        init(_ f: FunctionView, report: AuditReport, purls: [PackageIdentity: String], withFindings: Bool) {
            let d = f.definition
            name = d.name; framework = d.framework.rawValue; path = d.path; runtime = d.runtime; handler = d.handler
            descriptor = LocationEntry(d.descriptor)
            artifact = Artifact(kind: d.artifact.kind.rawValue, location: d.artifact.path, reason: d.artifact.reason)
            layers = d.layers.map { $0.artifact.isOnDisk ? "\($0.name) (\($0.artifact.path))" : "\($0.name) (\($0.artifact.reason ?? "not on disk"))" }
            packages = f.effective.compactMap { purls[$0] }
            shadowed = f.shadowed.map { Shadowed(purl: $0.purl, location: LocationEntry($0.location), by: $0.byPurl, byLocation: $0.byLocation.map(LocationEntry.init), reason: $0.reason) }
            let findings = report.findings(of: f)
            self.findings = withFindings ? Array(Set(findings.map(\.id))).sorted() : nil
            counts = withFindings ? Dictionary(uniqueKeysWithValues: Severity.allCases.map { severity in (severity.rawValue, findings.filter { $0.severity == severity }.count) }) : nil
            notes = f.notes.isEmpty ? nil : f.notes
            permissions = d.permissions.map { p in
                Permissions(role: p.role, source: LocationEntry(p.source), risks: p.risks.map {
                    Risk(rule: $0.rule, severity: $0.severity.rawValue, detail: $0.detail, location: LocationEntry($0.location))
                })
            }
        }
    }
    struct SuppressionEntry: Encodable {
        var reason: String
        var until: String?
        var source: String
        /// .fnaudit.toml, .trivyignore, osv-scanner.toml, OpenVEX or CycloneDX VEX.
        var origin: String? = nil
    }
    struct SecretEntry: Encodable {
        var rule: String
        var title: String
        var severity: String
        var location: LocationEntry
        var redacted: String
        var fingerprint: String
        var allowed: SuppressionEntry?
    }
    struct UnevaluatedEntry: Encodable {
        var package: PackageRef
        var reason: String
        var advisoryIds: [String]
    }
    struct IssueEntry: Encodable {
        var path: String
        var entry: String?
        var line: Int?
        var message: String
    }
    struct Summary: Encodable {
        /// Every input read and every package evaluated.
        var complete: Bool
        var packages: [String: Int]
        var unidentified: Int?
        var findings: [String: Int]?
        var suppressed: Int?
        /// Findings on packages whose every copy is shadowed (not suppressed ones).
        var shadowed: Int?
        /// Active (not allowed) secrets by severity; present when secrets were found.
        var secrets: [String: Int]?
        var secretsAllowed: Int?
        /// Permission risks of the functions by severity; present when a descriptor gave functions permissions.
        var permissionRisks: [String: Int]?
        var errors: Int
        var warnings: Int
    }

    public static func render(_ report: AuditReport, version: String, withFindings: Bool = true) throws -> Data {
        try JSONOutput.encode(document(report, version: version, withFindings: withFindings))
    }

    static func document(_ report: AuditReport, version: String, withFindings: Bool = true) -> Document {
        let functionPurls = report.functions.isEmpty ? [:] : purls(report)
        return Document(
            tool: Tool(version: version), inputs: report.inputs, database: withFindings ? report.database.map(DatabaseEntry.init) : nil,
            // Built on all cores: a bundle can hold thousands of packages.
            packages: parallelMap(report.packages.count) { i in packageEntry(report.packages[i], report) },
            findings: withFindings ? report.displayedFindings.map { findingEntry($0, report) } : nil,
            unevaluated: withFindings ? report.unevaluated.map { UnevaluatedEntry(package: PackageRef($0.package), reason: $0.reason, advisoryIds: $0.advisoryIDs) } : nil,
            unidentified: report.unidentified.isEmpty ? nil : report.unidentified.map {
                UnidentifiedEntry(location: LocationEntry($0.location), sha1: $0.digests?.sha1, sha256: $0.digests?.sha256, reason: $0.reason)
            },
            secrets: report.secrets.isEmpty ? nil : report.secrets.map { s in
                SecretEntry(rule: s.rule, title: s.title, severity: s.severity.rawValue, location: LocationEntry(s.location),
                            redacted: s.redacted, fingerprint: s.fingerprint, allowed: report.allowance(of: s).map { a in
                                SuppressionEntry(reason: a.reason, until: a.until, source: a.location.line.map { "\(a.location.path):\($0)" } ?? a.location.path)
                            })
            },
            functions: report.functions.isEmpty ? nil : report.functions.map { FunctionEntry($0, report: report, purls: functionPurls, withFindings: withFindings) },
            errors: report.errors.map(issue), warnings: report.warnings.map(issue),
            summary: Summary(
                complete: report.isComplete,
                packages: Dictionary(uniqueKeysWithValues: Ecosystem.allCases.map { ($0.rawValue, report.packageCounts()[$0] ?? 0) }),
                unidentified: report.unidentified.isEmpty ? nil : report.unidentified.count,
                findings: withFindings ? Dictionary(uniqueKeysWithValues: Severity.allCases.map { ($0.rawValue, report.findingCounts()[$0] ?? 0) }) : nil,
                suppressed: withFindings ? report.findings.filter { report.suppression(of: $0) != nil }.count : nil,
                shadowed: withFindings && !report.shadowedPackages.isEmpty ? report.findings.filter { report.isShadowed($0) && report.suppression(of: $0) == nil }.count : nil,
                secrets: report.secrets.isEmpty ? nil : Dictionary(uniqueKeysWithValues: Severity.allCases.map { ($0.rawValue, report.secretCounts()[$0] ?? 0) }),
                secretsAllowed: report.secrets.isEmpty ? nil : report.secrets.count - report.activeSecrets.count,
                permissionRisks: report.functions.contains { $0.definition.permissions != nil }
                    ? Dictionary(uniqueKeysWithValues: Severity.allCases.map { ($0.rawValue, report.permissionRiskCounts()[$0] ?? 0) }) : nil,
                errors: report.errors.count, warnings: report.warnings.count))
    }

    static func packageEntry(_ p: Package, _ report: AuditReport) -> PackageEntry {
        var entry = PackageEntry(ecosystem: p.ecosystem.rawValue, name: p.name, version: p.version, purl: p.purl,
                                 versionKind: p.versionKind.rawValue, versionNote: p.versionNote, environmentMarker: p.environmentMarker,
                                 dev: p.isDev, extractors: p.extractors.map(\.displayName),
                                 locations: p.locations.map(LocationEntry.init), safeUpgrade: report.safeUpgrades[p.identity],
                                 identification: p.identification, hashes: p.digests, direct: p.isDirect,
                                 paths: p.dependencyPaths.isEmpty ? nil : p.dependencyPaths)
        entry.licenses = p.licenses.isEmpty ? nil : p.licenses
        return entry
    }

    static func findingEntry(_ f: Finding, _ report: AuditReport) -> FindingEntry {
        var entry = FindingEntry(id: f.id, advisoryIds: f.advisoryIDs, aliases: f.aliases, summary: f.summary, severity: f.severity.rawValue,
                                 cvssScore: f.cvssScore, package: PackageRef(f.package), fixedVersions: f.fixedVersions,
                                 references: f.references, locations: f.package.locations.map(LocationEntry.init),
                                 suppressed: report.suppression(of: f).map { s in
                                     SuppressionEntry(reason: s.reason, until: s.until, source: s.location.line.map { "\(s.location.path):\($0)" } ?? s.location.path,
                                                      origin: s.origin.rawValue)
                                 }, rangeNote: f.rangeNote, kind: f.kind.rawValue, severitySource: f.severitySource,
                                 shadowed: report.isShadowed(f) ? true : nil, functions: functionNames(of: f, in: report),
                                 exposure: report.exposure(of: f)?.level, exposureReason: report.exposure(of: f)?.reason)
        entry.underInvestigation = report.investigation(of: f).map { v in
            SuppressionEntry(reason: v.reason, until: nil, source: v.location.path, origin: v.format.rawValue)
        }
        return entry
    }

    /// One line per function: `{"type": "function", "function": {…}, "findings": [...]}`.
    struct FunctionLine: Encodable {
        var type = "function"
        var tool: Tool
        var function: FunctionEntry
        var findings: [FindingEntry]?
    }
    /// One line per input without functions, or with findings outside its functions (`scope` says which).
    struct InputLine: Encodable {
        var type = "input"
        var tool: Tool
        var input: String
        var scope: String
        var packages: [PackageEntry]
        var findings: [FindingEntry]?
        var unevaluated: [UnevaluatedEntry]?
        var secrets: Int?
        var errors: [IssueEntry]
    }

    /// `--format jsonl`: one compact JSON object per function, then per input for what lies outside
    /// every function, so scans fanned out over a job runner can be merged by concatenation.
    public static func renderLines(_ report: AuditReport, version: String, withFindings: Bool = true) throws -> Data {
        let tool = Tool(version: version)
        var out = Data()
        let displayed = report.displayedFindings
        var inFunctions = Set<PackageIdentity>()
        let purls = purls(report)
        for function in report.functions {
            let effective = Set(function.effective)
            inFunctions.formUnion(effective)
            out += try JSONOutput.encodeLine(FunctionLine(
                tool: tool, function: FunctionEntry(function, report: report, purls: purls, withFindings: withFindings),
                findings: withFindings ? displayed.filter { effective.contains($0.package.identity) }.map { findingEntry($0, report) } : nil))
        }
        for input in report.inputs {
            let packages = report.packages.filter { p in
                !inFunctions.contains(p.identity) && !report.shadowedPackages.contains(p.identity) && p.locations.contains { TableReport.under(input, $0) }
            }
            let hasFunctions = report.functions.contains { TableReport.under(input, $0.definition.descriptor) || $0.definition.artifact.path == input }
            let errors = report.errors.filter { TableReport.under(input, $0.location) }
            guard !hasFunctions || !packages.isEmpty || !errors.isEmpty else { continue }
            let identities = Set(packages.map(\.identity))
            out += try JSONOutput.encodeLine(InputLine(
                tool: tool, input: input, scope: hasFunctions ? "outside-functions" : "input", packages: packages.map { packageEntry($0, report) },
                findings: withFindings ? displayed.filter { identities.contains($0.package.identity) }.map { findingEntry($0, report) } : nil,
                unevaluated: withFindings ? report.unevaluated.filter { identities.contains($0.package.identity) }
                    .map { UnevaluatedEntry(package: PackageRef($0.package), reason: $0.reason, advisoryIds: $0.advisoryIDs) } : nil,
                secrets: report.activeSecrets.filter { TableReport.under(input, $0.location) }.count,
                errors: errors.map(issue)))
        }
        return out
    }

    static func purls(_ report: AuditReport) -> [PackageIdentity: String] {
        Dictionary(report.packages.map { ($0.identity, $0.purl) }, uniquingKeysWith: { a, _ in a })
    }

    static func functionNames(of finding: Finding, in report: AuditReport) -> [String]? {
        guard !report.functions.isEmpty else { return nil }
        let names = report.functions.filter { $0.effective.contains(finding.package.identity) }.map(\.definition.name)
        return names.isEmpty ? nil : names
    }

    private static func issue(_ i: ScanIssue) -> IssueEntry {
        IssueEntry(path: i.location.path, entry: i.location.entryChain.isEmpty ? nil : i.location.entryChain.joined(separator: "!/"),
                   line: i.location.line, message: i.message)
    }
}
