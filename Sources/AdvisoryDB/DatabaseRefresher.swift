import Foundation
import FnauditAdvisory
import FnauditArchive
import FnauditModel
import GRDB

/// Called as work advances: a phase name, units done, units in all.
public typealias ProgressHandler = @Sendable (_ phase: String, _ done: Int, _ total: Int) -> Void

/// What a build or import changed, per ecosystem.
public struct RefreshSummary: Sendable {
    public struct Counts: Sendable, Codable, Equatable {
        public var added = 0
        public var updated = 0
        public var unchanged = 0
        /// Added or updated records that are withdrawn (they never match).
        public var withdrawn = 0
        public init() {}
    }
    public var counts: [Ecosystem: Counts] = [:]
    /// Valid records that name no npm, PyPI or Maven package.
    public var ignored = 0
    /// Files and records that could not be used: each was skipped and the rest imported.
    public var problems: [ImportProblem] = []
    /// Records imported with a lenient reading of one of their parts.
    public var notes: [ImportProblem] = []
    public var advisories = 0
    public var affectedEntries = 0
    public var sources: [SourceFile] = []

    public var skipped: Int { problems.count }
}

public struct RefreshError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Builds and refreshes the advisory database atomically.
///
/// All writing happens in a temporary file beside the database. It replaces the database by a
/// `rename(2)` only after `PRAGMA integrity_check` passes and the row counts are what was
/// written, so a refresh that fails or is killed at any point leaves the previous database as
/// it was. Scans that have the old file open keep reading it: a rename never touches an open file.
public enum DatabaseRefresher {
    public enum Mode: Sendable { case build, importing }

    /// Creates the database anew from `inputs` (zips, folders or records).
    public static func build(databasePath: String, inputs: [String], manifest: SnapshotManifest? = nil,
                             progress: ProgressHandler? = nil) throws -> RefreshSummary {
        try refresh(.build, databasePath: databasePath, inputs: inputs, manifest: manifest, progress: progress)
    }

    /// Merges newer exports into the existing database: new and changed records replace old
    /// ones (compared by content hash, never by `modified` alone); records missing from the
    /// export are kept, because an export may be partial.
    public static func importExports(databasePath: String, inputs: [String],
                                     progress: ProgressHandler? = nil) throws -> RefreshSummary {
        try refresh(.importing, databasePath: databasePath, inputs: inputs, manifest: nil, progress: progress)
    }

    static func refresh(_ mode: Mode, databasePath: String, inputs: [String], manifest: SnapshotManifest?,
                        progress: ProgressHandler?) throws -> RefreshSummary {
        let directory = (databasePath as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory.isEmpty ? "." : directory, withIntermediateDirectories: true)
        let lock = try RefreshLock(databasePath: databasePath)
        defer { lock.release() }
        TemporaryFiles.removeStale(besides: databasePath)

        var summary = RefreshSummary()
        var documents: [OSVDocument] = []
        for input in inputs {
            OSVSource.read(path: input, into: &documents, sources: &summary.sources, problems: &summary.problems)
        }
        if let manifest { manifest.annotate(&summary.sources) }

        // Documents whose exact bytes are already in the database need no parsing at all.
        let rawHashes = hashInParallel(documents)
        var alreadyStored: [Data: Set<Ecosystem>] = [:]
        if mode == .importing && FileManager.default.fileExists(atPath: databasePath) {
            alreadyStored = try storedRawHashes(databasePath)
        }
        var unchanged: [Set<Ecosystem>] = []
        var toParse: [OSVDocument] = []
        var toParseHashes: [Data] = []
        for (document, hash) in zip(documents, rawHashes) {
            if let ecosystems = alreadyStored[hash] {
                unchanged.append(ecosystems)
            } else {
                toParse.append(document)
                toParseHashes.append(hash)
            }
        }
        let parsed = parseInParallel(toParse, progress: progress)
        for ecosystems in unchanged {
            for ecosystem in ecosystems { summary.counts[ecosystem, default: .init()].unchanged += 1 }
        }
        if mode == .importing && FileManager.default.fileExists(atPath: databasePath),
           try !anythingToWrite(parsed, databasePath: databasePath) {
            // Nothing new: leave the database file alone.
            for case .success(let record) in parsed where !record.affected.isEmpty {
                for ecosystem in Set(record.affected.map(\.ecosystem)) { summary.counts[ecosystem, default: .init()].unchanged += 1 }
            }
            for case .failure(let problem) in parsed { summary.problems.append(problem) }
            summary.ignored = parsed.filter { if case .success(let r) = $0 { return r.affected.isEmpty } else { return false } }.count
            let store = try AdvisoryStore(path: databasePath)
            let status = try store.status()
            summary.advisories = status.advisories
            summary.affectedEntries = status.counts.values.reduce(0) { $0 + $1.affectedPackages }
            return summary
        }

        let temporary = TemporaryFiles.path(besides: databasePath)
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        if mode == .importing && FileManager.default.fileExists(atPath: databasePath) {
            // A consistent copy, even while scans read the original.
            let original = try DatabaseQueue(path: databasePath, configuration: AdvisoryStore.readOnlyConfiguration)
            try original.inDatabase { db in try db.execute(sql: "VACUUM INTO ?", arguments: [temporary]) }
            try original.close()
        }
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            // The temporary file is thrown away on any failure, so it needs no journal.
            try db.execute(sql: "PRAGMA journal_mode = OFF")
            try db.execute(sql: "PRAGMA synchronous = OFF")
        }
        let queue = try DatabaseQueue(path: temporary, configuration: configuration)
        let sourcesSnapshot = summary.sources
        let outcome = try queue.write { db -> (RefreshSummary, Int) in
            if try !db.tableExists("advisories") { try AdvisorySchema.create(db) }
            let advisoriesBefore = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM advisories") ?? 0
            var local = RefreshSummary()
            local.counts = summary.counts
            var writer = try RecordWriter(db)
            for (index, result) in parsed.enumerated() {
                switch result {
                case .failure(let problem):
                    local.problems.append(problem)
                case .success(let record):
                    for repair in record.repairs {
                        local.notes.append(ImportProblem(file: record.id, message: repair))
                    }
                    if record.affected.isEmpty {
                        local.ignored += 1
                        continue
                    }
                    let change = try writer.upsert(record, rawSHA256: toParseHashes[index])
                    for ecosystem in Set(record.affected.map(\.ecosystem)) {
                        var counts = local.counts[ecosystem, default: .init()]
                        switch change {
                        case .added: counts.added += 1
                        case .updated: counts.updated += 1
                        case .unchanged: counts.unchanged += 1
                        }
                        if change != .unchanged && record.withdrawn != nil { counts.withdrawn += 1 }
                        local.counts[ecosystem] = counts
                    }
                }
                if index % 256 == 0 { progress?("writing", index, parsed.count) }
            }
            progress?("writing", parsed.count, parsed.count)
            let now = ISO8601DateFormatter().string(from: Date())
            for source in sourcesSnapshot {
                try db.execute(sql: """
                    INSERT INTO sources (operation, name, ecosystem, sha256, records, origin, snapshot_date, license, added_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [mode == .build ? "build" : "import", source.name, source.ecosystem, source.sha256,
                                     source.records, source.origin, source.snapshotDate ?? writer.newestModified,
                                     source.license, now])
            }
            try setMetadata(db, "schema_version", String(AdvisorySchema.version))
            try setMetadata(db, mode == .build ? "built_at" : "imported_at", now)
            let advisoriesAfter = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM advisories") ?? 0
            guard advisoriesAfter == advisoriesBefore + writer.addedRecords else {
                throw RefreshError("advisory count is \(advisoriesAfter), expected \(advisoriesBefore + writer.addedRecords): not replacing the database")
            }
            return (local, advisoriesAfter)
        }
        summary.counts = outcome.0.counts
        summary.ignored = outcome.0.ignored
        summary.problems += outcome.0.problems
        summary.notes = outcome.0.notes
        summary.advisories = outcome.1

        // Verify the finished file before it may replace anything.
        try queue.inDatabase { db in
            let check = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            guard check == ["ok"] else {
                throw RefreshError("integrity check failed (\(check.prefix(3).joined(separator: "; "))): not replacing the database")
            }
            summary.affectedEntries = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM affected") ?? 0
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM advisories") ?? -1
            guard count == summary.advisories else { throw RefreshError("advisory count changed during verification") }
            try db.execute(sql: "PRAGMA journal_mode = DELETE")
        }
        try queue.close()
        try TemporaryFiles.syncAndReplace(temporary: temporary, destination: databasePath)
        return summary
    }

    private static func setMetadata(_ db: Database, _ key: String, _ value: String) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO metadata (key, value) VALUES (?, ?)", arguments: [key, value])
    }

    /// Raw hash -> ecosystems of every record in the database.
    static func storedRawHashes(_ path: String) throws -> [Data: Set<Ecosystem>] {
        let queue = try DatabaseQueue(path: path, configuration: AdvisoryStore.readOnlyConfiguration)
        defer { try? queue.close() }
        return try queue.read { db in
            var result: [Data: Set<Ecosystem>] = [:]
            let rows = try Row.fetchCursor(db, sql: """
                SELECT a.raw_sha256, f.ecosystem FROM advisories a JOIN affected f ON f.advisory_id = a.id
                """)
            while let row = try rows.next() {
                let hash: Data = try row.decode(atIndex: 0)
                let name: String = try row.decode(atIndex: 1)
                if let ecosystem = Ecosystem(rawValue: name) { result[hash, default: []].insert(ecosystem) }
            }
            return result
        }
    }

    /// Whether any parsed record is new or differs in content from the stored one.
    static func anythingToWrite(_ parsed: [Result<OSVRecord, ImportProblem>], databasePath: String) throws -> Bool {
        let queue = try DatabaseQueue(path: databasePath, configuration: AdvisoryStore.readOnlyConfiguration)
        defer { try? queue.close() }
        return try queue.read { db in
            let find = try db.makeStatement(sql: "SELECT content_sha256 FROM advisories WHERE osv_id = ?")
            for case .success(let record) in parsed where !record.affected.isEmpty {
                guard let stored = try Data.fetchOne(find, arguments: [record.id]),
                      stored == OSVSource.sha256(record.canonicalJSON) else { return true }
            }
            return false
        }
    }

    static func hashInParallel(_ documents: [OSVDocument]) -> [Data] {
        parallelMap(documents.count, chunk: 256) { OSVSource.sha256(documents[$0].bytes) }
    }

    /// Parses every document on all cores; order is kept so results are deterministic.
    static func parseInParallel(_ documents: [OSVDocument], progress: ProgressHandler?) -> [Result<OSVRecord, ImportProblem>] {
        let done = SharedCounter()
        return parallelMap(documents.count) { i -> Result<OSVRecord, ImportProblem> in
            let document = documents[i]
            defer {
                let finished = done.increment()
                if finished % 64 == 0 || finished == documents.count { progress?("reading", finished, documents.count) }
            }
            do {
                return .success(try OSVRecord.parse(document.bytes))
            } catch {
                return .failure(ImportProblem(file: document.displayName, message: "\(error) (record skipped)"))
            }
        }
    }
}

/// Writes records into an open database with prepared statements.
struct RecordWriter {
    enum Change { case added, updated, unchanged }

    private let db: Database
    private let findStatement: Statement
    private let insertAdvisory: Statement
    private let insertAlias: Statement
    private let insertAffected: Statement
    private(set) var addedRecords = 0
    /// The newest plausible `modified` seen: the date of data that names no commit.
    private(set) var newestModified: String?

    init(_ db: Database) throws {
        self.db = db
        findStatement = try db.makeStatement(sql: "SELECT id, content_sha256 FROM advisories WHERE osv_id = ?")
        insertAdvisory = try db.makeStatement(sql: """
            INSERT INTO advisories (osv_id, modified, published, withdrawn, summary, details, severity, severity_label, cvss_score,
                                    cvss_vector, cvss4_score, cvss4_vector, aliases, refs, content_sha256, raw_sha256, record_gz)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        insertAlias = try db.makeStatement(sql: "INSERT OR IGNORE INTO aliases (alias, advisory_id) VALUES (?, ?)")
        insertAffected = try db.makeStatement(sql: """
            INSERT INTO affected (advisory_id, ecosystem, package, package_as_written, versions, ranges, ignored_ranges,
                                  ecosystem_specific, database_specific)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
    }

    mutating func upsert(_ record: OSVRecord, rawSHA256: Data) throws -> Change {
        noteModified(record.modified)
        let hash = OSVSource.sha256(record.canonicalJSON)
        var kind = Change.added
        if let row = try Row.fetchOne(findStatement, arguments: [record.id]) {
            let id: Int64 = try row.decode(forColumn: "id")
            let existingHash: Data = try row.decode(forColumn: "content_sha256")
            if existingHash == hash {
                // Same content, new bytes (reformatted export): remember the new bytes' hash.
                try db.execute(sql: "UPDATE advisories SET raw_sha256 = ? WHERE id = ?", arguments: [rawSHA256, id])
                return .unchanged
            }
            try db.execute(sql: "DELETE FROM affected WHERE advisory_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM aliases WHERE advisory_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM advisories WHERE id = ?", arguments: [id])
            kind = .updated
        } else {
            addedRecords += 1
        }
        let compressed = try Gzip.compress(record.canonicalJSON)
        try insertAdvisory.execute(arguments: [
            record.id, record.modified, record.published, record.withdrawn, record.summary, record.details,
            record.severity.rawValue, record.severityLabel?.rawValue, record.cvssScore, record.cvssVector, record.cvss4Score, record.cvss4Vector,
            record.aliases.joined(separator: "\n"),
            record.references.map { "\($0.type)\t\($0.url)" }.joined(separator: "\n"),
            hash, rawSHA256, Data(compressed),
        ])
        let advisoryID = db.lastInsertedRowID
        for alias in record.aliases where alias != record.id {
            try insertAlias.execute(arguments: [alias, advisoryID])
        }
        for affected in record.affected {
            try insertAffected.execute(arguments: [
                advisoryID, affected.ecosystem.rawValue, affected.ecosystem.normalizedName(affected.name), affected.name,
                AffectedEncoding.encode(versions: affected.versions), AffectedEncoding.encode(ranges: affected.ranges),
                affected.ignoredRanges, affected.ecosystemSpecific, affected.databaseSpecific,
            ])
        }
        return kind
    }

    /// Ignores placeholder dates (`0001-01-01`) and dates in the future, both seen in real exports.
    private mutating func noteModified(_ modified: String) {
        guard modified.count >= 10, modified >= "1990", modified <= RecordWriter.tomorrow else { return }
        if newestModified.map({ modified > $0 }) ?? true { newestModified = modified }
    }

    private static let tomorrow = ISO8601DateFormatter().string(from: Date().addingTimeInterval(86_400))
}
