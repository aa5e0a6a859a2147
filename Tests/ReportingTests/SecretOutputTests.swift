import Foundation
import TestSupport
import XCTest
import FnauditAudit
import FnauditModel
import FnauditPolicy
import FnauditReporting
import FnauditScanning

/// Secrets in every output format: each is reported, and no format ever holds a secret's value or
/// even the middle half of it (only `redacted` and the SHA-256 fingerprint).
final class SecretOutputTests: XCTestCase {
    private let seed = UInt64(Date().timeIntervalSince1970 * 1000)

    func testNoOutputFormatHoldsAnySecretOrItsMiddleHalf() throws {
        var rng = SeededRandom(seed: seed)
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let credentials = FakeCredentials.all(&rng)
        let (text, lines) = FakeCredentials.file(credentials)
        let tree = directory.appendingPathComponent("service")
        try FileManager.default.createDirectory(at: tree, withIntermediateDirectories: true)
        try text.write(to: tree.appendingPathComponent(".env"), atomically: true, encoding: .utf8)
        // The same text inside a zip, so archive locations are rendered too.
        let zipped = try Tool.run(["python3", "-c", "import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1], 'w')\nz.write(sys.argv[2], 'config/.env')\nz.close()",
                                   directory.appendingPathComponent("fn.zip").path, tree.appendingPathComponent(".env").path])
        XCTAssertEqual(zipped.status, 0, zipped.stderr)

        var request = AuditRequest(inputs: [tree.path, directory.appendingPathComponent("fn.zip").path])
        request.databasePath = try ShippedDatabase.path()
        let report = try Audit.run(request)
        XCTAssertEqual(report.secrets.count, 2 * credentials.count, "seed \(seed)")
        XCTAssertEqual(report.outcome(GatePolicy()), .failed, "secrets fail the default gate")

        let version = FnauditInfo.version
        let outputs: [(String, String)] = [
            ("table", TableReport.render(report, colour: false)),
            ("json", String(decoding: try JSONReport.render(report, version: version), as: UTF8.self)),
            ("sarif", String(decoding: try SARIFReport.render(report, version: version), as: UTF8.self)),
            ("cyclonedx", String(decoding: try CycloneDXReport.render(report, version: version, withVulnerabilities: true), as: UTF8.self)),
            ("markdown", MarkdownReport.render(report)),
            ("inventory", InventoryTable.render(Audit.inventory(request))),
            ("inventory json", String(decoding: try JSONReport.render(Audit.inventory(request), version: version, withFindings: false), as: UTF8.self)),
        ]
        for credential in credentials {
            let value = credential.value
            let middle = String(value.dropFirst(value.count / 4).prefix(value.count / 2))
            for (format, output) in outputs {
                XCTAssertFalse(output.contains(value), "\(format) holds a \(credential.rule) value (seed \(seed))")
                XCTAssertFalse(output.contains(middle), "\(format) holds the middle half of a \(credential.rule) value (seed \(seed))")
            }
        }

        // JSON: secrets[] with the documented fields, and summary.secrets by severity.
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(outputs[1].1.utf8)) as? [String: Any])
        let entries = try XCTUnwrap(json["secrets"] as? [[String: Any]])
        XCTAssertEqual(entries.count, 2 * credentials.count)
        let first = try XCTUnwrap(entries.first { ($0["location"] as? [String: Any])?["entry"] != nil })
        XCTAssertEqual(Set(first.keys), ["rule", "title", "severity", "location", "redacted", "fingerprint"])
        XCTAssertEqual((first["location"] as? [String: Any])?["entry"] as? String, "config/.env")
        let summary = try XCTUnwrap((json["summary"] as? [String: Any])?["secrets"] as? [String: Int])
        XCTAssertEqual(summary.values.reduce(0, +), 2 * credentials.count)

        // The fingerprint is SHA-256 of "rule:value" (checked with sha256sum, outside fnaudit).
        let credential = credentials[0]
        let script = "printf '%s' \"$1\" | sha256sum"
        let digest = try Tool.run(["sh", "-c", script, "sh", credential.rule + ":" + credential.value])
        let expected = String(digest.stdout.prefix(64))
        let reported = report.secrets.first { $0.location.path.hasSuffix("/.env") && $0.location.line == lines[0] }
        XCTAssertEqual(reported?.fingerprint, expected)

        // Table, Markdown and SARIF each have their secrets part; SARIF has one rule per secret rule.
        XCTAssertTrue(outputs[0].1.contains("Secrets (remove them from what ships, and rotate them):"))
        XCTAssertTrue(outputs[4].1.contains("#### Secrets"))
        let sarif = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(outputs[2].1.utf8)) as? [String: Any])
        let run = try XCTUnwrap((sarif["runs"] as? [[String: Any]])?.first)
        let rules = (((run["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]]) ?? []
        let secretRules = rules.compactMap { $0["id"] as? String }.filter { $0.hasPrefix("secret/") }
        XCTAssertEqual(Set(secretRules), Set(credentials.map { "secret/" + $0.rule }))
        XCTAssertEqual(secretRules.count, Set(secretRules).count, "one rule per secret rule")
        let results = (run["results"] as? [[String: Any]]) ?? []
        let inZip = results.first { (($0["message"] as? [String: Any])?["text"] as? String)?.contains("fn.zip!/config/.env line") ?? false }
        XCTAssertNotNil(inZip, "archive entries are named in the message")

        let path = directory.appendingPathComponent("r.sarif").path
        try Data(outputs[2].1.utf8).write(to: URL(fileURLWithPath: path))
        let validation = try Tool.run(["python3", Fixtures.repository.appendingPathComponent("Scripts/validate-report.py").path, "sarif", path])
        XCTAssertEqual(validation.stdout, "valid\n", validation.stderr)

        // --scanners vuln: today's report, no secrets.
        request.scanners = [.vuln]
        let vulnOnly = try Audit.run(request)
        XCTAssertEqual(vulnOnly.secrets.count, 0)
        XCTAssertEqual(vulnOnly.outcome(GatePolicy()), .clean)
    }
}
