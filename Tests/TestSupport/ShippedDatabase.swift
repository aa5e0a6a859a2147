import Foundation
import FnauditAdvisoryDB

/// One advisory database built from the shipped VulnDB/ for all tests of a run (a few seconds).
/// A failed build fails every test that asks for it, with the reason.
public enum ShippedDatabase {
    public struct SetupError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    private static let built: Result<String, SetupError> = {
        do {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fnaudit-tests-\(getpid())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let path = directory.appendingPathComponent("advisories.db").path
            let snapshot = Fixtures.repository.appendingPathComponent("VulnDB").path
            if !FileManager.default.fileExists(atPath: path) {
                _ = try DatabaseRefresher.build(databasePath: path, inputs: SnapshotManifest.archives(in: snapshot),
                                                manifest: SnapshotManifest.load(directory: snapshot))
            }
            return .success(path)
        } catch {
            return .failure(SetupError(description: "building the shipped database failed: \(error)"))
        }
    }()

    public static func path() throws -> String { try built.get() }

    public static func store() throws -> AdvisoryStore { try AdvisoryStore(path: path()) }
}
