import Foundation
import TestSupport
import XCTest
import FnauditAudit
import FnauditPolicy
import FnauditReporting
import FnauditScanning

/// Every output format, rendered in-process from one scan of a tree with findings in all three
/// ecosystems, one active and one expired suppression (Tests/Fixtures/policy/tree). Golden files
/// live in Tests/Fixtures/golden; FNAUDIT_UPDATE_GOLDEN=1 rewrites them (then review the diff).
final class GoldenReportTests: XCTestCase {
    private let tree = "Tests/Fixtures/policy/tree"

    override func setUpWithError() throws {
        // Reports show inputs as given: relative to the repository, as a user in it would type them.
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(Fixtures.repository.path))
    }

    private func scan(_ inputs: [String]) throws -> AuditReport {
        var request = AuditRequest(inputs: inputs)
        request.databasePath = try ShippedDatabase.path()
        return try Audit.run(request)
    }

    /// Replaces what changes from machine to machine or run to run.
    private func normalized(_ text: String) throws -> String {
        var out = text.replacingOccurrences(of: try ShippedDatabase.path(), with: "<db>")
            .replacingOccurrences(of: Fixtures.repository.path + "/", with: "<repo>/")
        let volatile = [(#""serialNumber" : "urn:uuid:[0-9a-f-]+""#, #""serialNumber" : "<uuid>""#),
                        (#""timestamp" : "[0-9T:Z-]+""#, #""timestamp" : "<time>""#),
                        (#""importedAt" : "[0-9T:Z-]+""#, #""importedAt" : "<time>""#)]
        for (pattern, replacement) in volatile {
            out = out.replacingOccurrences(of: pattern, with: replacement, options: .regularExpression)
        }
        return out
    }

    private func assertGolden(_ name: String, _ actual: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let url = URL(fileURLWithPath: Fixtures.path("golden/\(name)"))
        let text = try normalized(actual)
        if ProcessInfo.processInfo.environment["FNAUDIT_UPDATE_GOLDEN"] != nil {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        XCTAssertEqual(text, expected, "\(name) differs from its golden file (FNAUDIT_UPDATE_GOLDEN=1 rewrites it)", file: file, line: line)
    }

    func testEveryFormatMatchesItsGoldenFile() throws {
        let report = try scan([tree])
        let version = FnauditInfo.version
        try assertGolden("scan.table.txt", TableReport.render(report, colour: false))
        try assertGolden("scan.json", String(decoding: try JSONReport.render(report, version: version), as: UTF8.self))
        try assertGolden("scan.sarif", String(decoding: try SARIFReport.render(report, version: version), as: UTF8.self))
        try assertGolden("scan.cyclonedx.json",
                         String(decoding: try CycloneDXReport.render(report, version: version, withVulnerabilities: true), as: UTF8.self))
        try assertGolden("scan.md", MarkdownReport.render(report))
        let inventory = Audit.inventory(AuditRequest(inputs: [tree]))
        try assertGolden("inventory.cyclonedx.json",
                         String(decoding: try CycloneDXReport.render(inventory, version: version, withVulnerabilities: false), as: UTF8.self))
    }

    func testSARIFAndCycloneDXValidateAgainstTheOfficialSchemas() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let report = try scan([tree])
        let sbom = Audit.inventory(AuditRequest(inputs: ["Tests/Fixtures/bundles/zips/polyglot.zip"]))
        let documents = [
            ("sarif", "r.sarif", try SARIFReport.render(report, version: FnauditInfo.version)),
            ("cyclonedx", "r.cdx.json", try CycloneDXReport.render(report, version: FnauditInfo.version, withVulnerabilities: true)),
            ("cyclonedx", "sbom.cdx.json", try CycloneDXReport.render(sbom, version: FnauditInfo.version, withVulnerabilities: false)),
        ]
        for (kind, name, data) in documents {
            let path = directory.appendingPathComponent(name).path
            try data.write(to: URL(fileURLWithPath: path))
            let result = try Tool.run(["python3", Fixtures.repository.appendingPathComponent("Scripts/validate-report.py").path, kind, path])
            XCTAssertEqual(result.status, 0, "\(kind) \(name):\n\(result.stdout)\(result.stderr)")
            XCTAssertEqual(result.stdout, "valid\n")
        }
        // The suppressed finding is still there, marked.
        let sarifText = String(decoding: documents[0].2, as: UTF8.self)
        XCTAssertTrue(sarifText.contains("\"justification\" : \"zipObjectDeep is never called with user input (until 2099-12-31)\""))
        // One rule per vulnerability, not per alias: the log4j GHSA and its SAP KB record are one rule.
        XCTAssertFalse(sarifText.contains("\"id\" : \"x_SAPKB-CVE-2021-44228\""))
    }
}
