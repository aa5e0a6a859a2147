import Foundation
import TestSupport
import XCTest

/// Every output format on one tree with findings in all three ecosystems, one active and one
/// expired suppression (Tests/Fixtures/policy/tree). Golden files live in Tests/Fixtures/golden;
/// run with FNAUDIT_UPDATE_GOLDEN=1 to rewrite them, then review the diff.
final class OutputFormatTests: XCTestCase {
    static let database: String = {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fnaudit-golden-\(getpid())")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("advisories.db").path
        _ = try? CLI.run(["db", "build", "--db", path], currentDirectory: Fixtures.repository)
        return path
    }()

    private let tree = "Tests/Fixtures/policy/tree"

    private func scan(_ arguments: [String]) throws -> CLI.Result {
        try CLI.run(["scan", tree, "--db", Self.database, "--quiet"] + arguments, currentDirectory: Fixtures.repository)
    }

    /// Replaces what changes from machine to machine or run to run.
    private func normalized(_ text: String) -> String {
        var out = text.replacingOccurrences(of: Self.database, with: "<db>")
            .replacingOccurrences(of: Fixtures.repository.path + "/", with: "<repo>/")
        for pattern in [#""serialNumber" : "urn:uuid:[0-9a-f-]+""#, #""timestamp" : "[0-9T:Z-]+""#] {
            out = out.replacingOccurrences(of: pattern, with: pattern.contains("serial") ? #""serialNumber" : "<uuid>""# : #""timestamp" : "<time>""#,
                                           options: .regularExpression)
        }
        return out
    }

    private func assertGolden(_ name: String, _ actual: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let url = URL(fileURLWithPath: Fixtures.path("golden/\(name)"))
        let text = normalized(actual)
        if ProcessInfo.processInfo.environment["FNAUDIT_UPDATE_GOLDEN"] != nil {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        XCTAssertEqual(text, expected, "\(name) differs from its golden file (FNAUDIT_UPDATE_GOLDEN=1 rewrites it)", file: file, line: line)
    }

    func testEveryFormatMatchesItsGoldenFile() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let files = ["json", "sarif", "cyclonedx", "markdown"].map { ($0, directory.appendingPathComponent("report.\($0)").path) }
        let table = try scan(files.map { "--output=\($0.0)=\($0.1)" })
        XCTAssertEqual(table.status, 1, table.stderr)
        try assertGolden("scan.table.txt", table.stdout)
        let goldenNames = ["json": "scan.json", "sarif": "scan.sarif", "cyclonedx": "scan.cyclonedx.json", "markdown": "scan.md"]
        for (format, path) in files {
            try assertGolden(goldenNames[format] ?? format, String(contentsOfFile: path, encoding: .utf8))
        }
        let inventory = try CLI.run(["inventory", tree, "--format", "cyclonedx"], currentDirectory: Fixtures.repository)
        try assertGolden("inventory.cyclonedx.json", inventory.stdout)
    }

    func testSARIFAndCycloneDXValidateAgainstTheOfficialSchemas() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let sarif = directory.appendingPathComponent("r.sarif").path
        let bom = directory.appendingPathComponent("r.cdx.json").path
        let sbom = directory.appendingPathComponent("sbom.cdx.json").path
        _ = try scan(["-o", "sarif=\(sarif)", "-o", "cyclonedx=\(bom)"])
        _ = try CLI.run(["inventory", "Tests/Fixtures/bundles/zips/polyglot.zip", "--format", "cyclonedx", "-o", sbom],
                        currentDirectory: Fixtures.repository)
        for (kind, path) in [("sarif", sarif), ("cyclonedx", bom), ("cyclonedx", sbom)] {
            let result = try Tool.run(["python3", Fixtures.repository.appendingPathComponent("Scripts/validate-report.py").path, kind, path])
            XCTAssertEqual(result.status, 0, "\(kind) \(path):\n\(result.stdout)\(result.stderr)")
            XCTAssertEqual(result.stdout, "valid\n")
        }
        // The suppressed finding is still there, marked.
        let sarifText = try String(contentsOfFile: sarif, encoding: .utf8)
        XCTAssertTrue(sarifText.contains("\"justification\" : \"zipObjectDeep is never called with user input (until 2099-12-31)\""))
        // One rule per vulnerability, not per alias: the log4j GHSA and its SAP KB record are one rule.
        XCTAssertFalse(sarifText.contains("\"id\" : \"x_SAPKB-CVE-2021-44228\""))
    }

    /// 0 clean, findings below the threshold; 1 at the threshold; 0 when only suppressed ones remain; 2 input error.
    func testExitCodes() throws {
        func status(_ arguments: [String]) throws -> Int32 {
            try CLI.run(arguments + ["--db", Self.database, "--quiet"], currentDirectory: Fixtures.repository).status
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

    func testInvalidConfigNamesTheLine() throws {
        let result = try CLI.run(["scan", "Tests/Fixtures/policy/invalid", "--db", Self.database], currentDirectory: Fixtures.repository)
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains(".fnaudit.toml:1: [[ignore]] of GHSA-x needs a reason"), result.stderr)
    }

    func testExplain() throws {
        let result = try CLI.run(["explain", "CVE-2021-44228", "--db", Self.database], currentDirectory: Fixtures.repository)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("GHSA-jfh8-c2jp-5v3q: Remote code injection in Log4j"))
        XCTAssertTrue(result.stdout.contains("ECOSYSTEM: >= 2.13.0, < 2.15.0"))
        XCTAssertTrue(result.stdout.contains("CRITICAL (CVSS 10.0"))
        XCTAssertEqual(try CLI.run(["explain", "GHSA-0000-0000-0000", "--db", Self.database]).status, 2)
    }

    func testHelpForEveryCommand() throws {
        for command in [["help", "scan"], ["help", "inventory"], ["help", "explain"], ["help", "db", "import"], ["compare", "--help"]] {
            let result = try CLI.run(command)
            XCTAssertEqual(result.status, 0, command.joined(separator: " "))
            XCTAssertTrue(result.stdout.contains("Example"), command.joined(separator: " "))
        }
    }
}
