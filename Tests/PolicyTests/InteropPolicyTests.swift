import Foundation
import TestSupport
import XCTest
import FnauditMatching
import FnauditModel
import FnauditPolicy

/// `.trivyignore`, `osv-scanner.toml` and VEX documents read and applied as suppressions.
final class InteropPolicyTests: XCTestCase {
    private func finding(_ id: String, aliases: [String] = [], ecosystem: Ecosystem = .npm, name: String = "lodash",
                         version: String = "4.17.15") -> Finding {
        let package = Package(ecosystem: ecosystem, name: name, version: version, locations: [Location(path: "package-lock.json")],
                              extractor: ExtractorID(id: "test", displayName: "test", source: .declared))
        return Finding(package: package, id: id, advisoryIDs: [id], aliases: aliases, summary: nil, severity: .high, cvssScore: nil,
                       cvssVector: nil, fixedVersions: ["9"], references: [])
    }

    private func report(_ findings: [Finding], suppressions: [Suppression] = [], vex: [VEXStatement] = [], today: String = "2026-06-01") -> AuditReport {
        AuditReport(inputs: ["x"], packages: findings.map(\.package), match: MatchResult(findings: findings, unevaluated: [], safeUpgrades: [:]),
                    issues: [], database: nil, includeDev: true, suppressions: suppressions, today: today, vex: vex)
    }

    func testTrivyIgnoreIdsExpiryAndComments() throws {
        let result = try IgnoreFiles.read(Fixtures.path("ignore-files/trivy/.trivyignore"))
        XCTAssertEqual(result.suppressions.map(\.id), ["CVE-2020-8203", "GHSA-35jh-r3h4-6jhm", "GHSA-29mw-wpgm-hmr9"])
        XCTAssertEqual(result.suppressions.map { $0.location.line }, [2, 5, 6])
        XCTAssertEqual(result.suppressions[0].reason, "Accept the risk: zipObjectDeep never sees user input")
        XCTAssertEqual(result.suppressions[1].reason, "an expired entry: counts again, with a warning")
        // Trivy stops ignoring on the exp: date itself: the last day it applies is the day before.
        XCTAssertEqual(result.suppressions.map(\.until), [nil, "2019-12-31", "2998-12-31"])
        XCTAssertEqual(Set(result.suppressions.map(\.origin)), [.trivyIgnore])
        let applied = report([finding("GHSA-p6mc-m468-83gw", aliases: ["CVE-2020-8203"]), finding("GHSA-35jh-r3h4-6jhm")],
                             suppressions: result.suppressions)
        XCTAssertEqual(applied.activeFindings.map(\.id), ["GHSA-35jh-r3h4-6jhm"])
        XCTAssertEqual(applied.configurationWarnings.count, 1)
        XCTAssertTrue(applied.configurationWarnings[0].message.contains(".trivyignore line 5"), applied.configurationWarnings[0].message)
    }

    func testTrivyIgnoreWithABadDateNamesItsLine() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent(".trivyignore").path
        try "CVE-1\nCVE-2 exp:tomorrow\n".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try IgnoreFiles.read(path)) { error in
            XCTAssertTrue("\(error)".hasSuffix(".trivyignore:2: exp: must be a date (YYYY-MM-DD), not \"tomorrow\""), "\(error)")
        }
    }

    func testOSVScannerIgnoredVulns() throws {
        let result = try IgnoreFiles.read(Fixtures.path("ignore-files/osv-scanner/osv-scanner.toml"))
        XCTAssertEqual(result.suppressions.map(\.id), ["GHSA-p6mc-m468-83gw", "PYSEC-2021-142", "GHSA-35jh-r3h4-6jhm"])
        XCTAssertEqual(result.suppressions.map(\.until), ["2999-11-08", nil, "2019-12-31"])
        XCTAssertEqual(result.suppressions.map(\.reason), ["zipObjectDeep is never reached", "only trusted YAML is loaded", "listed in osv-scanner.toml"])
        XCTAssertEqual(result.suppressions.map { $0.location.line }, [1, 6, 10])
        XCTAssertTrue(result.warnings.isEmpty)
    }

    func testOpenVEXStatements() throws {
        let result = try VEXReader.read(Fixtures.path("vex/lodash.openvex.json"))
        XCTAssertEqual(result.statements.map(\.status), [.notAffected, .underInvestigation, .notAffected, .fixed, .affected])
        // not_affected with neither justification nor impact statement is not trusted.
        XCTAssertEqual(result.warnings.count, 1)
        XCTAssertTrue(result.warnings[0].message.contains("x_NSWG-ECO-516: not_affected without a justification"), result.warnings[0].message)
        let applied = report([
            finding("GHSA-p6mc-m468-83gw", aliases: ["CVE-2020-8203"]),   // by alias, product without a version
            finding("GHSA-35jh-r3h4-6jhm"),                              // subcomponent with qualifiers: under investigation
            finding("GHSA-29mw-wpgm-hmr9"),                              // the statement is about 4.17.21 only
            finding("x_NSWG-ECO-516"),                                   // the statement without a reason
            finding("GHSA-6r97-cj55-9hrq", aliases: ["CVE-2019-14234"], ecosystem: .pypi, name: "Django", version: "2.2.0"),
        ], vex: result.statements)
        XCTAssertEqual(Set(applied.activeFindings.map(\.id)), ["GHSA-35jh-r3h4-6jhm", "GHSA-29mw-wpgm-hmr9", "x_NSWG-ECO-516", "GHSA-6r97-cj55-9hrq"],
                       "the later `affected` statement overrides the earlier `fixed` one")
        let suppressed = try XCTUnwrap(applied.suppression(of: applied.findings.first { $0.id == "GHSA-p6mc-m468-83gw" }!))
        XCTAssertEqual(suppressed.origin, .openVEX)
        XCTAssertEqual(suppressed.reason, "VEX not_affected (vulnerable_code_not_in_execute_path): zipObjectDeep is never called")
        XCTAssertEqual(suppressed.location.path, Fixtures.path("vex/lodash.openvex.json"))
        XCTAssertEqual(applied.investigation(of: applied.findings.first { $0.id == "GHSA-35jh-r3h4-6jhm" }!)?.status, .underInvestigation)
    }

    func testCycloneDXVEXStatements() throws {
        let result = try VEXReader.read(Fixtures.path("vex/express.cdx-vex.json"))
        XCTAssertEqual(result.statements.map(\.status), [.notAffected, .fixed, .underInvestigation, .affected])
        XCTAssertTrue(result.warnings.isEmpty)
        let express = { (id: String) in self.finding(id, name: "express", version: "4.17.1") }
        let applied = report([express("GHSA-rv95-896h-c2vc").withAliases(["CVE-2024-29041"]), express("GHSA-qw6h-vgh9-j6wx"),
                              finding("GHSA-m6fv-jmcg-4jfg", name: "send", version: "0.17.1"),
                              finding("GHSA-hrpp-h998-j3pp", name: "qs", version: "6.7.0"),
                              finding("GHSA-rv95-896h-c2vc", aliases: ["CVE-2024-29041"], name: "express", version: "5.0.0")],
                             vex: result.statements)
        XCTAssertEqual(applied.activeFindings.map { "\($0.package.name)@\($0.package.version) \($0.id)" }.sorted(),
                       ["express@5.0.0 GHSA-rv95-896h-c2vc", "qs@6.7.0 GHSA-hrpp-h998-j3pp", "send@0.17.1 GHSA-m6fv-jmcg-4jfg"])
        XCTAssertEqual(applied.suppression(of: applied.findings.first { $0.id == "GHSA-qw6h-vgh9-j6wx" }!)?.reason, "VEX fixed: patched in our fork")
    }

    func testConfigurationWinsOverVEX() throws {
        let vex = try VEXReader.read(Fixtures.path("vex/lodash.openvex.json")).statements
        let config = Suppression(id: "CVE-2020-8203", reason: "ours", location: Location(path: ".fnaudit.toml", line: 1))
        let applied = report([finding("GHSA-p6mc-m468-83gw", aliases: ["CVE-2020-8203"])], suppressions: [config], vex: vex)
        XCTAssertEqual(applied.suppression(of: applied.findings[0])?.reason, "ours")
    }

    func testBadVEXFilesAreOneLineErrors() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for (name, text, message) in [("a.json", "[1]", "not a JSON object"), ("b.json", "{\"x\": 1}", "neither OpenVEX"),
                                      ("c.json", "{", "not a VEX document"), ("d.json", "{\"bomFormat\": \"CycloneDX\"}", "without vulnerabilities")] {
            let path = directory.appendingPathComponent(name).path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            XCTAssertThrowsError(try VEXReader.read(path)) { error in
                XCTAssertTrue("\(error)".contains(message), "\(name): \(error)")
                XCTAssertFalse("\(error)".contains("\n"))
            }
        }
        XCTAssertThrowsError(try VEXReader.read(directory.appendingPathComponent("missing.json").path))
    }
}

private extension Finding {
    func withAliases(_ aliases: [String]) -> Finding {
        var copy = self
        copy.aliases = aliases
        return copy
    }
}
