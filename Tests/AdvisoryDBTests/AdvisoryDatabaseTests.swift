import Foundation
import TestSupport
import XCTest
import FnauditAdvisory
import FnauditAdvisoryDB
import FnauditModel

final class AdvisoryDatabaseTests: XCTestCase {
    private var directory: URL!
    private var databasePath: String { directory.appendingPathComponent("advisories.db").path }

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("fnaudit-db-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func testBuildKeepsWhatTheMatcherNeeds() throws {
        let summary = try DatabaseRefresher.build(databasePath: databasePath, inputs: [Fixtures.path("osv/good")])
        XCTAssertEqual(summary.problems.map(\.description), [])
        XCTAssertEqual(summary.advisories, 3)
        let store = try AdvisoryStore(path: databasePath)

        let npm = try XCTUnwrap(store.affectedEntries(ecosystem: .npm, names: ["demo-lib"])["demo-lib"])
        XCTAssertEqual(npm.count, 1)
        XCTAssertEqual(npm[0].ignoredRanges, 1, "the GIT range is left out")
        XCTAssertEqual(npm[0].ranges.map(\.type), ["SEMVER", "SEMVER"], "the GIT range does not hide the others")
        XCTAssertEqual(npm[0].ranges[1].events, [.init(kind: .introduced, version: "2.0.0"), .init(kind: .lastAffected, version: "2.1.0")])

        // PyPI names are stored PEP 503-normalised; the crates.io entry of the same record is not stored.
        let pypi = try XCTUnwrap(store.affectedEntries(ecosystem: .pypi, names: ["demo-package"])["demo-package"])
        XCTAssertEqual(pypi[0].versions, ["1.0", "1.0.post1", "2.0rc1"])
        XCTAssertEqual(pypi[0].packageAsWritten, "Demo_Package")

        // Withdrawn advisories are never offered to the matcher, but are counted.
        XCTAssertNil(try store.affectedEntries(ecosystem: .maven, names: ["org.demo:demo"])["org.demo:demo"])
        let status = try store.status()
        XCTAssertEqual(status.counts["Maven"]?.withdrawn, 1)
        XCTAssertEqual(status.counts["npm"]?.advisories, 1)

        let summaries = try store.advisories(keys: [npm[0].advisoryKey])
        let advisory = try XCTUnwrap(summaries[npm[0].advisoryKey])
        XCTAssertEqual(advisory.severityLabel, .medium, "GHSA's MODERATE is shown as MEDIUM")
        XCTAssertEqual(advisory.severity, .critical, "the CVSS score comes before the label")
        XCTAssertEqual(advisory.cvssScore, 9.8)
        XCTAssertEqual(advisory.aliases, ["CVE-2024-0001"])

        let byAlias = try store.detail(idOrAlias: "cve-2024-0001")
        XCTAssertEqual(byAlias.map(\.summary.id), ["GHSA-demo-npm1-0001"])
        XCTAssertTrue(byAlias[0].rawJSON?.contains("affected_functions") ?? false, "the raw record is kept for explain")
    }

    func testBadInputIsSkippedNamedAndCounted() throws {
        let summary = try DatabaseRefresher.build(databasePath: databasePath,
                                                  inputs: [Fixtures.path("osv/good"), Fixtures.path("osv/bad")])
        // The 3 good records, and the 2 records of the truncated zip that come before the damage.
        XCTAssertEqual(summary.advisories, 5, "the good records still import")
        let messages = summary.problems.map(\.description)
        // 4 bad JSON files, the damaged zip entry, and the zip's truncation.
        XCTAssertEqual(messages.count, 6, messages.joined(separator: "\n"))
        XCTAssertTrue(messages.contains { $0.contains("corrupt.zip!/GHSA-") }, "the damaged entry is named")
        for file in ["not-osv.json", "missing-id.json", "bad-range.json", "truncated.json", "corrupt.zip"] {
            XCTAssertTrue(messages.contains { $0.contains(file) }, "no message names \(file): \(messages)")
        }
        XCTAssertTrue(messages.contains { $0.contains("GHSA-demo-bad-range") }, "the record id is named")
    }

    /// Importing `current/` over a database built from `baseline/` (../shared/advisories) gives
    /// the counts the data's README documents, and the same content as a fresh build.
    func testImportOfNewerExportsEqualsFreshBuild() throws {
        let shared = Fixtures.shared("advisories")
        guard FileManager.default.fileExists(atPath: shared + "/current") else { throw XCTSkip("../shared/advisories not present") }
        let zips = { (name: String) in ["npm", "PyPI", "Maven"].map { "\(shared)/\(name)/\($0)/all.zip" } }
        _ = try DatabaseRefresher.build(databasePath: databasePath, inputs: zips("baseline"))
        let summary = try DatabaseRefresher.importExports(databasePath: databasePath, inputs: zips("current"))
        XCTAssertEqual(summary.counts[.pypi], counts(added: 3855, updated: 987, unchanged: 2238, withdrawn: 74))
        XCTAssertEqual(summary.counts[.maven], counts(added: 2, updated: 70, unchanged: 566, withdrawn: 0))
        XCTAssertEqual(summary.counts[.npm], counts(added: 0, updated: 0, unchanged: 467, withdrawn: 0))

        let fresh = directory.appendingPathComponent("fresh.db").path
        _ = try DatabaseRefresher.build(databasePath: fresh, inputs: zips("current"))
        XCTAssertEqual(try idsAndDates(databasePath), try idsAndDates(fresh))

        // The same export again changes nothing.
        let again = try DatabaseRefresher.importExports(databasePath: databasePath, inputs: zips("current"))
        XCTAssertEqual(again.counts[.pypi], counts(added: 0, updated: 0, unchanged: 7080, withdrawn: 0))
    }

    private func counts(added: Int, updated: Int, unchanged: Int, withdrawn: Int) -> RefreshSummary.Counts {
        var c = RefreshSummary.Counts()
        c.added = added
        c.updated = updated
        c.unchanged = unchanged
        c.withdrawn = withdrawn
        return c
    }

    private func idsAndDates(_ path: String) throws -> [String] {
        let store = try AdvisoryStore(path: path)
        return try store.allAdvisoryIDsAndModifiedDates()
    }
}
