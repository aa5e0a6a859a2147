import Foundation
import FnauditModel

/// An advisory as the matcher and the reports need it.
public struct AdvisorySummary: Sendable, Hashable {
    /// The source's own handle for the advisory (a database row id); stable within one source.
    public var key: Int64
    public var id: String
    public var aliases: [String]
    public var summary: String?
    /// Its own severity (CVSS v3, else v4, else label); `severityLabel` and the scores say why.
    public var severity: Severity
    public var severityLabel: Severity?
    public var cvssScore: Double?
    public var cvssVector: String?
    public var cvss4Score: Double?
    public var cvss4Vector: String?
    public var modified: String
    public var published: String?
    /// Reference URLs, advisory pages first.
    public var references: [String]

    public init(key: Int64, id: String, aliases: [String], summary: String?, severity: Severity, severityLabel: Severity?,
                cvssScore: Double?, cvssVector: String?, cvss4Score: Double?, cvss4Vector: String?, modified: String,
                published: String?, references: [(type: String, url: String)]) {
        self.key = key
        self.id = id
        self.aliases = aliases
        self.summary = summary
        self.severity = severity
        self.severityLabel = severityLabel
        self.cvssScore = cvssScore
        self.cvssVector = cvssVector
        self.cvss4Score = cvss4Score
        self.cvss4Vector = cvss4Vector
        self.modified = modified
        self.published = published
        self.references = references.filter { $0.type == "ADVISORY" }.map(\.url) + references.filter { $0.type != "ADVISORY" }.map(\.url)
    }

    public init(key: Int64, record: OSVRecord) {
        self.init(key: key, id: record.id, aliases: record.aliases, summary: record.summary, severity: record.severity,
                  severityLabel: record.severityLabel, cvssScore: record.cvssScore, cvssVector: record.cvssVector,
                  cvss4Score: record.cvss4Score, cvss4Vector: record.cvss4Vector, modified: record.modified,
                  published: record.published, references: record.references)
    }
}

/// One `affected[]` entry, ready to evaluate.
public struct AffectedEntry: Sendable {
    /// `AdvisorySummary.key` of the advisory it belongs to.
    public var advisoryKey: Int64
    public var packageAsWritten: String
    public var versions: [String]
    public var ranges: [OSVRecord.Range]
    public var ignoredRanges: Int
    /// GHSA's `database_specific.last_known_affected_version_range` (`< 4.0.0`): where the
    /// curators believe affected versions end, when the ranges themselves leave it open.
    public var lastKnownAffected: String?

    public init(advisoryKey: Int64, packageAsWritten: String, versions: [String], ranges: [OSVRecord.Range], ignoredRanges: Int = 0,
                lastKnownAffected: String? = nil) {
        self.advisoryKey = advisoryKey
        self.packageAsWritten = packageAsWritten
        self.versions = versions
        self.ranges = ranges
        self.ignoredRanges = ignoredRanges
        self.lastKnownAffected = lastKnownAffected
    }

    /// The hint from an entry's `database_specific` JSON, if it has one.
    public static func lastKnownAffected(databaseSpecific json: String?) -> String? {
        guard let json, json.contains("last_known_affected_version_range"),
              let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
              let value = object["last_known_affected_version_range"] as? String, !value.isEmpty else { return nil }
        return value
    }
}

/// Everything `fnaudit explain` shows.
public struct AdvisoryDetail: Sendable {
    public var summary: AdvisorySummary
    public var details: String?
    public var withdrawn: String?
    public var cvssVector: String?
    public var cvss4Vector: String?
    public var references: [(type: String, url: String)]
    public var affected: [(ecosystem: Ecosystem, affected: AffectedEntry)]
    /// The canonical OSV JSON as imported.
    public var rawJSON: String?

    public init(summary: AdvisorySummary, details: String?, withdrawn: String?, cvssVector: String?, cvss4Vector: String?,
                references: [(type: String, url: String)], affected: [(ecosystem: Ecosystem, affected: AffectedEntry)], rawJSON: String?) {
        self.summary = summary
        self.details = details
        self.withdrawn = withdrawn
        self.cvssVector = cvssVector
        self.cvss4Vector = cvss4Vector
        self.references = references
        self.affected = affected
        self.rawJSON = rawJSON
    }
}

/// What matching reads advisories through: the SQLite database in production, records in
/// memory in tests (and anywhere a handful of records is enough).
public protocol AdvisorySource: Sendable {
    /// The affected entries of non-withdrawn advisories naming these packages (normalised names), keyed by name.
    func affectedEntries(ecosystem: Ecosystem, names: Set<String>) throws -> [String: [AffectedEntry]]
    /// The advisories with these keys.
    func advisories(keys: Set<Int64>) throws -> [Int64: AdvisorySummary]
    /// Every Maven `groupId:artifactId` the advisories name with this artifactId.
    func mavenNames(artifactId: String) throws -> [String]
}

/// Parsed OSV records held in memory.
public struct InMemoryAdvisorySource: AdvisorySource {
    private let summaries: [Int64: AdvisorySummary]
    private let entries: [Ecosystem: [String: [AffectedEntry]]]

    public init(_ records: [OSVRecord]) {
        var summaries: [Int64: AdvisorySummary] = [:]
        var entries: [Ecosystem: [String: [AffectedEntry]]] = [:]
        for (index, record) in records.enumerated() where record.withdrawn == nil {
            let key = Int64(index + 1)
            summaries[key] = AdvisorySummary(key: key, record: record)
            for affected in record.affected {
                entries[affected.ecosystem, default: [:]][affected.ecosystem.normalizedName(affected.name), default: []].append(
                    AffectedEntry(advisoryKey: key, packageAsWritten: affected.name, versions: affected.versions,
                                  ranges: affected.ranges, ignoredRanges: affected.ignoredRanges,
                                  lastKnownAffected: AffectedEntry.lastKnownAffected(databaseSpecific: affected.databaseSpecific)))
            }
        }
        self.summaries = summaries
        self.entries = entries
    }

    public func affectedEntries(ecosystem: Ecosystem, names: Set<String>) throws -> [String: [AffectedEntry]] {
        (entries[ecosystem] ?? [:]).filter { names.contains($0.key) }
    }

    public func advisories(keys: Set<Int64>) throws -> [Int64: AdvisorySummary] {
        summaries.filter { keys.contains($0.key) }
    }

    public func mavenNames(artifactId: String) throws -> [String] {
        (entries[.maven] ?? [:]).keys.filter { $0.hasSuffix(":" + artifactId) }.sorted()
    }
}
