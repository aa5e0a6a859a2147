import XCTest
import FnauditAudit
import FnauditModel
import FnauditPolicy
import FnauditReporting
import TestSupport

/// The deployment view in every format, on the SAM fixture against the shipped advisories: findings
/// grouped per function; findings on copies that never load listed apart and never gating.
final class FunctionReportTests: XCTestCase {
    /// Built once for all tests of the class (a scan and a match against the shipped database).
    static let shared: Result<AuditReport, Error> = Result {
        var request = AuditRequest(inputs: [Fixtures.path("deployment/sam")])
        request.databasePath = try ShippedDatabase.path()
        request.scanners = [.vuln]
        return try Audit.run(request)
    }

    func report() throws -> AuditReport { try Self.shared.get() }

    func testShadowedFindingsNeverGate() throws {
        let report = try report()
        let shadowed = report.findings.filter(report.isShadowed)
        let names = Set(shadowed.map { "\($0.package.name)@\($0.package.version)" })
        XCTAssertTrue(names.isSubset(of: ["requests@2.19.0", "urllib3@1.24.1", "Pygments@2.5.1", "semver@7.6.2"]), "\(names)")
        XCTAssertTrue(names.contains("requests@2.19.0") && names.contains("urllib3@1.24.1"), "\(names)")
        XCTAssertTrue(report.activeFindings.allSatisfy { !report.isShadowed($0) })
        // Only shadowed findings: nothing would gate. With the effective ones: it does.
        var onlyShadowed = report
        onlyShadowed.findings = shadowed
        XCTAssertEqual(onlyShadowed.outcome(GatePolicy(threshold: .any)), .clean)
        XCTAssertEqual(report.outcome(GatePolicy(threshold: .any)), .failed)
        let orders = try XCTUnwrap(report.functions.first { $0.definition.name == "OrdersFunction" })
        XCTAssertTrue(report.findings(of: orders).contains { $0.package.name == "urllib3" && $0.package.version == "1.26.18" })
        XCTAssertFalse(report.findings(of: orders).contains { $0.package.version == "2.19.0" || $0.package.version == "1.24.1" })
    }

    func testTableAndMarkdownHaveASectionPerFunction() throws {
        let report = try report()
        let table = TableReport.render(report, colour: false, width: 100)
        for name in ["OrdersFunction (sam; python3.12; layers: CommonLayer, PatchLayer", "WebFunction (sam; nodejs18.x", "ReportsFunction",
                     "ThumbnailFunction", "not scanned: a container image", "On shadowed copies only", "requests 2.19.0"] {
            XCTAssertTrue(table.contains(name), "table lacks \(name):\n\(table)")
        }
        let markdown = MarkdownReport.render(report)
        XCTAssertTrue(markdown.contains("#### OrdersFunction"))
        XCTAssertTrue(markdown.contains("#### WebFunction"))
    }

    func testJSONAndJSONLinesCarryTheFunctions() throws {
        let report = try report()
        let document = try XCTUnwrap(JSONSerialization.jsonObject(with: try JSONReport.render(report, version: "test")) as? [String: Any])
        let functions = try XCTUnwrap(document["functions"] as? [[String: Any]])
        let orders = try XCTUnwrap(functions.first { $0["name"] as? String == "OrdersFunction" })
        XCTAssertEqual(orders["framework"] as? String, "sam")
        XCTAssertEqual(orders["runtime"] as? String, "python3.12")
        XCTAssertEqual(Set(orders["packages"] as? [String] ?? []), ["pkg:pypi/jinja2@2.10", "pkg:pypi/requests@2.31.0", "pkg:pypi/urllib3@1.26.18"])
        let shadowed = try XCTUnwrap(orders["shadowed"] as? [[String: Any]])
        XCTAssertTrue(shadowed.contains { $0["purl"] as? String == "pkg:pypi/requests@2.19.0" && $0["by"] as? String == "pkg:pypi/requests@2.31.0" })
        XCTAssertFalse((orders["findings"] as? [String] ?? []).isEmpty)

        let lines = String(decoding: try JSONReport.renderLines(report, version: "test"), as: UTF8.self).split(separator: "\n")
        let objects = try lines.map { try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        XCTAssertEqual(objects.filter { $0["type"] as? String == "function" }.count, 4)
        // src/orders/requirements.txt names requests 2.31.0, which OrdersFunction's line already carries.
        XCTAssertEqual(objects.filter { $0["type"] as? String == "input" }.count, 0)
    }

    func testSARIFNamesTheFunctionsAndValidates() throws {
        let report = try report()
        let data = try SARIFReport.render(report, version: "test")
        let text = String(decoding: data, as: UTF8.self)
        XCTAssertTrue(text.contains("Loads in function OrdersFunction"))
        XCTAssertTrue(text.contains("shadowed: every copy never loads"))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fnaudit-functions-\(UUID().uuidString).sarif").path
        try data.write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let validation = try Tool.run(["python3", Fixtures.repository.appendingPathComponent("Scripts/validate-report.py").path, "sarif", path])
        XCTAssertEqual(validation.status, 0, validation.stdout + validation.stderr)
    }
}
