import Foundation
import TestSupport
import XCTest
import FnauditAudit
import FnauditPolicy
import FnauditReporting
import FnauditScanning

/// The HTML report in a real browser: headless Chromium renders it, no console error, and what the
/// page shows (counts, first row) is what the JSON report of the same scan says.
final class HTMLReportTests: XCTestCase {
    func testTheReportRendersInHeadlessChromiumAndAgreesWithJSON() throws {
        guard let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("chromium is not installed (apt-get install chromium): the HTML report was not checked in a browser")
        }
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(Fixtures.repository.path))
        var request = AuditRequest(inputs: ["Tests/Fixtures/policy/tree"])
        request.databasePath = try ShippedDatabase.path()
        let report = try Audit.run(request)
        let directory = try makeTemporaryDirectory()
        let page = directory.appendingPathComponent("report.html")
        try HTMLReport.render(report, version: FnauditInfo.version).write(to: page, atomically: true, encoding: .utf8)
        let flags = ["--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0", "--virtual-time-budget=3000"]
        let dom = try Tool.run([chromium] + flags + ["--dump-dom", page.absoluteString], timeout: 120)
        XCTAssertEqual(dom.status, 0, dom.stderr)
        let console = dom.stderr.split(separator: "\n").filter { $0.contains("CONSOLE") || $0.contains("Uncaught") }
        XCTAssertEqual(console, [], "console errors")

        let json = try JSONSerialization.jsonObject(with: try JSONReport.render(report, version: FnauditInfo.version)) as? [String: Any]
        let findings = json?["findings"] as? [[String: Any]] ?? []
        let active = findings.filter { $0["suppressed"] == nil }
        func card(_ id: String) -> String? {
            dom.stdout.range(of: "id=\"card-\(id)\">").map { String(dom.stdout[$0.upperBound...].prefix { $0.isNumber }) }
        }
        XCTAssertEqual(card("findings"), String(active.count))
        XCTAssertEqual(card("packages"), String((json?["packages"] as? [Any])?.count ?? -1))
        XCTAssertEqual(card("critical"), String(active.filter { $0["severity"] as? String == "CRITICAL" }.count))
        // The first row is the most severe finding: the highest CVSS score among the CRITICAL ones.
        let worst = active.filter { $0["severity"] as? String == "CRITICAL" }.max { ($0["cvssScore"] as? Double ?? 0) < ($1["cvssScore"] as? Double ?? 0) }
        let firstRow = dom.stdout.range(of: "<tbody>").map { String(dom.stdout[$0.upperBound...].prefix(2000)) } ?? ""
        XCTAssertTrue(firstRow.contains(worst?["id"] as? String ?? "?"), firstRow)

        let screenshot = directory.appendingPathComponent("report.png")
        let shot = try Tool.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--window-size=1280,1600",
                                 "--screenshot=\(screenshot.path)", page.absoluteString], timeout: 120)
        XCTAssertEqual(shot.status, 0, shot.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: screenshot.path))
        print("HTML report screenshot for a person to look at: \(screenshot.path)")
    }
}
