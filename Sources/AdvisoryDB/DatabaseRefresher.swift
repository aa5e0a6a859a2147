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

    /// Records parsed and written together: bounds memory whatever the size of the export.
    static let batchSize = 2_048

    static func refresh(_ mode: Mode, databasePath: String, inputs: [String], manifest: SnapshotManifest?,
                        progress: ProgressHandler?) throws -> RefreshSummary {
        let directory = (databasePath as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory.isEmpty ? "." : directory, withIntermediateDirectories: true)
        let lock = try RefreshLock(databasePath: databasePath)
        defer { lock.release() }
        TemporaryFiles.removeStale(besides: databasePath)

        var summary = RefreshSummary()
        let importing = mode == .importing && FileManager.default.fileExists(atPath: databasePath)
        // Documents whose exact bytes are already in the database need no parsing at all.
        let stored = importing ? try storedRawHashes(databasePath) : [:]
        let original = importing ? try DatabaseQueue(path: databasePath, configuration: AdvisoryStore.readOnlyConfiguration) : nil
        defer { try? original?.close() }
        let temporary = TemporaryFiles.path(besides: databasePath)
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        // The copy is made when the first record needs writing: an import that changes nothing leaves the file alone.
        var output: RefreshOutput?
        var read = 0
        var sources: [SourceFile] = [], readProblems: [ImportProblem] = []
        var origins: [Ecosystem: Set<String>] = [:]   // which inputs carried each ecosystem's records
        try OSVSource.stream(inputs, batchSize: batchSize, sources: &sources, problems: &readProblems) { batch in
            read += batch.count
            progress?("reading", read, 0)
            let hashes = hashInParallel(batch)
            var todo: [Int] = []
            for index in batch.indices {
                if let ecosystems = stored[hashes[index]] {
                    for ecosystem in Ecosystem.allCases where ecosystems & ecosystem.bit != 0 {
                        summary.counts[ecosystem, default: .init()].unchanged += 1
                        origins[ecosystem, default: []].insert(batch[index].source)
                    }
                } else {
                    todo.append(index)
                }
            }
            guard !todo.isEmpty else { return }
            let parsed = parseInParallel(todo.map { batch[$0] })
            var writes: [(OSVRecord, Data)] = []
            for (position, result) in parsed.enumerated() {
                switch result {
                case .failure(let problem):
                    summary.problems.append(problem)
                case .success(let record):
                    for repair in record.repairs { summary.notes.append(ImportProblem(file: record.id, message: repair)) }
                    if record.affected.isEmpty { summary.ignored += 1 } else { writes.append((record, hashes[todo[position]])) }
                    for affected in record.affected { origins[affected.ecosystem, default: []].insert(batch[todo[position]].source) }
                }
            }
            if output == nil, let original {
                // Reformatted but equal records alone are no reason to rewrite the database.
                let changed = try original.read { db in
                    try writes.contains { record, _ in
                        try Data.fetchOne(db, sql: "SELECT content_sha256 FROM advisories WHERE osv_id = ?", arguments: [record.id])
                            != OSVSource.sha256(record.canonicalJSON)
                    }
                }
                if !changed {
                    for (record, _) in writes {
                        for ecosystem in Set(record.affected.map(\.ecosystem)) { summary.counts[ecosystem, default: .init()].unchanged += 1 }
                    }
                    return
                }
            }
            if output == nil { output = try RefreshOutput(temporary: temporary, copying: importing ? databasePath : nil) }
            try output?.write(writes, into: &summary)
        }
        summary.sources = sources
        summary.problems = readProblems + summary.problems
        if manifest != nil { manifest?.annotate(&summary.sources) }
        guard let output = try output ?? (importing ? nil : RefreshOutput(temporary: temporary, copying: nil)) else {
            // Nothing new: the database file is left as it was.
            let status = try AdvisoryStore(path: databasePath).status()
            summary.advisories = status.advisories
            summary.affectedEntries = status.counts.values.reduce(0) { $0 + $1.affectedPackages }
            return summary
        }
        progress?("writing", read, read)
        try output.finish(mode: mode, origins: origins, into: &summary)
        try TemporaryFiles.syncAndReplace(temporary: temporary, destination: databasePath)
        return summary
    }

    /// Raw hash -> ecosystems (as `Ecosystem.bit`s) of every record in the database.
    static func storedRawHashes(_ path: String) throws -> [Data: UInt8] {
        let queue = try DatabaseQueue(path: path, configuration: AdvisoryStore.readOnlyConfiguration)
        defer { try? queue.close() }
        return try queue.read { db in
            var result: [Data: UInt8] = [:]
            let rows = try Row.fetchCursor(db, sql: """
                SELECT a.raw_sha256, f.ecosystem FROM advisories a JOIN affected f ON f.advisory_id = a.id
                """)
            while let row = try rows.next() {
                let hash: Data = try row.decode(atIndex: 0)
                let name: String = try row.decode(atIndex: 1)
                if let ecosystem = Ecosystem(rawValue: name) { result[hash, default: 0] |= ecosystem.bit }
            }
            return result
        }
    }

    static func hashInParallel(_ documents: [OSVDocument]) -> [Data] {
        parallelMap(documents.count, chunk: 256) { OSVSource.sha256(documents[$0].bytes) }
    }

    /// Parses every document on all cores; order is kept so results are deterministic.
    static func parseInParallel(_ documents: [OSVDocument]) -> [Result<OSVRecord, ImportProblem>] {
        parallelMap(documents.count) { i -> Result<OSVRecord, ImportProblem> in
            let document = documents[i]
            do {
                return .success(try OSVRecord.parse(document.bytes))
            } catch {
                return .failure(ImportProblem(file: document.displayName, message: "\(error) (record skipped)"))
            }
        }
    }
}

/// The temporary database a refresh writes, batch by batch, before it may replace the real one.
final class RefreshOutput {
    let queue: DatabaseQueue
    private let advisoriesBefore: Int
    private var writer = RecordWriter()

    /// A new file, or a consistent copy of `copying` (even while scans read the original).
    init(temporary: String, copying original: String?) throws {
        if let original {
            let source = try DatabaseQueue(path: original, configuration: AdvisoryStore.readOnlyConfiguration)
            try source.inDatabase { db in try db.execute(sql: "VACUUM INTO ?", arguments: [temporary]) }
            try source.close()
        }
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            // The temporary file is thrown away on any failure, so it needs no journal.
            try db.execute(sql: "PRAGMA journal_mode = OFF")
            try db.execute(sql: "PRAGMA synchronous = OFF")
        }
        queue = try DatabaseQueue(path: temporary, configuration: configuration)
        advisoriesBefore = try queue.write { db -> Int in
            if try !db.tableExists("advisories") { try AdvisorySchema.create(db) }
            return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM advisories") ?? 0
        }
    }

    func write(_ records: [(OSVRecord, Data)], into summary: inout RefreshSummary) throws {
        try queue.write { db in
            for (record, rawSHA256) in records {
                let change = try writer.upsert(record, rawSHA256: rawSHA256, db)
                for ecosystem in Set(record.affected.map(\.ecosystem)) {
                    var counts = summary.counts[ecosystem, default: .init()]
                    switch change {
                    case .added: counts.added += 1
                    case .updated: counts.updated += 1
                    case .unchanged: counts.unchanged += 1
                    }
                    if change != .unchanged && record.withdrawn != nil { counts.withdrawn += 1 }
                    summary.counts[ecosystem] = counts
                }
            }
        }
    }

    /// Provenance, each ecosystem's freshness, the metadata; then checks that must pass before the swap.
    func finish(mode: DatabaseRefresher.Mode, origins: [Ecosystem: Set<String>], into summary: inout RefreshSummary) throws {
        let now = ISO8601DateFormatter().string(from: Date())
        let sources = summary.sources
        try queue.write { db in
            for source in sources {
                try db.execute(sql: """
                    INSERT INTO sources (operation, name, ecosystem, sha256, records, origin, snapshot_date, license, added_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [mode == .build ? "build" : "import", source.name, source.ecosystem, source.sha256,
                                     source.records, source.origin, source.snapshotDate ?? writer.newestModified,
                                     source.license, now])
            }
            try EcosystemFreshness.record(db, origins: origins, at: now)
            try db.execute(sql: "INSERT OR REPLACE INTO metadata (key, value) VALUES ('schema_version', ?)", arguments: [String(AdvisorySchema.version)])
            try db.execute(sql: "INSERT OR REPLACE INTO metadata (key, value) VALUES (?, ?)", arguments: [mode == .build ? "built_at" : "imported_at", now])
            let after = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM advisories") ?? 0
            guard after == advisoriesBefore + writer.addedRecords else {
                throw RefreshError("advisory count is \(after), expected \(advisoriesBefore + writer.addedRecords): not replacing the database")
            }
            summary.advisories = after
        }
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
    }
}

/// Writes records into an open database with cached prepared statements.
struct RecordWriter {
    enum Change { case added, updated, unchanged }

    private(set) var addedRecords = 0
    /// The newest plausible `modified` seen: the date of data that names no commit.
    private(set) var newestModified: String?

    mutating func upsert(_ record: OSVRecord, rawSHA256: Data, _ db: Database) throws -> Change {
        noteModified(record.modified)
        let hash = OSVSource.sha256(record.canonicalJSON)
        var kind = Change.added
        if let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT id, content_sha256 FROM advisories WHERE osv_id = ?"), arguments: [record.id]) {
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
        try db.cachedStatement(sql: """
            INSERT INTO advisories (osv_id, modified, published, withdrawn, summary, details, severity, severity_label, cvss_score,
                                    cvss_vector, cvss4_score, cvss4_vector, aliases, refs, content_sha256, raw_sha256, record_gz)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
            record.id, record.modified, record.published, record.withdrawn, record.summary, record.details,
            record.severity.rawValue, record.severityLabel?.rawValue, record.cvssScore, record.cvssVector, record.cvss4Score, record.cvss4Vector,
            record.aliases.joined(separator: "\n"),
            record.references.map { "\($0.type)\t\($0.url)" }.joined(separator: "\n"),
            hash, rawSHA256, Data(compressed),
        ])
        let advisoryID = db.lastInsertedRowID
        for alias in record.aliases where alias != record.id {
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO aliases (alias, advisory_id) VALUES (?, ?)").execute(arguments: [alias, advisoryID])
        }
        for affected in record.affected {
            try db.cachedStatement(sql: """
                INSERT INTO affected (advisory_id, ecosystem, package, package_as_written, versions, ranges, ignored_ranges,
                                      ecosystem_specific, database_specific)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [
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

    static let tomorrow = ISO8601DateFormatter().string(from: Date().addingTimeInterval(86_400))
}
