import TestSupport
import XCTest
import FnauditAdvisoryDB
import FnauditAudit
@testable import FnauditMatching
import FnauditModel
import FnauditPolicy
import FnauditScanning

/// Trees with known-vulnerable pins in all three ecosystems, against the shipped snapshot.
final class EndToEndTests: XCTestCase {
    private func scan(_ relative: String) throws -> (Inventory, MatchResult) {
        let inventory = InventoryScanner().inventory(of: [Fixtures.path(relative)])
        return (inventory, try Matcher(source: try ShippedDatabase.store()).match(inventory.packages))
    }

    func testVulnerablePinsFindTheirAdvisoriesAndFixes() throws {
        let (inventory, result) = try scan("e2e/vulnerable")
        func finding(_ name: String, _ id: String) -> Finding? {
            result.findings.first { $0.package.name == name && $0.advisoryIDs.contains(id) }
        }
        // lodash 4.17.15: prototype pollution (CVE-2020-8203) fixed in 4.17.19; command injection fixed in 4.17.21.
        XCTAssertEqual(finding("lodash", "GHSA-p6mc-m468-83gw")?.fixedVersions, ["4.17.19"])
        XCTAssertEqual(finding("lodash", "GHSA-35jh-r3h4-6jhm")?.fixedVersions, ["4.17.21"])
        XCTAssertEqual(finding("lodash", "GHSA-p6mc-m468-83gw")?.aliases.contains("CVE-2020-8203"), true)
        // django 2.2.0: the GHSA and the PYSEC record of CVE-2019-14234 are one finding.
        let sql = finding("django", "GHSA-6r97-cj55-9hrq")
        XCTAssertEqual(sql?.advisoryIDs.contains("PYSEC-2019-13"), true, "aliases are grouped")
        XCTAssertEqual(sql?.severity, .critical)
        XCTAssertEqual(sql?.fixedVersions, ["2.2.4"])
        // jackson-databind 2.9.8 and log4j-core 2.14.1.
        XCTAssertEqual(finding("com.fasterxml.jackson.core:jackson-databind", "GHSA-288c-cq4h-88gq")?.fixedVersions, ["2.9.10.7"])
        let log4shell = finding("org.apache.logging.log4j:log4j-core", "GHSA-jfh8-c2jp-5v3q")
        XCTAssertEqual(log4shell?.fixedVersions, ["2.15.0"])
        XCTAssertEqual(log4shell?.cvssScore, 10.0)
        // The smallest version that fixes every log4j-core finding.
        let log4j = inventory.packages.first { $0.name == "org.apache.logging.log4j:log4j-core" }
        XCTAssertEqual(log4j.flatMap { result.safeUpgrades[$0.identity] }, "2.17.1")
        // The unpinned requirement is reported but never matched; the dev dependency is found but flagged.
        let requests = inventory.packages.first { $0.name == "requests" }
        XCTAssertEqual(requests?.versionKind, .unpinned)
        XCTAssertFalse(result.findings.contains { $0.package.name == "requests" })
        XCTAssertEqual(inventory.packages.first { $0.name == "minimist" }?.isDev, true)
    }

    func testSafeVersionsFindNothing() throws {
        let (inventory, result) = try scan("e2e/safe")
        XCTAssertEqual(inventory.packages.filter { !$0.isDev }.count, 4)
        XCTAssertEqual(result.findings.map { "\($0.package.name) \($0.id)" }, [])
        XCTAssertEqual(result.unevaluated.count, 0)
    }

    func testDevDependenciesAreLeftOutOfReportsUnlessAskedFor() throws {
        let (inventory, result) = try scan("e2e/vulnerable")
        let withoutDev = AuditReport(inputs: [], packages: inventory.packages, match: result, issues: [], database: nil, includeDev: false)
        let withDev = AuditReport(inputs: [], packages: inventory.packages, match: result, issues: [], database: nil, includeDev: true)
        XCTAssertFalse(withoutDev.packages.contains { $0.name == "minimist" })
        XCTAssertTrue(withDev.findings.contains { $0.package.name == "minimist" }, "minimist 1.2.0 has known advisories")
        XCTAssertFalse(withoutDev.findings.contains { $0.package.name == "minimist" })
    }

    func testLog4j1WithAnEmptyFixedEventIsStillReported() throws {
        let (_, result) = try scan("e2e/log4j1")
        XCTAssertTrue(result.findings.contains { $0.advisoryIDs.contains("GHSA-f7vh-qwp3-x37m") })
    }

    func testInvalidVersionIsUnevaluatedNotSafe() throws {
        let package = Package(ecosystem: .pypi, name: "django", version: "not-a-version", locations: [Location(path: "x")], extractor: ExtractorID(id: "test", displayName: "test", source: .declared))
        let result = try Matcher(source: try ShippedDatabase.store()).match([package])
        XCTAssertEqual(result.findings.count, 0)
        XCTAssertEqual(result.unevaluated.count, 1)
        XCTAssertFalse(result.unevaluated[0].advisoryIDs.isEmpty, "it names the advisories that might apply")
    }

    /// The library facade runs the whole pipeline: inputs to a report with policy applied.
    func testAuditRunsThePipelineWithPolicy() throws {
        var request = AuditRequest(inputs: [Fixtures.path("policy/tree")])
        request.databasePath = try ShippedDatabase.path()
        let report = try Audit.run(request)
        XCTAssertFalse(report.findings.isEmpty)
        XCTAssertEqual(report.suppressed.count, 1, "the active suppression of .fnaudit.toml applies")
        XCTAssertEqual(report.configurationWarnings.count, 1, "the expired one is a warning")
        XCTAssertEqual(report.outcome(GatePolicy(threshold: .none)), .clean)
        XCTAssertEqual(report.outcome(GatePolicy(threshold: .any)), .failed)
        XCTAssertNotNil(report.database?.snapshotDate)
    }
}

/// Jars known only by their manifest are matched under their real coordinates.
final class JarIdentificationTests: XCTestCase {
    func testLog4j1FromItsManifestFindsItsCriticalAdvisory() throws {
        var request = AuditRequest(inputs: [Fixtures.path("java-archive/log4j-1.2-1.2.17.jar")])
        request.databasePath = try ShippedDatabase.path()
        let report = try Audit.run(request)
        XCTAssertTrue(report.findings.contains { $0.aliases.contains("CVE-2019-17571") || $0.advisoryIDs.contains("CVE-2019-17571") },
                      report.findings.map(\.id).joined(separator: " "))
        let log4j = try XCTUnwrap(report.packages.first)
        XCTAssertEqual(log4j.digests?.sha1.count, 40)
        XCTAssertEqual(log4j.digests?.sha256.count, 64)
    }
}

/// Severity comes from every record of a finding's alias group, CVSS v4.0 included.
final class SeverityTests: XCTestCase {
    func testAV4OnlyAdvisoryGatesOnHigh() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try "protobuf==4.25.0\n".write(to: directory.appendingPathComponent("requirements.txt"), atomically: true, encoding: .utf8)
        var request = AuditRequest(inputs: [directory.path])
        request.databasePath = try ShippedDatabase.path()
        let report = try Audit.run(request)
        let scored = report.findings.filter { $0.severitySource?.hasPrefix("CVSS v4.0") == true }
        XCTAssertFalse(scored.isEmpty, report.findings.map { "\($0.id) \($0.severitySource ?? "-")" }.joined(separator: "; "))
        XCTAssertTrue(scored.allSatisfy { $0.severity == .high && $0.cvssScore == 8.2 })
        XCTAssertEqual(report.outcome(GatePolicy(threshold: .high)), .failed)
    }

    /// No advisory group of the shipped snapshot is rated UNKNOWN while one of its records has a
    /// CVSS vector (v3 or v4) or a severity label.
    func testNoGroupWithAVectorOrALabelIsUnknown() throws {
        let store = try ShippedDatabase.store()
        let count = try store.status().advisories
        let all = Array(try store.advisories(keys: Set((1...Int64(count)).map { $0 })).values)
        XCTAssertEqual(all.count, count)
        var unknown = 0, rated = 0
        for group in AliasGrouping.group(all) {
            var finding = Finding(package: Package(ecosystem: .npm, name: "x", version: "1", locations: [], extractor: ExtractorID(id: "t", displayName: "t", source: .declared)),
                                  id: group[0].id, advisoryIDs: group.map(\.id), aliases: [], summary: nil, severity: .unknown,
                                  cvssScore: nil, cvssVector: nil, fixedVersions: [], references: [])
            Matcher.rate(&finding, group)
            let known = group.contains { $0.cvssScore != nil || $0.cvss4Score != nil || $0.severityLabel != nil }
            if known { rated += 1; XCTAssertNotEqual(finding.severity, .unknown, group.map(\.id).joined(separator: " ")) } else { unknown += 1 }
        }
        XCTAssertGreaterThan(rated, 4_000)
        print("snapshot groups rated: \(rated), without any vector or label: \(unknown)")
    }
}
