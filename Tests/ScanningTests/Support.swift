import Foundation
import FnauditAdvisoryDB
import TestSupport

/// One advisory database built from the shipped VulnDB/ for all tests of a run (a few seconds).
enum ShippedDatabase {
    static let path: String = {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fnaudit-tests-\(getpid())")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("advisories.db").path
        let snapshot = Fixtures.repository.appendingPathComponent("VulnDB").path
        _ = try? DatabaseRefresher.build(databasePath: path, inputs: SnapshotManifest.archives(in: snapshot),
                                         manifest: SnapshotManifest.load(directory: snapshot))
        return path
    }()

    static func store() throws -> AdvisoryStore { try AdvisoryStore(path: path) }
}
