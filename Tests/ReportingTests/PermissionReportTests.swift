import XCTest
import FnauditAudit
import FnauditModel
import FnauditPolicy
@testable import FnauditReporting
import TestSupport

/// How every format shows permission risks and elevated findings (the iam/sam fixture, scanned for real).
final class PermissionReportTests: XCTestCase {
    static let report: Result<AuditReport, Error> = Result {
        var request = AuditRequest(inputs: [Fixtures.path("iam/sam")])
        request.databasePath = try ShippedDatabase.path()
        return try Audit.run(request)
    }

    func testTableSortsElevatedFunctionsFirstAndSaysWhy() throws {
        let report = try Self.report.get()
        let text = TableReport.render(report, colour: false, width: 200)
        let sections = text.components(separatedBy: "\n").filter { $0.hasPrefix("── ") }
        XCTAssertTrue(sections.first?.hasPrefix("── OrdersFunction") ?? false, sections.joined(separator: "\n"))
        let orders = try XCTUnwrap(text.range(of: "── OrdersFunction"))
        let scoped = try XCTUnwrap(text.range(of: "── ScopedFunction"))
        XCTAssertLessThan(orders.lowerBound, scoped.lowerBound, "elevated findings come first")
        XCTAssertTrue(text.contains("findings elevated: CRITICAL in OrdersFunction, which may call any AWS API"), text)
        XCTAssertTrue(text.contains("CRITICAL wildcard-action at template.yaml:42"), text)
        XCTAssertTrue(text.contains("permissions: no risky grant found"), "ScopedFunction says so")
        XCTAssertTrue(TableReport.summaryLine(report).contains("permission risks ("), TableReport.summaryLine(report))
    }

    func testJSONMarksElevatedFindingsAndListsRisks() throws {
        let report = try Self.report.get()
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: try JSONReport.render(report, version: "test")) as? [String: Any])
        let findings = try XCTUnwrap(json["findings"] as? [[String: Any]])
        let requests = findings.filter { ($0["package"] as? [String: Any])?["name"] as? String == "requests" }
        XCTAssertFalse(requests.isEmpty)
        XCTAssertTrue(requests.allSatisfy { $0["exposure"] as? String == "elevated" && ($0["exposureReason"] as? String)?.contains("OrdersFunction") == true })
        let pyyaml = findings.filter { ($0["package"] as? [String: Any])?["name"] as? String == "PyYAML" }
        XCTAssertFalse(pyyaml.isEmpty)
        XCTAssertTrue(pyyaml.allSatisfy { $0["exposure"] == nil })
        let functions = try XCTUnwrap(json["functions"] as? [[String: Any]])
        let orders = try XCTUnwrap(functions.first { $0["name"] as? String == "OrdersFunction" })
        let permissions = try XCTUnwrap(orders["permissions"] as? [String: Any])
        XCTAssertEqual(permissions["role"] as? String, "OrdersRole")
        let risks = try XCTUnwrap(permissions["risks"] as? [[String: Any]])
        XCTAssertEqual(risks.first?["rule"] as? String, "wildcard-action")
        XCTAssertEqual((risks.first?["location"] as? [String: Any])?["line"] as? Int, 42)
        XCTAssertNotNil((json["summary"] as? [String: Any])?["permissionRisks"])
    }

    func testSARIFHasAResultPerRiskAndExposureOnFindings() throws {
        let report = try Self.report.get()
        let sarif = try XCTUnwrap(JSONSerialization.jsonObject(with: try SARIFReport.render(report, version: "test")) as? [String: Any])
        let run = try XCTUnwrap((sarif["runs"] as? [[String: Any]])?.first)
        let results = try XCTUnwrap(run["results"] as? [[String: Any]])
        let iam = results.filter { ($0["ruleId"] as? String)?.hasPrefix("iam/") == true }
        XCTAssertEqual(iam.count, report.permissionRisks.count)
        XCTAssertTrue(iam.contains { $0["ruleId"] as? String == "iam/public-url" })
        let location = (iam.first?["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any]
        XCTAssertTrue(((location?["artifactLocation"] as? [String: Any])?["uri"] as? String)?.hasSuffix("iam/sam/template.yaml") ?? false)
        let elevated = results.filter { ($0["properties"] as? [String: Any])?["exposure"] as? String == "elevated" }
        XCTAssertFalse(elevated.isEmpty)
        let rules = ((run["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]] ?? []
        XCTAssertTrue(rules.contains { $0["id"] as? String == "iam/wildcard-action" })
    }

    func testMarkdownListsRisksPerFunction() throws {
        let report = try Self.report.get()
        let markdown = MarkdownReport.render(report)
        XCTAssertTrue(markdown.contains("**Findings elevated**: CRITICAL in OrdersFunction"), markdown)
        XCTAssertTrue(markdown.contains("- HIGH `public-url`"), markdown)
    }
}
