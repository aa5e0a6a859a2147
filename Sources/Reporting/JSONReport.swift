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
        /// An `under_investigation` VEX statement about it (the finding still counts).
        var underInvestigation: SuppressionEntry? = nil
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
        /// Active (not allowed) secrets by severity; present when secrets were found.
        var secrets: [String: Int]?
        var secretsAllowed: Int?
        var errors: Int
        var warnings: Int
    }

    public static func render(_ report: AuditReport, version: String, withFindings: Bool = true) throws -> Data {
        let document = Document(
            tool: Tool(version: version), inputs: report.inputs, database: withFindings ? report.database.map(DatabaseEntry.init) : nil,
            // Built on all cores: a bundle can hold thousands of packages.
            packages: parallelMap(report.packages.count) { i in
                let p = report.packages[i]
                var entry = PackageEntry(ecosystem: p.ecosystem.rawValue, name: p.name, version: p.version, purl: p.purl,
                                         versionKind: p.versionKind.rawValue, versionNote: p.versionNote, environmentMarker: p.environmentMarker,
                                         dev: p.isDev, extractors: p.extractors.map(\.displayName),
                                         locations: p.locations.map(LocationEntry.init), safeUpgrade: report.safeUpgrades[p.identity],
                                         identification: p.identification, hashes: p.digests, direct: p.isDirect,
                                         paths: p.dependencyPaths.isEmpty ? nil : p.dependencyPaths)
                entry.licenses = p.licenses.isEmpty ? nil : p.licenses
                return entry
            },
            findings: withFindings ? report.displayedFindings.map { f in
                var entry = FindingEntry(id: f.id, advisoryIds: f.advisoryIDs, aliases: f.aliases, summary: f.summary, severity: f.severity.rawValue,
                             cvssScore: f.cvssScore, package: PackageRef(f.package), fixedVersions: f.fixedVersions,
                             references: f.references, locations: f.package.locations.map(LocationEntry.init),
                             suppressed: report.suppression(of: f).map { s in
                                 SuppressionEntry(reason: s.reason, until: s.until, source: s.location.line.map { "\(s.location.path):\($0)" } ?? s.location.path,
                                                  origin: s.origin.rawValue)
                             }, rangeNote: f.rangeNote, kind: f.kind.rawValue, severitySource: f.severitySource)
                entry.underInvestigation = report.investigation(of: f).map { v in
                    SuppressionEntry(reason: v.reason, until: nil, source: v.location.path, origin: v.format.rawValue)
                }
                return entry
            } : nil,
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
            errors: report.errors.map(issue), warnings: report.warnings.map(issue),
            summary: Summary(
                complete: report.isComplete,
                packages: Dictionary(uniqueKeysWithValues: Ecosystem.allCases.map { ($0.rawValue, report.packageCounts()[$0] ?? 0) }),
                unidentified: report.unidentified.isEmpty ? nil : report.unidentified.count,
                findings: withFindings ? Dictionary(uniqueKeysWithValues: Severity.allCases.map { ($0.rawValue, report.findingCounts()[$0] ?? 0) }) : nil,
                suppressed: withFindings ? report.findings.count - report.activeFindings.count : nil,
                secrets: report.secrets.isEmpty ? nil : Dictionary(uniqueKeysWithValues: Severity.allCases.map { ($0.rawValue, report.secretCounts()[$0] ?? 0) }),
                secretsAllowed: report.secrets.isEmpty ? nil : report.secrets.count - report.activeSecrets.count,
                errors: report.errors.count, warnings: report.warnings.count))
        return try JSONOutput.encode(document)
    }

    private static func issue(_ i: ScanIssue) -> IssueEntry {
        IssueEntry(path: i.location.path, entry: i.location.entryChain.isEmpty ? nil : i.location.entryChain.joined(separator: "!/"),
                   line: i.location.line, message: i.message)
    }
}
