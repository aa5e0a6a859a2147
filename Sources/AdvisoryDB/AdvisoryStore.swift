import Foundation
import FnauditArchive
import FnauditModel
import GRDB

/// An advisory as the matcher and the reports need it.
public struct AdvisorySummary: Sendable, Hashable {
    public var rowID: Int64
    public var id: String
    public var aliases: [String]
    public var summary: String?
    public var severity: Severity
    public var cvssScore: Double?
    public var cvssVector: String?
    public var modified: String
    public var published: String?
    /// Reference URLs, advisory pages first.
    public var references: [String]
}

/// One `affected[]` entry, ready to evaluate.
public struct AffectedEntry: Sendable {
    public var advisoryRowID: Int64
    public var packageAsWritten: String
    public var versions: [String]
    public var ranges: [OSVRecord.Range]
    public var ignoredRanges: Int

    public init(advisoryRowID: Int64, packageAsWritten: String, versions: [String], ranges: [OSVRecord.Range], ignoredRanges: Int = 0) {
        self.advisoryRowID = advisoryRowID
        self.packageAsWritten = packageAsWritten
        self.versions = versions
        self.ranges = ranges
        self.ignoredRanges = ignoredRanges
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
}

/// `fnaudit db status`.
public struct DatabaseStatus: Sendable, Codable {
    public struct EcosystemCounts: Sendable, Codable {
        public var advisories: Int
        public var affectedPackages: Int
        public var withdrawn: Int
    }
    public var path: String
    public var schemaVersion: Int
    public var builtAt: String?
    public var importedAt: String?
    /// The newest date of the data (source commit dates, else newest `modified`).
    public var snapshotDate: String?
    public var sources: [SourceFile]
    public var counts: [String: EcosystemCounts]
    public var advisories: Int
    public var sizeBytes: Int64
}

/// Read-only access to the advisory database.
public final class AdvisoryStore: @unchecked Sendable {
    public let path: String
    let queue: DatabaseQueue

    static var readOnlyConfiguration: Configuration {
        var configuration = Configuration()
        configuration.readonly = true
        return configuration
    }

    public init(path: String) throws {
        self.path = path
        queue = try DatabaseQueue(path: path, configuration: AdvisoryStore.readOnlyConfiguration)
        let version = try queue.read { db -> Int? in
            guard try db.tableExists("metadata") else { return nil }
            return try String.fetchOne(db, sql: "SELECT value FROM metadata WHERE key = 'schema_version'").flatMap(Int.init)
        }
        guard version == AdvisorySchema.version else {
            throw RefreshError("\(path) has schema version \(version.map(String.init) ?? "none"), this fnaudit needs \(AdvisorySchema.version): rebuild it with `fnaudit db build`")
        }
    }

    /// The affected entries of non-withdrawn advisories naming these packages, keyed by normalised name.
    public func affectedEntries(ecosystem: Ecosystem, names: Set<String>) throws -> [String: [AffectedEntry]] {
        try queue.read { db in
            let statement = try db.cachedStatement(sql: """
                SELECT f.advisory_id, f.package_as_written, f.versions, f.ranges, f.ignored_ranges
                FROM affected f JOIN advisories a ON a.id = f.advisory_id
                WHERE f.ecosystem = ? AND f.package = ? AND a.withdrawn IS NULL
                """)
            var result: [String: [AffectedEntry]] = [:]
            for name in names {
                let rows = try Row.fetchCursor(statement, arguments: [ecosystem.rawValue, name])
                while let row = try rows.next() {
                    result[name, default: []].append(AffectedEntry(
                        advisoryRowID: row[0], packageAsWritten: row[1],
                        versions: AffectedEncoding.decode(versions: row[2]),
                        ranges: AffectedEncoding.decode(ranges: row[3]), ignoredRanges: row[4]))
                }
            }
            return result
        }
    }

    public func advisories(rowIDs: Set<Int64>) throws -> [Int64: AdvisorySummary] {
        try queue.read { db in
            let statement = try db.cachedStatement(sql: """
                SELECT id, osv_id, aliases, summary, severity, cvss_score, cvss_vector, modified, published, refs
                FROM advisories WHERE id = ?
                """)
            var result: [Int64: AdvisorySummary] = [:]
            for rowID in rowIDs {
                if let row = try Row.fetchOne(statement, arguments: [rowID]) {
                    result[rowID] = AdvisoryStore.summary(row)
                }
            }
            return result
        }
    }

    private static func summary(_ row: Row) -> AdvisorySummary {
        let aliases: String = row["aliases"]
        let severity: String = row["severity"]
        let refs: String = row["refs"]
        let references = refs.split(separator: "\n").map { line -> (String, String) in
            let parts = line.split(separator: "\t", maxSplits: 1)
            return (String(parts.first ?? ""), parts.count > 1 ? String(parts[1]) : "")
        }
        return AdvisorySummary(
            rowID: row["id"], id: row["osv_id"], aliases: aliases.isEmpty ? [] : aliases.split(separator: "\n").map(String.init),
            summary: row["summary"], severity: Severity(rawValue: severity) ?? .unknown, cvssScore: row["cvss_score"],
            cvssVector: row["cvss_vector"], modified: row["modified"], published: row["published"],
            references: references.filter { $0.0 == "ADVISORY" }.map(\.1) + references.filter { $0.0 != "ADVISORY" }.map(\.1))
    }

    /// An advisory by its id or any of its aliases (`GHSA-…`, `CVE-…`, `PYSEC-…`).
    public func detail(idOrAlias: String) throws -> [AdvisoryDetail] {
        try queue.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT * FROM advisories WHERE osv_id = ?1 COLLATE NOCASE
                   OR id IN (SELECT advisory_id FROM aliases WHERE alias = ?1 COLLATE NOCASE)
                ORDER BY osv_id
                """, arguments: [idOrAlias])
            return try rows.map { row in
                let rowID: Int64 = row["id"]
                let refs: String = row["refs"]
                let affected = try Row.fetchAll(db, sql: """
                    SELECT ecosystem, package_as_written, versions, ranges, ignored_ranges FROM affected WHERE advisory_id = ? ORDER BY id
                    """, arguments: [rowID]).compactMap { a -> (Ecosystem, AffectedEntry)? in
                    guard let ecosystem = Ecosystem(rawValue: a[0]) else { return nil }
                    return (ecosystem, AffectedEntry(advisoryRowID: rowID, packageAsWritten: a[1],
                                                     versions: AffectedEncoding.decode(versions: a[2]),
                                                     ranges: AffectedEncoding.decode(ranges: a[3]), ignoredRanges: a[4]))
                }
                let gz: Data? = row["record_gz"]
                let raw = gz.flatMap { try? Gzip.decompress([UInt8]($0)) }.map { String(decoding: $0, as: UTF8.self) }
                return AdvisoryDetail(
                    summary: AdvisoryStore.summary(row), details: row["details"], withdrawn: row["withdrawn"],
                    cvssVector: row["cvss_vector"], cvss4Vector: row["cvss4_vector"],
                    references: refs.split(separator: "\n").map { line in
                        let parts = line.split(separator: "\t", maxSplits: 1)
                        return (type: String(parts.first ?? ""), url: String(parts.count > 1 ? parts[1] : ""))
                    },
                    affected: affected.map { (ecosystem: $0.0, affected: $0.1) }, rawJSON: raw)
            }
        }
    }

    public func status() throws -> DatabaseStatus {
        try queue.read { db in
            var metadata: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT key, value FROM metadata") {
                let key: String = row[0]
                metadata[key] = row[1]
            }
            var counts: [String: DatabaseStatus.EcosystemCounts] = [:]
            for ecosystem in Ecosystem.allCases {
                let row = try Row.fetchOne(db, sql: """
                    SELECT COUNT(DISTINCT f.advisory_id), COUNT(*), COUNT(DISTINCT CASE WHEN a.withdrawn IS NOT NULL THEN a.id END)
                    FROM affected f JOIN advisories a ON a.id = f.advisory_id WHERE f.ecosystem = ?
                    """, arguments: [ecosystem.rawValue])
                let advisories: Int = row?[0] ?? 0
                let affectedPackages: Int = row?[1] ?? 0
                let withdrawn: Int = row?[2] ?? 0
                counts[ecosystem.rawValue] = .init(advisories: advisories, affectedPackages: affectedPackages, withdrawn: withdrawn)
            }
            let sources = try AdvisoryStore.sources(db)
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0
            return DatabaseStatus(
                path: path, schemaVersion: Int(metadata["schema_version"] ?? "") ?? 0, builtAt: metadata["built_at"],
                importedAt: metadata["imported_at"], snapshotDate: sources.compactMap(\.snapshotDate).max(),
                sources: sources, counts: counts,
                advisories: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM advisories") ?? 0, sizeBytes: size)
        }
    }
}

extension AdvisoryStore {
    /// Where the data came from, without the counts `status()` computes: what every scan reports.
    public func provenance() throws -> (sources: [SourceFile], snapshotDate: String?) {
        try queue.read { db in
            let sources = try AdvisoryStore.sources(db)
            return (sources, sources.compactMap(\.snapshotDate).max())
        }
    }

    static func sources(_ db: Database) throws -> [SourceFile] {
        var sources: [SourceFile] = []
        for row in try Row.fetchAll(db, sql: "SELECT * FROM sources ORDER BY id") {
            let name: String = row["name"]
            let sha256: String = row["sha256"]
            let records: Int = row["records"]
            sources.append(SourceFile(name: name, ecosystem: row["ecosystem"], sha256: sha256, records: records,
                                      origin: row["origin"], snapshotDate: row["snapshot_date"], license: row["license"]))
        }
        return sources
    }

    /// `id modified` of every advisory, sorted: a cheap fingerprint of a database's content.
    public func allAdvisoryIDsAndModifiedDates() throws -> [String] {
        try queue.read { db in
            try String.fetchAll(db, sql: "SELECT osv_id || ' ' || modified FROM advisories ORDER BY osv_id")
        }
    }
}
