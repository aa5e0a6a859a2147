import XCTest
import FnauditAudit
import FnauditModel
import FnauditPolicy
import TestSupport

/// Issue 17's acceptance: a function both vulnerable and over-privileged has its findings marked
/// `elevated`; the same kind of finding in a scoped function is not; the gate sees the risks.
final class PermissionExposureTests: XCTestCase {
    func report(_ scanners: Set<ScannerKind> = Set(ScannerKind.allCases)) throws -> AuditReport {
        var request = AuditRequest(inputs: [Fixtures.path("iam/sam")])
        request.databasePath = try ShippedDatabase.path()
        request.scanners = scanners
        return try Audit.run(request)
    }

    func testVulnerableAndOverPrivilegedFunctionElevatesItsFindings() throws {
        let report = try report()
        let orders = try XCTUnwrap(report.functions.first { $0.definition.name == "OrdersFunction" })
        let findings = report.findings(of: orders)
        XCTAssertFalse(findings.isEmpty, "requests 2.19.0 is vulnerable (CVE-2018-18074)")
        XCTAssertTrue(findings.allSatisfy { $0.package.name == "requests" })
        for finding in findings {
            let exposure = try XCTUnwrap(report.exposure(of: finding), finding.id)
            XCTAssertEqual(exposure.level, "elevated")
            XCTAssertEqual(exposure.function, "OrdersFunction")
            XCTAssertEqual(exposure.risk.rule, "wildcard-action")
            XCTAssertTrue(exposure.reason.hasPrefix("CRITICAL in OrdersFunction, which may call any AWS API"), exposure.reason)
        }
        // PyYAML 5.3 loads in ScopedFunction only, whose permissions are scoped: not elevated.
        let scoped = try XCTUnwrap(report.functions.first { $0.definition.name == "ScopedFunction" })
        let scopedFindings = report.findings(of: scoped)
        XCTAssertFalse(scopedFindings.isEmpty)
        XCTAssertTrue(scopedFindings.allSatisfy { report.exposure(of: $0) == nil })
    }

    func testTheGateSeesPermissionRisks() throws {
        let withRisks = try report([.permissions])
        XCTAssertTrue(withRisks.findings.isEmpty)
        XCTAssertEqual(withRisks.outcome(GatePolicy(threshold: .critical)), .failed, "CRITICAL risks fail --fail-on CRITICAL")
        XCTAssertEqual(withRisks.outcome(GatePolicy(threshold: .none)), .clean)
        XCTAssertEqual(withRisks.outcome(GatePolicy(threshold: .critical, onlyFixable: true)), .failed, "a grant can always be narrowed")
        let without = try report([.vuln])
        XCTAssertTrue(without.permissionRisks.isEmpty)
        XCTAssertTrue(without.findings.allSatisfy { without.exposure(of: $0) == nil }, "no permissions read, nothing elevated")
    }
}
