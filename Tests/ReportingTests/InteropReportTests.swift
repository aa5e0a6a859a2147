import Foundation
import TestSupport
import XCTest
import FnauditAudit
import FnauditModel
import FnauditPolicy
import FnauditReporting

/// Licences and the scanned artifact in CycloneDX (still valid 1.6), the inventory table and JSON.
final class InteropReportTests: XCTestCase {
    private func inventory() -> AuditReport {
        var report = Audit.inventory(AuditRequest(inputs: [Fixtures.path("sbom/npm-lockfile/package-lock.json")]))
        // Every licence form: an id, an expression, a name that is not SPDX, and several at once.
        report.packages[0].licenses = ["(MIT OR Apache-2.0)"]
        report.packages[1].licenses = ["SEE LICENSE IN LICENSE.md"]
        report.packages[2].licenses = ["MIT", "Apache Software License", "BSD-3-Clause OR MIT"]
        return report
    }

    func testCycloneDXLicencesAndMetadataComponentValidate() throws {
        let report = inventory()
        let data = try CycloneDXReport.render(report, version: "test", withVulnerabilities: false)
        let document = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let metadata = try XCTUnwrap(document["metadata"] as? [String: Any])
        XCTAssertEqual((metadata["component"] as? [String: Any])?["name"] as? String, "package-lock.json")
        let components = try XCTUnwrap(document["components"] as? [[String: Any]])
        let licences = components.map { ($0["licenses"] as? [[String: Any]]) ?? [] }
        XCTAssertEqual(licences[0].first?["expression"] as? String, "(MIT OR Apache-2.0)")
        XCTAssertEqual((licences[1].first?["license"] as? [String: Any])?["name"] as? String, "SEE LICENSE IN LICENSE.md")
        XCTAssertEqual(licences[2].count, 3)
        XCTAssertEqual((licences[3].first?["license"] as? [String: Any])?["id"] as? String, "MIT")

        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var request = AuditRequest(inputs: [Fixtures.path("sbom/npm-lockfile/bom.cdx.json")])
        request.databasePath = try ShippedDatabase.path()
        request.vexPaths = [Fixtures.path("vex/lodash.openvex.json"), Fixtures.path("vex/express.cdx-vex.json")]
        let scan = try Audit.run(request)
        for (name, bytes) in [("inventory.cdx.json", data),
                              ("scan.cdx.json", try CycloneDXReport.render(scan, version: "test", withVulnerabilities: true))] {
            let path = directory.appendingPathComponent(name).path
            try bytes.write(to: URL(fileURLWithPath: path))
            let result = try Tool.run(["python3", Fixtures.repository.appendingPathComponent("Scripts/validate-report.py").path, "cyclonedx", path])
            XCTAssertEqual(result.stdout, "valid\n", "\(name): \(result.stdout)\(result.stderr)")
        }
        let scanText = String(decoding: try CycloneDXReport.render(scan, version: "test", withVulnerabilities: true), as: UTF8.self)
        XCTAssertTrue(scanText.contains("\"state\" : \"in_triage\""))
        XCTAssertTrue(scanText.contains("\"justification\" : \"code_not_reachable\""))
    }

    func testInventoryTableAndJSONShowLicences() throws {
        let report = inventory()
        let table = InventoryTable.render(report)
        let rows = table.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false) }
        XCTAssertEqual(rows[0][3], "(MIT OR Apache-2.0)")
        XCTAssertEqual(rows[2][3], "MIT, Apache Software License, BSD-3-Clause OR MIT")
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: try JSONReport.render(report, version: "t", withFindings: false)) as? [String: Any])
        let packages = try XCTUnwrap(json["packages"] as? [[String: Any]])
        XCTAssertEqual(packages[3]["licenses"] as? [String], ["MIT"])
    }
}
