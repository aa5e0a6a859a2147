import Foundation
import TestSupport
import XCTest
import FnauditAudit
import FnauditModel
import FnauditPolicy
import FnauditReporting

/// SBOM input, ignore files, VEX in and out, and licences, through the library facade against the shipped snapshot.
final class InteropEndToEndTests: XCTestCase {
    private func run(_ inputs: [String], includeDev: Bool = false, config: String? = nil, vex: [String] = []) throws -> AuditReport {
        var request = AuditRequest(inputs: inputs)
        request.databasePath = try ShippedDatabase.path()
        request.includeDev = includeDev
        request.configPath = config
        request.vexPaths = vex
        return try Audit.run(request)
    }

    private func findings(_ report: AuditReport) -> [String] {
        report.findings.map { "\($0.package.ecosystem.rawValue) \($0.package.normalizedName) \($0.package.version) \($0.id)" }.sorted()
    }

    /// Real SBOMs (npm sbom, cyclonedx-py; Tests/Fixtures/sbom/README.md) find what their lockfile finds.
    func testSBOMsFindWhatTheirLockfileFinds() throws {
        let npm = "sbom/npm-lockfile/", python = "sbom/python-requirements/"
        for includeDev in [false, true] {
            let lockfile = try run([Fixtures.path(npm + "package-lock.json")], includeDev: includeDev)
            XCTAssertGreaterThanOrEqual(lockfile.findings.count, 10)
            for sbom in ["bom.cdx.json", "bom.spdx.json"] {
                let report = try run([Fixtures.path(npm + sbom)], includeDev: includeDev)
                XCTAssertEqual(findings(report), findings(lockfile), "\(sbom), dev \(includeDev)")
                XCTAssertEqual(report.packages.map(\.purl), lockfile.packages.map(\.purl), sbom)
                XCTAssertEqual(report.packages.map(\.licenses), lockfile.packages.map(\.licenses), sbom)
                XCTAssertTrue(report.errors.isEmpty, "\(report.errors)")
            }
        }
        let requirements = try run([Fixtures.path(python + "requirements.txt")])
        XCTAssertFalse(requirements.findings.isEmpty)
        for sbom in ["bom.cdx.json", "bom-1.4.cdx.json"] {
            XCTAssertEqual(findings(try run([Fixtures.path(python + sbom)])), findings(requirements), sbom)
        }
    }

    func testTrivyIgnoreAtTheScanRootAppliesUnlessConfigIsNamed() throws {
        let root = Fixtures.path("ignore-files/trivy")
        let report = try run([root])
        let suppressed = report.findings.compactMap { report.suppression(of: $0) }
        XCTAssertFalse(suppressed.isEmpty)
        XCTAssertTrue(suppressed.allSatisfy { $0.origin == .trivyIgnore && $0.location.path.hasSuffix("ignore-files/trivy/.trivyignore") })
        XCTAssertTrue(report.findings.contains { $0.id == "GHSA-p6mc-m468-83gw" && report.suppression(of: $0)?.id == "CVE-2020-8203" })
        XCTAssertTrue(report.activeFindings.contains { $0.id == "GHSA-35jh-r3h4-6jhm" }, "its exp: date has passed")
        XCTAssertTrue(report.configurationWarnings.contains { $0.message.contains("expired") })

        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("ci.toml").path
        try "".write(toFile: config, atomically: true, encoding: .utf8)
        let explicit = try run([root], config: config)
        XCTAssertEqual(explicit.activeFindings.count, explicit.findings.count, "--config is the whole policy")
        XCTAssertTrue(explicit.warnings.contains { $0.message == "not applied: --config names the whole policy" })
    }

    func testOSVScannerTomlAtTheScanRoot() throws {
        let report = try run([Fixtures.path("ignore-files/osv-scanner")])
        let origins = Set(report.findings.compactMap { report.suppression(of: $0)?.origin })
        XCTAssertEqual(origins, [.osvScanner])
        XCTAssertTrue(report.findings.contains { $0.package.name == "pyyaml" && report.suppression(of: $0)?.reason == "only trusted YAML is loaded" })
        XCTAssertTrue(report.findings.contains { $0.id == "GHSA-p6mc-m468-83gw" && report.suppression(of: $0) != nil })
    }

    func testVEXInAndOpenVEXOutRoundTrip() throws {
        let lock = Fixtures.path("sbom/npm-lockfile/package-lock.json")
        let report = try run([lock], vex: [Fixtures.path("vex/lodash.openvex.json"), Fixtures.path("vex/express.cdx-vex.json")])
        let suppressedIDs = report.findings.filter { report.suppression(of: $0) != nil }.map(\.id).sorted()
        XCTAssertEqual(suppressedIDs, ["GHSA-p6mc-m468-83gw", "GHSA-qw6h-vgh9-j6wx", "GHSA-rv95-896h-c2vc"])
        XCTAssertEqual(report.findings.filter { report.investigation(of: $0) != nil }.map(\.id).sorted(), ["GHSA-35jh-r3h4-6jhm", "GHSA-m6fv-jmcg-4jfg"])
        XCTAssertTrue(report.warnings.contains { $0.message.contains("x_NSWG-ECO-516") })

        // Under investigation is said in every report for people and in SARIF, and the finding still counts there.
        let sarif = try XCTUnwrap(try JSONSerialization.jsonObject(with: SARIFReport.render(report, version: "test")) as? [String: Any])
        let results = try XCTUnwrap(((sarif["runs"] as? [[String: Any]])?.first)?["results"] as? [[String: Any]])
        let marked = results.filter { ($0["properties"] as? [String: Any])?["vexStatus"] as? String == "under_investigation" }
        XCTAssertEqual(marked.compactMap { $0["ruleId"] as? String }.sorted(), ["GHSA-35jh-r3h4-6jhm", "GHSA-m6fv-jmcg-4jfg"])
        XCTAssertTrue(marked.allSatisfy { $0["suppressions"] == nil && (($0["message"] as? [String: Any])?["text"] as? String)?.contains("Under investigation") == true })
        let markdown = MarkdownReport.render(report)
        XCTAssertTrue(markdown.contains("2 under investigation (VEX; still counted)") && markdown.contains("| GHSA-35jh-r3h4-6jhm |"), markdown)
        let html = HTMLReport.render(report, version: "test")
        XCTAssertTrue(html.contains("Under investigation (2; VEX, still counted)") && html.contains("GHSA-m6fv-jmcg-4jfg"))

        // What fnaudit writes, read back, suppresses the same findings and marks the same ones.
        let data = try OpenVEXReport.render(report, version: "test")
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(object["@context"] as? String, "https://openvex.dev/ns/v0.2.0")
        let statements = try XCTUnwrap(object["statements"] as? [[String: Any]])
        XCTAssertEqual(statements.count, report.findings.count)
        for statement in statements where statement["status"] as? String == "affected" {
            XCTAssertNotNil(statement["action_statement"], "affected needs an action statement")
        }
        for statement in statements where statement["status"] as? String == "not_affected" {
            XCTAssertTrue(statement["justification"] != nil || statement["impact_statement"] != nil)
        }
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("fnaudit.openvex.json")
        try data.write(to: path)
        let again = try run([lock], vex: [path.path])
        XCTAssertEqual(again.findings.filter { again.suppression(of: $0) != nil }.map(\.id).sorted(), suppressedIDs)
        XCTAssertEqual(again.findings.filter { again.investigation(of: $0) != nil }.map(\.id).sorted(), ["GHSA-35jh-r3h4-6jhm", "GHSA-m6fv-jmcg-4jfg"])
    }

    /// `.fnaudit.toml` suppressions become not_affected statements with their reason.
    func testConfigSuppressionsBecomeNotAffected() throws {
        let report = try run([Fixtures.path("policy/tree")])
        let data = try OpenVEXReport.render(report, version: "test")
        let statements = try XCTUnwrap((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["statements"] as? [[String: Any]])
        let notAffected = statements.filter { $0["status"] as? String == "not_affected" }
        XCTAssertEqual(notAffected.count, 1)
        XCTAssertEqual(notAffected.first?["impact_statement"] as? String, "zipObjectDeep is never called with user input")
        XCTAssertEqual(((notAffected.first?["products"] as? [[String: Any]])?.first?["@id"]) as? String, "pkg:npm/lodash@4.17.15")
    }

    /// Licences as a real npm lockfile of the corpus records them (npm/cli's own, 1,000+ packages).
    func testLicencesOfACorpusLockfile() throws {
        let source = Fixtures.shared("corpus/lockfiles/package-lock-v3/real/npm__cli@780afc50__package-lock.json")
        try XCTSkipUnless(FileManager.default.fileExists(atPath: source), "no corpus beside the repository")
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let lock = directory.appendingPathComponent("package-lock.json")
        try FileManager.default.copyItem(atPath: source, toPath: lock.path)
        var request = AuditRequest(inputs: [lock.path])
        request.includeDev = true
        let report = Audit.inventory(request)
        func licenses(_ name: String, _ version: String) -> [String]? { report.packages.first { $0.name == name && $0.version == version }?.licenses }
        XCTAssertEqual(licenses("semver", "7.6.3"), ["ISC"])
        XCTAssertEqual(licenses("spdx-license-ids", "3.0.18"), ["CC0-1.0"])
        XCTAssertEqual(licenses("spdx-exceptions", "2.5.0"), ["CC-BY-3.0"])
        XCTAssertGreaterThan(report.packages.filter { !$0.licenses.isEmpty }.count, 1_000)
        XCTAssertTrue(report.packages.contains { $0.licenses == ["(MIT OR CC0-1.0)"] }, "expressions are kept whole")
    }

    /// Installed metadata in the polyglot bundle: what METADATA says, raw when it is not an SPDX name.
    func testLicencesOfTheBundleFixture() {
        let report = Audit.inventory(AuditRequest(inputs: [Fixtures.path("bundles/zips/polyglot.zip")]))
        func licenses(_ name: String) -> [String]? { report.packages.first { $0.name == name }?.licenses }
        XCTAssertEqual(licenses("requests"), ["Apache-2.0"])
        XCTAssertEqual(licenses("urllib3"), ["MIT"])
        XCTAssertEqual(licenses("Jinja2"), ["BSD"], "BSD alone names no SPDX licence: kept as written")
        XCTAssertEqual(licenses("idna"), ["BSD-like"])
    }
}
