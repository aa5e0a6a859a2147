import Foundation
import FnauditAdvisory
import FnauditArchive
import FnauditModel
import GRDB

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
    public var ecosystems: [EcosystemData]
    public var counts: [String: EcosystemCounts]
    public var advisories: Int
    public var sizeBytes: Int64
}

/// Read-only access to the advisory database. Rows are decoded with throwing accessors: a
/// database that is not fnaudit's (or is damaged) is an error with a message, never a trap.
public final class AdvisoryStore: AdvisorySource, @unchecked Sendable {
    public let path: String
    let queue: DatabaseQueue

    static var readOnlyConfiguration: Configuration {
        var configuration = Configuration()
        configuration.readonly = true
        return configuration
    }

    public init(path: String) throws {
        self.path = path
        let version: Int?
        do {
            queue = try DatabaseQueue(path: path, configuration: AdvisoryStore.readOnlyConfiguration)
            version = try queue.read { db -> Int? in
                guard try db.tableExists("metadata") else { return nil }
                let text: String? = try Row.fetchOne(db, sql: "SELECT value FROM metadata WHERE key = 'schema_version'")?.decode(atIndex: 0)
                return text.flatMap(Int.init)
            }
        } catch {
            throw RefreshError("\(path) is not an fnaudit advisory database (\(AdvisoryStore.describe(error))): rebuild it with `fnaudit db build`")
        }
        guard version == AdvisorySchema.version else {
            throw RefreshError("\(path) is not an fnaudit advisory database of schema \(AdvisorySchema.version) (schema version \(version.map(String.init) ?? "none")): rebuild it with `fnaudit db build`")
        }
    }

    /// SQLite's and GRDB's errors on one line, without the SQL they ran.
    static func describe(_ error: Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? "SQLite error \(error.resultCode.rawValue)" }
        return "\(error)".split(whereSeparator: \.isNewline).first.map(String.init) ?? "unreadable"
    }

    /// Runs a read, turning any failure (a damaged file, a wrong value in a row) into one `RefreshError` line.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try queue.read(body)
        } catch {
            throw RefreshError("\(path) cannot be read as an advisory database (\(AdvisoryStore.describe(error))): rebuild it with `fnaudit db build`")
        }
    }

    /// The affected entries of non-withdrawn advisories naming these packages, keyed by normalised name.
    public func affectedEntries(ecosystem: Ecosystem, names: Set<String>) throws -> [String: [AffectedEntry]] {
        try read { db in
            let statement = try db.cachedStatement(sql: """
                SELECT f.advisory_id, f.package_as_written, f.versions, f.ranges, f.ignored_ranges, f.database_specific
                FROM affected f JOIN advisories a ON a.id = f.advisory_id
                WHERE f.ecosystem = ? AND f.package = ? AND a.withdrawn IS NULL
                """)
            var result: [String: [AffectedEntry]] = [:]
            for name in names {
                let rows = try Row.fetchCursor(statement, arguments: [ecosystem.rawValue, name])
                while let row = try rows.next() {
                    result[name, default: []].append(try AdvisoryStore.affectedEntry(row, advisoryKey: row.decode(atIndex: 0)))
                }
            }
            return result
        }
    }

    public func advisories(keys: Set<Int64>) throws -> [Int64: AdvisorySummary] {
        try read { db in
            let statement = try db.cachedStatement(sql: """
                SELECT id, osv_id, aliases, summary, severity, severity_label, cvss_score, cvss_vector, cvss4_score, cvss4_vector,
                       modified, published, refs
                FROM advisories WHERE id = ?
                """)
            var result: [Int64: AdvisorySummary] = [:]
            for key in keys {
                if let row = try Row.fetchOne(statement, arguments: [key]) {
                    result[key] = try AdvisoryStore.summary(row)
                }
            }
            return result
        }
    }

    public func mavenNames(artifactId: String) throws -> [String] {
        try read { db in
            try String.fetchAll(db, sql: """
                SELECT DISTINCT package FROM affected WHERE ecosystem = 'Maven' AND substr(package, -length(?1) - 1) = ':' || ?1
                ORDER BY package
                """, arguments: [artifactId])
        }
    }

    private static func summary(_ row: Row) throws -> AdvisorySummary {
        let aliases: String = try row.decode(forColumn: "aliases")
        let severity: String = try row.decode(forColumn: "severity")
        return AdvisorySummary(
            key: try row.decode(forColumn: "id"), id: try row.decode(forColumn: "osv_id"),
            aliases: aliases.isEmpty ? [] : aliases.split(separator: "\n").map(String.init),
            summary: try row.decode(forColumn: "summary"), severity: Severity(rawValue: severity) ?? .unknown,
            severityLabel: (try row.decode(String?.self, forColumn: "severity_label")).flatMap(Severity.init(rawValue:)),
            cvssScore: try row.decode(forColumn: "cvss_score"), cvssVector: try row.decode(forColumn: "cvss_vector"),
            cvss4Score: try row.decode(forColumn: "cvss4_score"), cvss4Vector: try row.decode(forColumn: "cvss4_vector"),
            modified: try row.decode(forColumn: "modified"), published: try row.decode(forColumn: "published"),
            references: references(try row.decode(forColumn: "refs")))
    }

    /// `TYPE<TAB>url` lines.
    private static func references(_ text: String) -> [(type: String, url: String)] {
        text.split(separator: "\n").map { line in
            let parts = line.split(separator: "\t", maxSplits: 1)
            return (type: String(parts.first ?? ""), url: parts.count > 1 ? String(parts[1]) : "")
        }
    }

    /// Columns 1…5 of an `affected` query: package_as_written, versions, ranges, ignored_ranges, database_specific.
    private static func affectedEntry(_ row: Row, advisoryKey: Int64) throws -> AffectedEntry {
        AffectedEntry(advisoryKey: advisoryKey, packageAsWritten: try row.decode(atIndex: 1),
                      versions: AffectedEncoding.decode(versions: try row.decode(atIndex: 2)),
                      ranges: AffectedEncoding.decode(ranges: try row.decode(atIndex: 3)), ignoredRanges: try row.decode(atIndex: 4),
                      lastKnownAffected: AffectedEntry.lastKnownAffected(databaseSpecific: try row.decode(atIndex: 5)))
    }

    /// An advisory by its id or any of its aliases (`GHSA-…`, `CVE-…`, `PYSEC-…`).
    public func detail(idOrAlias: String) throws -> [AdvisoryDetail] {
        try read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT * FROM advisories WHERE osv_id = ?1 COLLATE NOCASE
                   OR id IN (SELECT advisory_id FROM aliases WHERE alias = ?1 COLLATE NOCASE)
                ORDER BY osv_id
                """, arguments: [idOrAlias])
            return try rows.map { row in
                let key: Int64 = try row.decode(forColumn: "id")
                let affected = try Row.fetchAll(db, sql: """
                    SELECT ecosystem, package_as_written, versions, ranges, ignored_ranges, database_specific FROM affected WHERE advisory_id = ? ORDER BY id
                    """, arguments: [key]).compactMap { a -> (ecosystem: Ecosystem, affected: AffectedEntry)? in
                    guard let ecosystem = Ecosystem(rawValue: try a.decode(atIndex: 0)) else { return nil }
                    return (ecosystem, try AdvisoryStore.affectedEntry(a, advisoryKey: key))
                }
                let gz: Data? = try row.decode(forColumn: "record_gz")
                let raw = gz.flatMap { try? Gzip.decompress([UInt8]($0)) }.map { String(decoding: $0, as: UTF8.self) }
                return AdvisoryDetail(
                    summary: try AdvisoryStore.summary(row), details: try row.decode(forColumn: "details"),
                    withdrawn: try row.decode(forColumn: "withdrawn"), cvssVector: try row.decode(forColumn: "cvss_vector"),
                    cvss4Vector: try row.decode(forColumn: "cvss4_vector"),
                    references: AdvisoryStore.references(try row.decode(forColumn: "refs")), affected: affected, rawJSON: raw)
            }
        }
    }

    public func status() throws -> DatabaseStatus {
        try read { db in
            var metadata: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT key, value FROM metadata") {
                metadata[try row.decode(atIndex: 0)] = try row.decode(atIndex: 1)
            }
            var counts: [String: DatabaseStatus.EcosystemCounts] = [:]
            for ecosystem in Ecosystem.allCases {
                let row = try Row.fetchOne(db, sql: """
                    SELECT COUNT(DISTINCT f.advisory_id), COUNT(*), COUNT(DISTINCT CASE WHEN a.withdrawn IS NOT NULL THEN a.id END)
                    FROM affected f JOIN advisories a ON a.id = f.advisory_id WHERE f.ecosystem = ?
                    """, arguments: [ecosystem.rawValue])
                let advisories: Int = try row?.decode(atIndex: 0) ?? 0
                let affectedPackages: Int = try row?.decode(atIndex: 1) ?? 0
                let withdrawn: Int = try row?.decode(atIndex: 2) ?? 0
                counts[ecosystem.rawValue] = .init(advisories: advisories, affectedPackages: affectedPackages, withdrawn: withdrawn)
            }
            let sources = try AdvisoryStore.sources(db)
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0
            return DatabaseStatus(
                path: path, schemaVersion: Int(metadata["schema_version"] ?? "") ?? 0, builtAt: metadata["built_at"],
                importedAt: metadata["imported_at"], snapshotDate: sources.compactMap(\.snapshotDate).max(),
                sources: sources, ecosystems: try EcosystemFreshness.read(db), counts: counts,
                advisories: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM advisories") ?? 0, sizeBytes: size)
        }
    }
}

extension AdvisoryStore {
    /// Where the data came from, without the counts `status()` computes: what every scan reports.
    public func provenance() throws -> AdvisoryProvenance {
        try read { db in AdvisoryProvenance(path: path, sources: try AdvisoryStore.sources(db), ecosystems: try EcosystemFreshness.read(db)) }
    }

    static func sources(_ db: Database) throws -> [SourceFile] {
        var sources: [SourceFile] = []
        for row in try Row.fetchAll(db, sql: "SELECT * FROM sources ORDER BY id") {
            sources.append(SourceFile(name: try row.decode(forColumn: "name"), ecosystem: try row.decode(forColumn: "ecosystem"),
                                      sha256: try row.decode(forColumn: "sha256"), records: try row.decode(forColumn: "records"),
                                      origin: try row.decode(forColumn: "origin"), snapshotDate: try row.decode(forColumn: "snapshot_date"),
                                      license: try row.decode(forColumn: "license")))
        }
        return sources
    }

    /// `id modified` of every advisory, sorted: a cheap fingerprint of a database's content.
    public func allAdvisoryIDsAndModifiedDates() throws -> [String] {
        try read { db in
            try String.fetchAll(db, sql: "SELECT osv_id || ' ' || modified FROM advisories ORDER BY osv_id")
        }
    }
}
