import Foundation
import FnauditAdvisoryDB

enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    static var repository: URL { root.deletingLastPathComponent().deletingLastPathComponent() }

    static func shared(_ relative: String) -> String {
        repository.deletingLastPathComponent().appendingPathComponent("shared").appendingPathComponent(relative).path
    }
}

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
