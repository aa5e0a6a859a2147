import Foundation
import XCTest

/// `fnaudit db update` against a loopback mirror (Scripts/testing/osv-mirror.py on 127.0.0.1)
/// serving ../shared/advisories/current in osv.dev's layout.
final class DatabaseUpdateTests: XCTestCase {
    private var directory: URL!
    private var database: String { directory.appendingPathComponent("advisories.db").path }
    private let exports = Fixtures.shared("advisories/current")

    override func setUpWithError() throws {
        directory = try makeTemporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Starts a mirror; returns its base URL and the process (terminated by the caller).
    private func mirror(_ options: [String]) throws -> (String, Process) {
        let root = directory.appendingPathComponent("mirror-\(UUID().uuidString)").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Fixtures.repository.appendingPathComponent("Scripts/testing/osv-mirror.py").path,
                             "--from", exports, "--root", root, "--max-seconds", "240"] + options
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        var line = Data()
        while let byte = try out.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data([0x0A]) { line += byte }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("PORT "), let port = Int(text.dropFirst(5)) else {
            process.terminate()
            throw XCTSkip("the mirror did not start: \(text)")
        }
        return ("http://127.0.0.1:\(port)", process)
    }

    private func advisories() throws -> String {
        try CLI.run(["db", "status", "--db", database, "--format", "json"]).stdout
    }

    func testFullThenIncrementalUpdate() throws {
        let (base, server) = try mirror([])
        defer { server.terminate() }
        let full = try CLI.run(["db", "update", "--db", database, "--mirror", base])
        XCTAssertEqual(full.status, 0, full.stderr)
        XCTAssertTrue(full.stderr.contains("\(base)/PyPI/all.zip"), "the URLs fetched are printed: \(full.stderr)")
        XCTAssertEqual(full.stdout.split(separator: "\n").first { $0.hasPrefix("PyPI ") }?.split(separator: " ")[1], "7080", full.stdout)

        // The mirror now has 3 revised records per ecosystem: only those are fetched.
        let (newer, revised) = try mirror(["--bump", "3"])
        defer { revised.terminate() }
        let incremental = try CLI.run(["db", "update", "--db", database, "--mirror", newer])
        XCTAssertEqual(incremental.status, 0, incremental.stderr)
        XCTAssertFalse(incremental.stderr.contains("all.zip"), incremental.stderr)
        XCTAssertTrue(incremental.stderr.contains("modified_id.csv"))
        for line in incremental.stdout.split(separator: "\n") where ["npm ", "PyPI ", "Maven "].contains(where: { line.hasPrefix($0) }) {
            XCTAssertEqual(line.split(separator: " ", omittingEmptySubsequences: true)[2], "3", "3 updated: \(line)")
        }
    }

    func testInterruptedDownloadLeavesTheDatabaseAndTheNextUpdateSucceeds() throws {
        XCTAssertEqual(try CLI.run(["db", "build", "--db", database, "--from", Fixtures.shared("advisories/baseline")]).status, 0)
        let before = try advisories()
        // A database without PyPI freshness data fetches the whole export: make it a fresh one.
        let (base, server) = try mirror(["--truncate", "PyPI"])
        defer { server.terminate() }
        try FileManager.default.removeItem(atPath: database)
        XCTAssertEqual(try CLI.run(["db", "build", "--db", database, "--from", Fixtures.shared("advisories/baseline")]).status, 0)
        let cut = try CLI.run(["db", "update", "--db", database, "--mirror", base, "--ecosystem", "PyPI"])
        XCTAssertEqual(cut.status, 2, cut.stderr)
        XCTAssertTrue(cut.stderr.contains("PyPI not updated"), cut.stderr)
        XCTAssertEqual(try advisories().replacingOccurrences(of: #""(builtAt|importedAt)" : "[^"]+""#, with: "", options: .regularExpression),
                       before.replacingOccurrences(of: #""(builtAt|importedAt)" : "[^"]+""#, with: "", options: .regularExpression))
        let (good, healthy) = try mirror([])
        defer { healthy.terminate() }
        let retry = try CLI.run(["db", "update", "--db", database, "--mirror", good, "--ecosystem", "PyPI"])
        XCTAssertEqual(retry.status, 0, retry.stderr)
    }

    func testACorruptZipOrAMissingEcosystemFailsOnlyThatEcosystem() throws {
        let (base, server) = try mirror(["--corrupt", "PyPI", "--missing", "Maven"])
        defer { server.terminate() }
        let result = try CLI.run(["db", "update", "--db", database, "--mirror", base])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("PyPI not updated"), result.stderr)
        XCTAssertTrue(result.stderr.contains("Maven not updated") && result.stderr.contains("HTTP 404"), result.stderr)
        let npm = result.stdout.split(separator: "\n").first { $0.hasPrefix("npm ") }?.split(separator: " ")
        XCTAssertEqual(npm?[1], "467", "npm is still updated: \(result.stdout)")
    }
}
