import XCTest
import FnauditAdvisoryDB
import FnauditMatching
import FnauditModel
import FnauditVersioning

/// OSV range semantics, evaluated without a database.
final class AffectedEvaluatorTests: XCTestCase {
    private func entry(_ ranges: [[(OSVRecord.Range.EventKind, String)]], versions: [String] = [], type: String = "ECOSYSTEM") -> AffectedEntry {
        AffectedEntry(advisoryRowID: 1, packageAsWritten: "x", versions: versions,
                      ranges: ranges.map { OSVRecord.Range(type: type, events: $0.map { OSVRecord.Range.Event(kind: $0.0, version: $0.1) }) })
    }

    private func verdict(_ e: AffectedEntry, _ version: String, _ ecosystem: Ecosystem = .pypi) -> AffectedEvaluator.Verdict {
        guard let parsed = ecosystem.parseVersion(version).version else { return .unknown(reason: "test version invalid") }
        return AffectedEvaluator.evaluate(e, version: parsed, raw: version, ecosystem: ecosystem)
    }

    func testIntroducedFixedLastAffectedAndLimit() {
        let e = entry([[(.introduced, "1.0"), (.fixed, "1.5")], [(.introduced, "2.0"), (.lastAffected, "2.3")]])
        XCTAssertEqual(verdict(e, "0.9"), .notAffected)
        XCTAssertEqual(verdict(e, "1.0"), .affected(fixedIn: ["1.5"]), "introduced is inclusive")
        XCTAssertEqual(verdict(e, "1.4.9"), .affected(fixedIn: ["1.5"]))
        XCTAssertEqual(verdict(e, "1.5"), .notAffected, "fixed is exclusive")
        XCTAssertEqual(verdict(e, "2.3"), .affected(fixedIn: []), "last_affected is inclusive")
        XCTAssertEqual(verdict(e, "2.3.post1"), .notAffected)
        let limited = entry([[(.introduced, "0"), (.limit, "3.0")]])
        XCTAssertEqual(verdict(limited, "2.9"), .affected(fixedIn: []))
        XCTAssertEqual(verdict(limited, "3.0"), .notAffected)
    }

    func testIntroducedZeroAndUnsortedEvents() {
        let e = entry([[(.fixed, "2.0"), (.introduced, "1.0"), (.fixed, "1.2"), (.introduced, "0")]])
        // Sorted: introduced 0, introduced 1.0, fixed 1.2, fixed 2.0.
        XCTAssertEqual(verdict(e, "0.1"), .affected(fixedIn: ["1.2"]))
        XCTAssertEqual(verdict(e, "1.3"), .notAffected)
    }

    func testVersionOrderIsTheEcosystemsNotTheStrings() {
        let e = entry([[(.introduced, "0"), (.fixed, "1.10.0")]], type: "SEMVER")
        XCTAssertEqual(verdict(e, "1.9.0", .npm), .affected(fixedIn: ["1.10.0"]))
        XCTAssertEqual(verdict(e, "1.10.0-rc.1", .npm), .affected(fixedIn: ["1.10.0"]), "a prerelease comes before its release")
        let maven = entry([[(.introduced, "0"), (.fixed, "2.9.10.8")]])
        XCTAssertEqual(verdict(maven, "2.9.10.7", .maven), .affected(fixedIn: ["2.9.10.8"]))
        XCTAssertEqual(verdict(maven, "2.9.10-RC1", .maven), .affected(fixedIn: ["2.9.10.8"]))
        XCTAssertEqual(verdict(maven, "2.10.0", .maven), .notAffected)
    }

    func testExplicitVersionsMatchByEquality() {
        let e = entry([], versions: ["1.0", "2.0rc1"])
        XCTAssertEqual(verdict(e, "1.0.0"), .affected(fixedIn: []), "1.0.0 and 1.0 are the same PyPI version")
        XCTAssertEqual(verdict(e, "2.0RC1"), .affected(fixedIn: []))
        XCTAssertEqual(verdict(e, "2.0"), .notAffected)
    }

    func testUnparseableRangeIsUnknownNeverSafe() {
        let e = entry([[(.introduced, "0"), (.fixed, "2013-01-21T20:33:09+0100")]])
        guard case .unknown = verdict(e, "1.0") else { return XCTFail("an unreadable bound must not read as safe") }
        // Another range that does say "affected" still wins.
        let mixed = entry([[(.introduced, "0"), (.fixed, "not a version")], [(.introduced, "0"), (.fixed, "2.0")]])
        XCTAssertEqual(verdict(mixed, "1.0"), .affected(fixedIn: ["2.0"]))
    }
}
