import Foundation
import FnauditAdvisory
import FnauditModel
import GRDB

/// The `ecosystems` table: each ecosystem's record count and the newest `modified` of its records
/// (its data's own date), kept at every build and import so scans read it without counting.
enum EcosystemFreshness {
    /// Recounts every ecosystem; those this refresh brought records of get `at` and their inputs as source.
    static func record(_ db: Database, origins: [Ecosystem: Set<String>], at now: String) throws {
        let rows = try Row.fetchAll(db, sql: """
            SELECT f.ecosystem, COUNT(DISTINCT a.id), MAX(CASE WHEN a.modified <= ? THEN a.modified END)
            FROM affected f JOIN advisories a ON a.id = f.advisory_id GROUP BY f.ecosystem
            """, arguments: [RecordWriter.tomorrow])
        for row in rows {
            let name: String = try row.decode(atIndex: 0)
            let advisories: Int = try row.decode(atIndex: 1)
            let newest: String? = try row.decode(atIndex: 2)
            if let ecosystem = Ecosystem(rawValue: name), let inputs = origins[ecosystem] {
                try db.execute(sql: """
                    INSERT OR REPLACE INTO ecosystems (ecosystem, advisories, newest_modified, imported_at, source) VALUES (?, ?, ?, ?, ?)
                    """, arguments: [name, advisories, newest, now, inputs.sorted().joined(separator: " ")])
            } else {
                try db.execute(sql: """
                    INSERT INTO ecosystems (ecosystem, advisories, newest_modified, imported_at, source) VALUES (?, ?, ?, ?, NULL)
                    ON CONFLICT(ecosystem) DO UPDATE SET advisories = excluded.advisories, newest_modified = excluded.newest_modified
                    """, arguments: [name, advisories, newest, now])
            }
        }
    }

    static func read(_ db: Database) throws -> [EcosystemData] {
        try Row.fetchAll(db, sql: "SELECT ecosystem, advisories, newest_modified, imported_at, source FROM ecosystems ORDER BY ecosystem")
            .map { row in
                EcosystemData(ecosystem: try row.decode(atIndex: 0), advisories: try row.decode(atIndex: 1),
                              newestModified: try row.decode(atIndex: 2), importedAt: try row.decode(atIndex: 3),
                              source: try row.decode(atIndex: 4))
            }
            .sorted { (Ecosystem(rawValue: $0.ecosystem) ?? .npm) < (Ecosystem(rawValue: $1.ecosystem) ?? .npm) }
    }
}
