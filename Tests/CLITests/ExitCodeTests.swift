import Foundation
import TestSupport
import XCTest

/// What needs the built binary: exit codes, messages on stderr, help. (Report contents are
/// checked in-process by ReportingTests.)
final class ExitCodeTests: XCTestCase {


    private let tree = "Tests/Fixtures/policy/tree"

    /// 0 clean, findings below the threshold; 1 at the threshold; 0 when only suppressed ones remain; 2 input error.
    func testExitCodes() throws {
        func status(_ arguments: [String]) throws -> Int32 {
            try CLI.run(arguments + ["--db", try ShippedDatabase.path(), "--quiet"], currentDirectory: Fixtures.repository).status
        }
        XCTAssertEqual(try status(["scan", "Tests/Fixtures/e2e/safe"]), 0, "clean")
        XCTAssertEqual(try status(["scan", tree, "--fail-on", "NONE"]), 0, "findings, never failing")
        XCTAssertEqual(try status(["scan", "Tests/Fixtures/policy/tree/package-lock.json", "--fail-on", "CRITICAL"]), 0, "below threshold")
        XCTAssertEqual(try status(["scan", "Tests/Fixtures/policy/tree/package-lock.json", "--fail-on", "high"]), 1, "at threshold")
        XCTAssertEqual(try status(["scan", tree, "--fail-on", "LOW"]), 1)
        // A tree whose only finding is suppressed.
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.copyItem(atPath: Fixtures.path("policy/tree/requirements.txt"), toPath: directory.appendingPathComponent("requirements.txt").path)
        try "[[ignore]]\nid = \"CVE-2020-14343\"\nreason = \"full_load never sees untrusted YAML\"\n"
            .write(to: directory.appendingPathComponent(".fnaudit.toml"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try status(["scan", directory.path]), 0, "suppressed-only")
        XCTAssertEqual(try status(["scan", "Tests/Fixtures/e2e/log4j1", "--only-fixable"]), 0, "no fix known for log4j 1.x")
        XCTAssertEqual(try status(["scan", "Tests/Fixtures/e2e/log4j1"]), 1)
        XCTAssertEqual(try status(["scan", "Tests/Fixtures/bad-input"]), 2, "input error")
        XCTAssertEqual(try status(["scan", "Tests/Fixtures/policy/invalid"]), 2, "invalid config")
        XCTAssertEqual(try status(["scan", tree, "--fail-on", "SOMETIMES"]), 2, "usage error")
        XCTAssertEqual(try status(["scan", "Tests/Fixtures/does-not-exist"]), 2)
    }

    /// Permission risks gate like findings (`--scanners permissions` is on by default when a template is found).
    func testPermissionRisksGate() throws {
        func status(_ arguments: [String]) throws -> Int32 {
            try CLI.run(arguments + ["--db", try ShippedDatabase.path(), "--quiet"], currentDirectory: Fixtures.repository).status
        }
        XCTAssertEqual(try status(["scan", "Tests/Fixtures/iam/cdk"]), 1, "CRITICAL and HIGH risks, no packages")
        XCTAssertEqual(try status(["scan", "Tests/Fixtures/iam/cdk", "--fail-on", "NONE"]), 0)
        XCTAssertEqual(try status(["scan", "Tests/Fixtures/iam/cdk", "--scanners", "vuln,secret"]), 0, "permissions off")
        XCTAssertEqual(try status(["scan", "Tests/Fixtures/iam/serverless", "--scanners", "permissions", "--fail-on", "CRITICAL"]), 0, "HIGH at most")
        XCTAssertEqual(try status(["scan", "Tests/Fixtures/iam/serverless", "--scanners", "permissions", "--fail-on", "HIGH"]), 1)
        let unknown = try CLI.run(["scan", "Tests/Fixtures/iam/cdk", "--scanners", "perms"], currentDirectory: Fixtures.repository)
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.stderr.contains("known: vuln, secret, permissions"), unknown.stderr)
    }

    func testInvalidConfigNamesTheLine() throws {
        let result = try CLI.run(["scan", "Tests/Fixtures/policy/invalid", "--db", try ShippedDatabase.path()], currentDirectory: Fixtures.repository)
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains(".fnaudit.toml:1: [[ignore]] of GHSA-x needs a reason"), result.stderr)
    }

    func testExplain() throws {
        let result = try CLI.run(["explain", "CVE-2021-44228", "--db", try ShippedDatabase.path()], currentDirectory: Fixtures.repository)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("GHSA-jfh8-c2jp-5v3q: Remote code injection in Log4j"))
        XCTAssertTrue(result.stdout.contains("ECOSYSTEM: >= 2.13.0, < 2.15.0"))
        XCTAssertTrue(result.stdout.contains("CRITICAL (CVSS 10.0"))
        XCTAssertEqual(try CLI.run(["explain", "GHSA-0000-0000-0000", "--db", try ShippedDatabase.path()]).status, 2)
    }

    /// A --db that is not fnaudit's database, or a damaged one, is one line on stderr and exit 2, never a trap.
    func testForeignAndCorruptedDatabasesExit2WithAMessage() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // Another application's SQLite file.
        let foreign = directory.appendingPathComponent("foreign.db").path
        XCTAssertEqual(try Tool.run(["sqlite3", foreign, "CREATE TABLE t (x); INSERT INTO t VALUES (1);"]).status, 0)
        // A truncated copy of a real database.
        let truncated = directory.appendingPathComponent("truncated.db").path
        let real = try Data(contentsOf: URL(fileURLWithPath: try ShippedDatabase.path()))
        try real.prefix(real.count / 3).write(to: URL(fileURLWithPath: truncated))
        // fnaudit's schema, with NULLs and wrong types where the matcher and explain read.
        let poisoned = directory.appendingPathComponent("poisoned.db").path
        try FileManager.default.copyItem(atPath: try ShippedDatabase.path(), toPath: poisoned)
        let poison = """
            CREATE TABLE affected2 AS SELECT * FROM affected; DROP TABLE affected; ALTER TABLE affected2 RENAME TO affected;
            CREATE TABLE advisories2 AS SELECT * FROM advisories; DROP TABLE advisories; ALTER TABLE advisories2 RENAME TO advisories;
            UPDATE affected SET versions = NULL, ranges = 42 WHERE package = 'lodash';
            UPDATE advisories SET osv_id = NULL, aliases = 7 WHERE id IN (SELECT advisory_id FROM affected WHERE package = 'lodash');
            CREATE TABLE sources2 AS SELECT * FROM sources; DROP TABLE sources; ALTER TABLE sources2 RENAME TO sources;
            UPDATE sources SET name = NULL;
            """
        let sqlite = try Tool.run(["sqlite3", poisoned, poison])
        XCTAssertEqual(sqlite.status, 0, sqlite.stderr)
        // Not a database at all.
        let text = directory.appendingPathComponent("text.db").path
        try "hello\n".write(toFile: text, atomically: true, encoding: .utf8)
        for database in [foreign, truncated, poisoned, text] {
            for command in [["scan", "Tests/Fixtures/policy/tree/package-lock.json"], ["explain", "CVE-2020-8203"], ["db", "status"]] {
                let result = try CLI.run(command + ["--db", database], currentDirectory: Fixtures.repository)
                let name = (database as NSString).lastPathComponent + " " + command.joined(separator: " ")
                XCTAssertEqual(result.status, 2, "\(name): \(result.stderr)")
                let lines = result.stderr.split(separator: "\n")
                XCTAssertEqual(lines.count, 1, "\(name): one line, not \(result.stderr)")
                XCTAssertTrue(lines.first?.hasPrefix("fnaudit: error: advisory database: ") == true, "\(name): \(result.stderr)")
            }
        }
    }

    func testHelpForEveryCommand() throws {
        for command in [["help", "scan"], ["help", "inventory"], ["help", "explain"], ["help", "db", "import"], ["compare", "--help"]] {
            let result = try CLI.run(command)
            XCTAssertEqual(result.status, 0, command.joined(separator: " "))
            XCTAssertTrue(result.stdout.contains("Example"), command.joined(separator: " "))
        }
    }
}

/// Command-line behaviours that used to surprise.
final class CLITrapTests: XCTestCase {
    func testOutputFormatsAreNamedOrInferredNeverGuessedIntoFileNames() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try ShippedDatabase.path()
        let unknown = try CLI.run(["scan", "Tests/Fixtures/policy/tree", "--db", database, "-o", "yaml=\(directory.path)/x.yaml"],
                                  currentDirectory: Fixtures.repository)
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.stderr.contains("unknown format \"yaml\""), unknown.stderr)
        let sarif = directory.appendingPathComponent("report.sarif").path
        let html = directory.appendingPathComponent("report.html").path
        _ = try CLI.run(["scan", "Tests/Fixtures/policy/tree", "--db", database, "--quiet", "-o", sarif, "-o", html],
                        currentDirectory: Fixtures.repository)
        XCTAssertTrue(try String(contentsOfFile: sarif, encoding: .utf8).contains("\"$schema\""), "inferred from .sarif")
        XCTAssertTrue(try String(contentsOfFile: html, encoding: .utf8).hasPrefix("<!DOCTYPE html>"), "inferred from .html")
    }

    func testInventoryMarkdownSaysNothingAboutVulnerabilities() throws {
        let result = try CLI.run(["inventory", "Tests/Fixtures/policy/tree", "--format", "markdown"], currentDirectory: Fixtures.repository)
        XCTAssertEqual(result.status, 0)
        XCTAssertTrue(result.stdout.hasPrefix("### fnaudit inventory: 3 packages"), result.stdout)
        XCTAssertFalse(result.stdout.lowercased().contains("vulnerab"), result.stdout)
    }

    func testVerboseNamesTheUnpinnedRequirementsItLeftOut() throws {
        let result = try CLI.run(["scan", "Tests/Fixtures/e2e/vulnerable", "--db", try ShippedDatabase.path(), "--verbose"],
                                 currentDirectory: Fixtures.repository)
        XCTAssertTrue(result.stderr.contains("requests") && result.stderr.contains("is not pinned"), result.stderr)
    }

    func testExplainJSONIsOneDocument() throws {
        let result = try CLI.run(["explain", "CVE-2021-44228", "--db", try ShippedDatabase.path(), "--format", "json"])
        XCTAssertEqual(result.status, 0)
        XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)), result.stdout)
    }

    func testDbStatusOnAMissingDatabaseSaysSoAndBuildsNothing() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("none.db").path
        let result = try CLI.run(["db", "status", "--db", path])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("no advisory database at"), result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
    }
}

/// `--layer`/`--runtime` name one function; `--targets-from` and `--format jsonl` fan scans out.
final class FunctionOptionTests: XCTestCase {
    func testLayersAndJSONLines() throws {
        let folder = Fixtures.path("deployment/serverless/.serverless") + "/"
        let database = try ShippedDatabase.path()
        let result = try CLI.run(["scan", folder + "orders.zip", "--layer", folder + "common.zip", "--layer", folder + "patch.zip",
                                  "--runtime", "python3.12", "--format", "jsonl", "--scanners", "vuln", "--db", database, "-q"])
        XCTAssertEqual(result.status, 1, result.stderr)
        let lines = result.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, "one function, nothing outside it: \(result.stdout.prefix(400))")
        let line = try XCTUnwrap(JSONSerialization.jsonObject(with: Data((lines.first ?? "").utf8)) as? [String: Any])
        XCTAssertEqual((line["function"] as? [String: Any])?["name"] as? String, "orders.zip")
        XCTAssertEqual(line["type"] as? String, "function")
    }

    func testFunctionOptionsNeedOneCodePath() throws {
        let folder = Fixtures.path("deployment/serverless/.serverless") + "/"
        let result = try CLI.run(["inventory", folder + "orders.zip", folder + "web.zip", "--layer", folder + "common.zip"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("--layer"), result.stderr)
    }

    func testTargetsFromAFile() throws {
        let list = FileManager.default.temporaryDirectory.appendingPathComponent("fnaudit-targets-\(UUID().uuidString).txt")
        try Data("# artifacts\n\n\(Fixtures.path("deployment/cdk"))\n\(Fixtures.path("deployment/serverless/.serverless/web.zip"))\n".utf8).write(to: list)
        defer { try? FileManager.default.removeItem(at: list) }
        let result = try CLI.run(["inventory", "--targets-from", list.path, "--format", "jsonl", "--scanners", "vuln"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let types = result.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            .map { ($0["type"] as? String ?? "") + ":" + (($0["function"] as? [String: Any])?["name"] as? String ?? ($0["input"] as? String ?? "")) }
        XCTAssertEqual(types.filter { $0.hasPrefix("function:") }.count, 4, "\(types)")
        XCTAssertTrue(types.contains { $0.hasSuffix("web.zip") && $0.hasPrefix("input:") }, "\(types)")
        let missing = try CLI.run(["inventory", "--targets-from", "/nonexistent/list.txt"])
        XCTAssertEqual(missing.status, 2)
    }
}
