import Foundation
import TestSupport
import XCTest
import FnauditAdvisoryDB

final class DatabaseCommandTests: XCTestCase {
    /// An import killed with SIGKILL while it writes leaves the previous database untouched and usable.
    func testKilledImportLeavesPreviousDatabaseIntact() throws {
        let shared = Fixtures.shared("advisories")
        guard FileManager.default.fileExists(atPath: shared + "/current") else { throw XCTSkip("../shared/advisories not present") }
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = directory.appendingPathComponent("advisories.db").path
        let built = try CLI.run(["db", "build", "--from", shared + "/baseline", "--db", db])
        XCTAssertEqual(built.status, 0, built.stderr)
        let before = try AdvisoryStore(path: db).allAdvisoryIDsAndModifiedDates()
        XCTAssertEqual(before.count, 4328)

        let reader = try AdvisoryStore(path: db)   // a scan holding the old database open
        let importing = try CLI.start(["db", "import", "--db", db, shared + "/current"])
        // Wait until it is writing its temporary copy, then kill it.
        let deadline = Date().addingTimeInterval(60)
        var sawTemporary = false
        while Date() < deadline && importing.isRunning {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            if names.contains(where: { $0.hasPrefix(".advisories.db.tmp-") }) { sawTemporary = true; break }
            usleep(2_000)
        }
        usleep(300_000)
        kill(importing.processIdentifier, SIGKILL)
        importing.waitUntilExit()
        XCTAssertTrue(sawTemporary, "the import never started writing")

        XCTAssertEqual(try reader.allAdvisoryIDsAndModifiedDates(), before, "an open reader still sees the old data")
        XCTAssertEqual(try AdvisoryStore(path: db).allAdvisoryIDsAndModifiedDates(), before, "the database is unchanged")
        let status = try CLI.run(["db", "status", "--db", db, "--format", "json"])
        XCTAssertEqual(status.status, 0, status.stderr)
        XCTAssertTrue(status.stdout.contains("\"advisories\" : 4328"))

        // The next refresh clears the dead one's leftovers and succeeds.
        let again = try CLI.run(["db", "import", "--db", db, shared + "/current"])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(try AdvisoryStore(path: db).allAdvisoryIDsAndModifiedDates().count, 8185)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.contains(".tmp-") }
        XCTAssertEqual(leftovers, [])
    }

    func testImportWithBadRecordsExitsNonZeroButImportsTheRest() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = directory.appendingPathComponent("a.db").path
        XCTAssertEqual(try CLI.run(["db", "build", "--from", directory.path, "--db", db]).status, 2, "a folder without zips is an input error")
        let result = try CLI.run(["db", "import", "--db", db, Fixtures.path("osv/good"), Fixtures.path("osv/bad")],
                                 environment: ["FNAUDIT_SNAPSHOT": Fixtures.path("../../VulnDB")])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("bad-range.json"), result.stderr)
        XCTAssertTrue(result.stderr.contains("corrupt.zip"), result.stderr)
        let ids = try AdvisoryStore(path: db).allAdvisoryIDsAndModifiedDates()
        XCTAssertTrue(ids.contains { $0.hasPrefix("GHSA-demo-npm1-0001 ") })
    }

    func testCompareHarness() throws {
        let single = try CLI.run(["compare", "npm", "1.0.0-rc.1", "1.0.0"])
        XCTAssertEqual(single.stdout, "1.0.0-rc.1 < 1.0.0\n")
        let pairs = try CLI.run(["compare", "PyPI"], stdin: "1.0rc1\t1.0\n1!1.0 2.0\r\n1.0\t1.0.0\nnope\t1.0\n")
        XCTAssertEqual(pairs.stdout, "-1\n1\n0\ninvalid\n")
        let maven = try CLI.run(["compare", "maven", "1.0-RC1", "1.0.Final"])
        XCTAssertEqual(maven.stdout, "1.0-RC1 < 1.0.Final\n")
        XCTAssertEqual(try CLI.run(["compare", "cargo", "1", "2"]).status, 2, "usage errors exit 2")
        XCTAssertEqual(try CLI.run(["compare", "npm", "1.0.0", "not-a-version"]).status, 2)
    }
}
