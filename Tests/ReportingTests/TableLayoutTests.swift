import Foundation
import TestSupport
import XCTest
import FnauditAudit
import FnauditMatching
import FnauditModel
import FnauditPolicy
import FnauditReporting

/// The terminal table: fits the width, most severe first, and a headline that tells the truth.
final class TableLayoutTests: XCTestCase {
    override func setUpWithError() throws {
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(Fixtures.repository.path))
    }

    private func scan(_ inputs: [String]) throws -> AuditReport {
        var request = AuditRequest(inputs: inputs)
        request.databasePath = try ShippedDatabase.path()
        return try Audit.run(request)
    }

    func testNoLineIsWiderThanTheTerminal() throws {
        let report = try scan(["Tests/Fixtures/policy/tree", "Tests/Fixtures/bundles/zips/polyglot.zip", "Tests/Fixtures/java-archive"])
        for width in [80, 120, 200] {
            let text = TableReport.render(report, colour: false, width: width)
            for line in text.split(separator: "\n") {
                XCTAssertLessThanOrEqual(line.count, width, "\(width): \(line)")
            }
            XCTAssertTrue(text.contains("GHSA-jfh8-c2jp-5v3q"), "ids are never cut (\(width))")
        }
        XCTAssertTrue(TableReport.render(report, colour: false, width: 200).contains("TITLE"), "a title column when there is room")
        XCTAssertFalse(TableReport.render(report, colour: false, width: 80).contains("TITLE"))
    }

    func testMostSevereFirstAndGroupedByTarget() throws {
        let report = try scan(["Tests/Fixtures/policy/tree", "Tests/Fixtures/bundles/zips/polyglot.zip"])
        let text = TableReport.render(report, colour: false, width: 200)
        let tree = try XCTUnwrap(text.range(of: "── Tests/Fixtures/policy/tree"))
        let zip = try XCTUnwrap(text.range(of: "── Tests/Fixtures/bundles/zips/polyglot.zip"))
        XCTAssertLessThan(tree.lowerBound, zip.lowerBound)
        let rows = text[tree.upperBound..<zip.lowerBound].split(separator: "\n").filter { $0.hasPrefix("CRITICAL") || $0.hasPrefix("HIGH") || $0.hasPrefix("MEDIUM") || $0.hasPrefix("LOW") }
        let ranks = rows.map { row -> Int in ["LOW": 1, "MEDIUM": 2, "HIGH": 3, "CRITICAL": 4][String(row.split(separator: " ")[0])] ?? 0 }
        // Packages are ordered by their worst finding: the first package's first row is the worst of all.
        XCTAssertEqual(ranks.first, ranks.max())
        XCTAssertTrue(rows.first?.contains("10.0") == true, "CVSS orders within a severity: \(rows.first ?? "")")
    }

    func testHeadlinesTellTheTruth() {
        func report(_ packages: [Package], findings: [Finding] = [], issues: [ScanIssue] = []) -> AuditReport {
            AuditReport(inputs: ["x"], packages: packages, match: MatchResult(findings: findings), issues: issues, database: nil, includeDev: false)
        }
        let package = Package(ecosystem: .npm, name: "left-pad", version: "1.3.0", locations: [Location(path: "x/package-lock.json")],
                              extractor: ExtractorID(id: "t", displayName: "t", source: .declared))
        XCTAssertEqual(TableReport.headline(report([package])), "No known vulnerabilities in 1 package.")
        XCTAssertEqual(TableReport.headline(report([])), "No packages found in the inputs: nothing was checked.")
        let broken = ScanIssue(location: Location(path: "x/fn.zip"), message: "damaged")
        XCTAssertTrue(TableReport.headline(report([package], issues: [broken])).hasPrefix("Scan incomplete: 1 input"))
        let finding = Finding(package: package, id: "GHSA-x", advisoryIDs: ["GHSA-x"], aliases: [], summary: nil, severity: .high,
                              cvssScore: nil, cvssVector: nil, fixedVersions: [], references: [])
        let both = report([package], findings: [finding], issues: [broken])
        XCTAssertTrue(TableReport.headline(both).contains("1 finding in what could"))
        XCTAssertFalse(TableReport.render(both, colour: false).contains("No known vulnerabilities"))
        XCTAssertEqual(both.outcome(GatePolicy()), .failed, "findings win")
        XCTAssertEqual(both.outcome(GatePolicy(failOnIncomplete: true)), .incomplete)
    }
}
