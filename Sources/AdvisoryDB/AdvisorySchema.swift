import FnauditAdvisory
import GRDB

/// The SQLite schema of the advisory database (documented in Docs/DATABASE.md).
///
/// Laid out for the matcher's one question, "which advisories name this package?": one
/// indexed lookup on `affected (ecosystem, package)`, whose row carries the explicit versions
/// and ranges in a line-based form that needs no JSON parsing.
enum AdvisorySchema {
    /// Bumped on any change; an older database is rebuilt from the shipped snapshot.
    static let version = 2

    static let statements = [
        """
        CREATE TABLE metadata (
            key   TEXT PRIMARY KEY NOT NULL,
            value TEXT NOT NULL
        ) WITHOUT ROWID
        """,
        """
        CREATE TABLE sources (
            id            INTEGER PRIMARY KEY,
            operation     TEXT NOT NULL,          -- build | import
            name          TEXT NOT NULL,          -- the file as given (VulnDB/PyPI/all.zip, …)
            ecosystem     TEXT,
            sha256        TEXT NOT NULL,
            records       INTEGER NOT NULL,
            origin        TEXT,                   -- source repository and commit, when known
            snapshot_date TEXT,                   -- date of the data
            license       TEXT,
            added_at      TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE advisories (
            id             INTEGER PRIMARY KEY,
            osv_id         TEXT NOT NULL UNIQUE,
            modified       TEXT NOT NULL,
            published      TEXT,
            withdrawn      TEXT,
            summary        TEXT,
            details        TEXT,
            severity       TEXT NOT NULL,         -- LOW | MEDIUM | HIGH | CRITICAL | UNKNOWN: CVSS v3, else v4, else label
            severity_label TEXT,                  -- database_specific.severity as a band, when the record has one
            cvss_score     REAL,                  -- CVSS v3 base score, computed from cvss_vector
            cvss_vector    TEXT,
            cvss4_score    REAL,                  -- CVSS v4.0 score, computed from cvss4_vector
            cvss4_vector   TEXT,
            aliases        TEXT NOT NULL,         -- one per line
            refs           TEXT NOT NULL,         -- "TYPE<TAB>url", one per line
            content_sha256 BLOB NOT NULL,         -- of the canonical (sorted-key) JSON
            raw_sha256     BLOB NOT NULL,         -- of the bytes as exported: spots unchanged records unparsed
            record_gz      BLOB NOT NULL          -- the canonical JSON, gzip-compressed
        )
        """,
        """
        CREATE TABLE aliases (
            alias       TEXT NOT NULL,
            advisory_id INTEGER NOT NULL,
            PRIMARY KEY (alias, advisory_id)
        ) WITHOUT ROWID
        """,
        "CREATE INDEX aliases_by_advisory ON aliases (advisory_id)",
        """
        CREATE TABLE affected (
            id                 INTEGER PRIMARY KEY,
            advisory_id        INTEGER NOT NULL,
            ecosystem          TEXT NOT NULL,     -- npm | PyPI | Maven
            package            TEXT NOT NULL,     -- normalised name (PEP 503 for PyPI)
            package_as_written TEXT NOT NULL,
            versions           TEXT NOT NULL,     -- explicit affected versions, one per line
            ranges             TEXT NOT NULL,     -- "TYPE<TAB>event<TAB>version…", one range per line
            ignored_ranges     INTEGER NOT NULL,  -- GIT and unknown range types left out
            ecosystem_specific TEXT,
            database_specific  TEXT
        )
        """,
        "CREATE INDEX affected_by_package ON affected (ecosystem, package)",
        """
        CREATE TABLE ecosystems (
            ecosystem       TEXT PRIMARY KEY NOT NULL,  -- npm | PyPI | Maven
            advisories      INTEGER NOT NULL,
            newest_modified TEXT,                       -- the newest `modified` of its records: how fresh the data is
            imported_at     TEXT NOT NULL,              -- when a build or import last brought records of it
            source          TEXT                        -- what they came from (file or URL)
        ) WITHOUT ROWID
        """,
        "CREATE INDEX advisories_by_raw_sha256 ON advisories (raw_sha256)",
        "CREATE INDEX affected_by_advisory ON affected (advisory_id)",
    ]

    static func create(_ db: Database) throws {
        for statement in statements { try db.execute(sql: statement) }
        try db.execute(sql: "INSERT INTO metadata (key, value) VALUES ('schema_version', ?)", arguments: [String(version)])
    }
}

/// The line-based encodings of `affected.versions` and `affected.ranges`.
enum AffectedEncoding {
    static func encode(ranges: [OSVRecord.Range]) -> String {
        ranges.map { range in
            ([range.type] + range.events.flatMap { [$0.kind.rawValue, $0.version] }).joined(separator: "\t")
        }.joined(separator: "\n")
    }

    static func decode(ranges text: String) -> [OSVRecord.Range] {
        guard !text.isEmpty else { return [] }
        return text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard let type = fields.first else { return nil }
            var events: [OSVRecord.Range.Event] = []
            var i = 1
            while i + 1 < fields.count {
                if let kind = OSVRecord.Range.EventKind(rawValue: String(fields[i])) {
                    events.append(.init(kind: kind, version: String(fields[i + 1])))
                }
                i += 2
            }
            return OSVRecord.Range(type: String(type), events: events)
        }
    }

    static func encode(versions: [String]) -> String { versions.joined(separator: "\n") }

    static func decode(versions text: String) -> [String] {
        text.isEmpty ? [] : text.split(separator: "\n").map(String.init)
    }
}
