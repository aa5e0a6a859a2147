import XCTest
import FnauditAdvisory
import FnauditMatching
import FnauditModel

/// The matcher against advisories held in memory: no database, no files.
final class MatcherTests: XCTestCase {
    private func record(_ json: String) throws -> OSVRecord { try OSVRecord.parse(Array(json.utf8)) }

    private func package(_ ecosystem: Ecosystem, _ name: String, _ version: String) -> Package {
        Package(ecosystem: ecosystem, name: name, version: version, locations: [Location(path: "test")],
                extractor: ExtractorID(id: "test", displayName: "test", source: .declared))
    }

    private var source: InMemoryAdvisorySource {
        get throws {
            InMemoryAdvisorySource([
                try record(#"{"id":"GHSA-aaaa-bbbb-cccc","modified":"2024-01-01T00:00:00Z","aliases":["CVE-2024-0001"],"summary":"one","database_specific":{"severity":"HIGH"},"affected":[{"package":{"ecosystem":"PyPI","name":"Demo_Pkg"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.5"}]}]}]}"#),
                try record(#"{"id":"PYSEC-2024-1","modified":"2024-01-01T00:00:00Z","aliases":["CVE-2024-0001"],"affected":[{"package":{"ecosystem":"PyPI","name":"demo-pkg"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.5"}]}]}]}"#),
                try record(#"{"id":"GHSA-dddd-eeee-ffff","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"PyPI","name":"demo-pkg"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.6.0"}]}]}]}"#),
                try record(#"{"id":"GHSA-gggg-hhhh-iiii","modified":"2024-01-01T00:00:00Z","withdrawn":"2024-02-01T00:00:00Z","affected":[{"package":{"ecosystem":"PyPI","name":"demo-pkg"},"versions":["1.0"]}]}"#),
            ])
        }
    }

    func testAliasesGroupAndTheSmallestUpgradeFixesEverything() throws {
        let result = try Matcher(source: try source).match([package(.pypi, "demo.pkg", "1.0")])
        XCTAssertEqual(result.findings.map(\.id).sorted(), ["GHSA-aaaa-bbbb-cccc", "GHSA-dddd-eeee-ffff"],
                       "the GHSA and PYSEC records of one CVE are one finding; the withdrawn record never matches")
        let grouped = try XCTUnwrap(result.findings.first { $0.id == "GHSA-aaaa-bbbb-cccc" })
        XCTAssertEqual(grouped.advisoryIDs, ["GHSA-aaaa-bbbb-cccc", "PYSEC-2024-1"])
        XCTAssertEqual(grouped.severity, .high)
        XCTAssertEqual(grouped.fixedVersions, ["1.5"])
        // 1.5 fixes the ECOSYSTEM finding but not the SEMVER one (fixed in 1.6.0): the upgrade is 1.6.0.
        XCTAssertEqual(result.safeUpgrades.values.first, "1.6.0")
    }

    func testSemverRangeOnAPyPIPackageIsComparedAsSemver() throws {
        // 1.5.1 is past the ECOSYSTEM fix (1.5) but below the SEMVER one (1.6.0).
        let result = try Matcher(source: try source).match([package(.pypi, "demo-pkg", "1.5.1")])
        XCTAssertEqual(result.findings.map(\.id), ["GHSA-dddd-eeee-ffff"])
        // A PEP 440 version that SemVer cannot read (an epoch) is unevaluated for that advisory, never safe.
        let epoch = try Matcher(source: try source).match([package(.pypi, "demo-pkg", "1!1.0")])
        XCTAssertEqual(epoch.unevaluated.map(\.advisoryIDs), [["GHSA-dddd-eeee-ffff"]])
    }

    func testInvalidVersionIsUnevaluatedNotSafe() throws {
        let result = try Matcher(source: try source).match([package(.pypi, "demo-pkg", "not a version")])
        XCTAssertEqual(result.findings.count, 0)
        XCTAssertEqual(result.unevaluated.count, 1)
        XCTAssertEqual(result.unevaluated.first?.advisoryIDs.count, 3, "it names the advisories that might apply")
    }

    /// OSV's `versions` list is compared as written: a version the ecosystem rejects that is listed
    /// there is affected, not "could not be evaluated".
    func testListedVersionsMatchAsWrittenEvenWhenTheEcosystemRejectsThem() throws {
        let source = InMemoryAdvisorySource([
            try record(#"{"id":"PYSEC-2099-1","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"PyPI","name":"pokemon"},"versions":["0.1-bulbasaur","trunk","1.0"]}]}"#),
        ])
        for version in ["0.1-bulbasaur", "trunk"] {
            let result = try Matcher(source: source).match([package(.pypi, "pokemon", version)])
            XCTAssertEqual(result.findings.map(\.id), ["PYSEC-2099-1"], version)
            XCTAssertEqual(result.unevaluated.count, 0, version)
        }
        XCTAssertEqual(try Matcher(source: source).match([package(.pypi, "pokemon", "nightly")]).unevaluated.count, 1)
    }

    /// GHSA's last_known_affected_version_range keeps the finding (OSV semantics) but says why it may be wrong.
    func testLastKnownAffectedRangeIsShownNotApplied() throws {
        let source = InMemoryAdvisorySource([
            try record(#"{"id":"GHSA-jjjj-jjjj-jjjj","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"npm","name":"express"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"3.4.5"}]}],"database_specific":{"last_known_affected_version_range":"< 4.0.0"}}]}"#),
        ])
        let past = try Matcher(source: source).match([package(.npm, "express", "4.18.2")])
        XCTAssertEqual(past.findings.count, 1)
        XCTAssertEqual(past.findings.first?.rangeNote?.hasPrefix("the advisory says affected versions end before 4.0.0"), true)
        let within = try Matcher(source: source).match([package(.npm, "express", "3.5.0")])
        XCTAssertNil(within.findings.first?.rangeNote)
    }

    /// The upgrade stays in the installed flavour (guava -jre never becomes -android).
    func testSafeUpgradeKeepsTheQualifierFamily() throws {
        let source = InMemoryAdvisorySource([
            try record(#"{"id":"GHSA-7g45-4rm6-3mm3","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"Maven","name":"com.google.guava:guava"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"32.0.0-android"}]}]}]}"#),
        ])
        let result = try Matcher(source: source).match([package(.maven, "com.google.guava:guava", "30.1-jre")])
        XCTAssertEqual(result.findings.first?.fixedVersions, ["32.0.0-android"], "what the advisory says")
        XCTAssertEqual(result.safeUpgrades.values.first, "32.0.0-jre")
        let android = try Matcher(source: source).match([package(.maven, "com.google.guava:guava", "30.1-android")])
        XCTAssertEqual(android.safeUpgrades.values.first, "32.0.0-android")
    }

    /// A MAL- record is a malicious package: CRITICAL whatever it says, never fixable, no upgrade.
    func testMaliciousPackagesAreCriticalAndNeverFixable() throws {
        let source = InMemoryAdvisorySource([
            try record(#"{"id":"MAL-2024-1234","modified":"2024-01-01T00:00:00Z","summary":"Malicious code in evil-pkg","affected":[{"package":{"ecosystem":"npm","name":"evil-pkg"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"9.9.9"}]}]}]}"#),
        ])
        let result = try Matcher(source: source).match([package(.npm, "evil-pkg", "1.0.0")])
        XCTAssertEqual(result.findings.first?.kind, .maliciousPackage)
        XCTAssertEqual(result.findings.first?.severity, .critical)
        XCTAssertEqual(result.findings.first?.fixedVersions, [])
        XCTAssertEqual(result.findings.first?.severitySource, "malicious package (MAL-2024-1234)")
        XCTAssertTrue(result.safeUpgrades.isEmpty)
    }
}

/// A package found in a JavaScript bundle with no version is never safe: every advisory for its name is listed.
final class BundledPackageMatcherTests: XCTestCase {
    func testBundledPackageWithoutVersionIsUnevaluatedWithItsAdvisories() throws {
        let source = InMemoryAdvisorySource([
            try OSVRecord.parse(Array(#"{"id":"GHSA-lodash-0001","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"npm","name":"lodash"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"4.17.21"}]}]}]}"#.utf8)),
            try OSVRecord.parse(Array(#"{"id":"GHSA-lodash-0002","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"npm","name":"lodash"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"4.17.12"}]}]}]}"#.utf8)),
        ])
        var bundled = Package(ecosystem: .npm, name: "lodash", version: "", versionKind: .unresolved, versionNote: "bundled in index.js without a stated version",
                              locations: [Location(path: "fn.zip", entryChain: ["index.js"])],
                              extractor: ExtractorID(id: "js-bundle:esbuild-comments", displayName: "js-bundle:esbuild-comments", source: .installed))
        let result = try Matcher(source: source).match([bundled])
        XCTAssertEqual(result.findings.count, 0)
        XCTAssertEqual(result.unevaluated.map(\.reason), ["lodash is bundled in index.js; its version is unknown; 2 advisories exist for lodash"])
        XCTAssertEqual(result.unevaluated.first?.advisoryIDs, ["GHSA-lodash-0001", "GHSA-lodash-0002"])
        // An unresolved package from another extractor (a Maven property) keeps today's behaviour.
        bundled.extractors = [ExtractorID(id: "pom-xml", displayName: "pom.xml", source: .declared)]
        XCTAssertTrue(try Matcher(source: source).match([bundled]).unevaluated.isEmpty)
    }
}
