import Foundation
import TestSupport
import XCTest
import FnauditAdvisory
import FnauditMatching
import FnauditModel
import FnauditPolicy

/// `.fnaudit.toml` reading, suppression matching and expiry, and the gate.
final class PolicyConfigTests: XCTestCase {
    private func load(_ text: String) throws -> [Suppression] {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent(PolicyConfig.fileName).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return try PolicyConfig.load(path)
    }

    private func finding(_ id: String, aliases: [String] = [], severity: Severity = .high, fixed: [String] = ["2.0"]) -> Finding {
        let package = Package(ecosystem: .npm, name: "lodash", version: "4.17.15", locations: [Location(path: "package-lock.json")],
                              extractor: ExtractorID(id: "test", displayName: "test", source: .declared))
        return Finding(package: package, id: id, advisoryIDs: [id], aliases: aliases, summary: nil, severity: severity, cvssScore: nil,
                       cvssVector: nil, fixedVersions: fixed, references: [])
    }

    func testTheShippedExampleLoadsWithLinesAndPackages() throws {
        let suppressions = try PolicyConfig.load(Fixtures.path("policy/tree/.fnaudit.toml"))
        XCTAssertEqual(suppressions.map(\.id), ["CVE-2020-8203", "GHSA-jfh8-c2jp-5v3q"])
        XCTAssertEqual(suppressions.map { $0.location.line }, [3, 9])
        XCTAssertEqual(suppressions[1].packageName, "org.apache.logging.log4j:log4j-core")
        XCTAssertEqual(suppressions[1].packageVersion, "2.14.1")
        XCTAssertEqual(suppressions[1].ecosystem, .maven)
    }

    func testInvalidFilesNameTheirLine() {
        let cases: [(String, String)] = [
            ("[[ignore]]\nid = \"GHSA-x\"\n", ":1: [[ignore]] of GHSA-x needs a reason"),
            ("[[ignore]]\nid = \"A\"\nreason = \"r\"\n\n[[ignore]]\nid = \"B\"\nreason = \"r\"\nwhen = 1\n", ":5: unknown key \"when\""),
            ("colour = true\n", ":1: unknown setting \"colour\""),
            ("[[ignore]]\nid = \"A\"\nreason = \"r\"\nuntil = \"soon\"\n", ":1: until must be a date"),
            ("[[ignore]]\nid = \"A\"\nreason = \"r\"\npackage = \"cargo:serde\"\n", ":1: package must be ecosystem:name"),
            ("[[ignore\n", "not valid TOML"),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try load(text), text) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(error) should contain \(expected)")
            }
        }
    }

    func testSuppressionsMatchAliasesAndExpire() throws {
        let suppressions = try load("""
            [[ignore]]
            id = "cve-2020-8203"
            package = "npm:lodash@4.17.15"
            reason = "reviewed"

            [[ignore]]
            id = "GHSA-old"
            reason = "was reviewed"
            until = 2020-01-01
            """)
        let findings = [finding("GHSA-p6mc-m468-83gw", aliases: ["CVE-2020-8203"]), finding("GHSA-old"), finding("GHSA-other", severity: .low, fixed: [])]
        let match = MatchResult(findings: findings)
        let report = AuditReport(inputs: [], packages: [findings[0].package], match: match, issues: [], database: nil,
                                 includeDev: false, suppressions: suppressions, today: "2026-12-02")
        XCTAssertNotNil(report.suppression(of: findings[0]), "matched through an alias, case-insensitively")
        XCTAssertNil(report.suppression(of: findings[1]), "expired")
        XCTAssertEqual(report.configurationWarnings.count, 1)
        XCTAssertEqual(report.activeFindings.map(\.id), ["GHSA-old", "GHSA-other"])
        XCTAssertEqual(report.outcome(GatePolicy(threshold: .critical)), .clean)
        XCTAssertEqual(report.outcome(GatePolicy(threshold: .high)), .failed)
        XCTAssertEqual(report.outcome(GatePolicy(threshold: .low, onlyFixable: true)), .failed)
        XCTAssertEqual(report.outcome(GatePolicy(threshold: .none)), .clean)
    }

    func testIncompleteScansAreNotClean() {
        let issue = ScanIssue(location: Location(path: "broken.zip"), message: "damaged")
        let report = AuditReport(inputs: [], packages: [], match: MatchResult(), issues: [issue], database: nil, includeDev: false)
        XCTAssertEqual(report.outcome(GatePolicy()), .incomplete)
    }

    func testStaleAdvisoriesWarnAndGateOnlyWhenAsked() {
        let old = EcosystemData(ecosystem: "npm", advisories: 10, newestModified: "2020-01-01T00:00:00Z", importedAt: "2020-01-02T00:00:00Z", source: nil)
        let fresh = EcosystemData(ecosystem: "PyPI", advisories: 10, newestModified: CalendarDay.today() + "T00:00:00Z", importedAt: "x", source: nil)
        let report = AuditReport(inputs: [], packages: [], match: MatchResult(), issues: [],
                                 database: AdvisoryProvenance(path: "db", sources: [], ecosystems: [old, fresh]), includeDev: false)
        XCTAssertEqual(report.staleEcosystems(GatePolicy()).map(\.ecosystem), ["npm"])
        XCTAssertEqual(report.outcome(GatePolicy()), .clean, "stale data warns")
        XCTAssertEqual(report.outcome(GatePolicy(failOnStale: true)), .incomplete, "--fail-on-stale exits 2")
        XCTAssertEqual(report.outcome(GatePolicy(maxDatabaseAgeDays: 100_000, failOnStale: true)), .clean)
    }
}
