import XCTest
import FnauditAdvisory
import FnauditMatching
import FnauditModel
import FnauditVersioning

/// OSV range semantics, evaluated without a database.
final class AffectedEvaluatorTests: XCTestCase {
    private func entry(_ ranges: [[(OSVRecord.Range.EventKind, String)]], versions: [String] = [], type: String = "ECOSYSTEM") -> AffectedEntry {
        AffectedEntry(advisoryKey: 1, packageAsWritten: "x", versions: versions,
                      ranges: ranges.map { OSVRecord.Range(type: type, events: $0.map { OSVRecord.Range.Event(kind: $0.0, version: $0.1) }) })
    }

    private func verdict(_ e: AffectedEntry, _ version: String, _ ecosystem: Ecosystem = .pypi) -> AffectedEvaluator.Verdict {
        guard let installed = InstalledVersion(version, ecosystem: ecosystem) else { return .unknown(reason: "test version invalid") }
        return AffectedEvaluator.evaluate(e, version: installed)
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

    /// The range type decides the comparator: a SEMVER range on a PyPI or Maven package is read
    /// with SemVer's rules, not the ecosystem's.
    func testSemverRangeOnAPyPIPackageUsesSemverOrdering() {
        // PEP 440 puts 1.0.0.dev1 (a dev release) before 1.0.0a1; SemVer orders the prerelease
        // identifiers "a1" < "dev1" as strings. Under SEMVER, 1.0.0-dev1 is above 1.0.0-a1.
        let semver = entry([[(.introduced, "0"), (.fixed, "1.0.0-b1")]], type: "SEMVER")
        let ecosystem = entry([[(.introduced, "0"), (.fixed, "1.0.0b1")]])
        XCTAssertEqual(verdict(semver, "1.0.0-dev1", .pypi), .notAffected, "SemVer: dev1 > b1")
        XCTAssertEqual(verdict(ecosystem, "1.0.0.dev1", .pypi), .affected(fixedIn: ["1.0.0b1"]), "PEP 440: dev1 < b1")
        // Maven: "1.2.3.4" is a valid Maven version but not SemVer; under SEMVER it cannot be evaluated.
        let maven = entry([[(.introduced, "0"), (.fixed, "2.0.0")]], type: "SEMVER")
        guard case .unknown = verdict(maven, "1.2.3.4", .maven) else { return XCTFail("not SemVer: unknown, never safe") }
        // Short numeric versions are padded, as OSV tooling does: 2.0 is 2.0.0.
        XCTAssertEqual(verdict(maven, "1.9", .maven), .affected(fixedIn: ["2.0.0"]))
        XCTAssertEqual(verdict(maven, "2.0", .maven), .notAffected)
        // An unknown range type (GIT) is skipped without hiding the entry's other ranges.
        let mixed = AffectedEntry(advisoryKey: 1, packageAsWritten: "x", versions: [], ranges: [
            OSVRecord.Range(type: "GIT", events: [.init(kind: .introduced, version: "abc")]),
            OSVRecord.Range(type: "ECOSYSTEM", events: [.init(kind: .introduced, version: "0"), .init(kind: .fixed, version: "3")]),
        ])
        XCTAssertEqual(verdict(mixed, "2", .pypi), .affected(fixedIn: ["3"]))
    }
}
