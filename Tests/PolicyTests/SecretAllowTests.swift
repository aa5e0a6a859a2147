import Foundation
import TestSupport
import XCTest
import FnauditMatching
import FnauditModel
import FnauditPolicy

/// `[[secrets.allow]]`: reading, matching by rule, path glob and fingerprint, expiry, and the gate.
final class SecretAllowTests: XCTestCase {
    private func read(_ text: String) throws -> PolicyConfig.Contents {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent(PolicyConfig.fileName).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return try PolicyConfig.read(path)
    }

    private let fingerprint = String(repeating: "ab", count: 32)

    private func secret(_ rule: String, _ where_: Location, severity: Severity = .high, fingerprint: String? = nil) -> SecretFinding {
        SecretFinding(rule: rule, title: rule, severity: severity, location: where_, redacted: "AKIA…(20)",
                      fingerprint: fingerprint ?? String(repeating: "cd", count: 32))
    }

    func testAllowEntriesLoadBesideSuppressions() throws {
        let contents = try read("""
            [[ignore]]
            id = "GHSA-x"
            reason = "reviewed"

            [[secrets.allow]]
            rule = "jwt"
            path = "**/fixtures/**"
            reason = "expired tokens used by the tests"

            [[secrets.allow]]
            fingerprint = "\(fingerprint.uppercased())"
            reason = "public demo key"
            until = 2030-01-01
            """)
        XCTAssertEqual(contents.suppressions.map(\.id), ["GHSA-x"])
        XCTAssertEqual(contents.secretAllows.map(\.rule), ["jwt", nil])
        XCTAssertEqual(contents.secretAllows.map { $0.location.line }, [5, 10])
        XCTAssertEqual(contents.secretAllows[1].fingerprint, fingerprint, "kept lower-case")
        XCTAssertEqual(contents.secretAllows[1].until, "2030-01-01")
        XCTAssertEqual(try PolicyConfig.load(Fixtures.path("policy/tree/.fnaudit.toml")).count, 2, "load still gives the suppressions")
    }

    func testInvalidAllowEntriesNameTheirLine() {
        let cases: [(String, String)] = [
            ("[[secrets.allow]]\nrule = \"jwt\"\n", ":1: [[secrets.allow]] (jwt) needs a reason"),
            ("[[secrets.allow]]\nreason = \"r\"\n", ":1: [[secrets.allow]] needs a rule, a path or a fingerprint"),
            ("[[secrets.allow]]\nfingerprint = \"abc\"\nreason = \"r\"\n", ":1: fingerprint must be the 64 hex digits"),
            ("\n[[secrets.allow]]\nrule = \"jwt\"\nreason = \"r\"\nvalue = \"hunter2\"\n", ":2: unknown key \"value\" in [[secrets.allow]]"),
            ("[secrets]\nignore = true\n", "unknown setting \"secrets.ignore\""),
            ("[[secrets.allow]]\nrule = \"jwt\"\nreason = \"r\"\nuntil = \"soon\"\n", ":1: until must be a date"),
            ("colour = true\n", "(known: [[ignore]], [[secrets.allow]])"),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try read(text), text) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(error) should contain \(expected)")
            }
        }
    }

    func testGlobsMatchFileNamesAnywhereAndPathsInsideArchives() {
        let inJar = Location(path: "dist/fn.zip", entryChain: ["lib/app.jar", "BOOT-INF/classes/application.properties"], line: 3)
        let inTree = Location(path: "service/test/fixtures/token.txt", line: 1)
        func allows(_ glob: String, _ location: Location) -> Bool {
            SecretAllow(path: glob, reason: "r", location: Location(path: ".fnaudit.toml")).matches(secret("jwt", location))
        }
        XCTAssertTrue(allows("application.properties", inJar))
        XCTAssertTrue(allows("*.properties", inJar))
        XCTAssertTrue(allows("BOOT-INF/classes/*.properties", inJar))
        XCTAssertTrue(allows("**/app.jar!/**", inJar))
        XCTAssertTrue(allows("dist/fn.zip!/**", inJar))
        XCTAssertFalse(allows("classes/*.yml", inJar))
        XCTAssertTrue(allows("**/fixtures/**", inTree))
        XCTAssertTrue(allows("test/**", inTree))
        XCTAssertFalse(allows("src/**", inTree))
        XCTAssertFalse(allows("*.json", inTree))
    }

    func testAllowedSecretsStayListedAndNeverGate() throws {
        let contents = try read("""
            [[secrets.allow]]
            rule = "jwt"
            path = "**/fixtures/**"
            reason = "test tokens"

            [[secrets.allow]]
            fingerprint = "\(fingerprint)"
            reason = "rotated, kept for the changelog"
            until = 2020-01-01
            """)
        let secrets = [
            secret("jwt", Location(path: "svc/tests/fixtures/a.json", line: 2), severity: .medium),
            secret("jwt", Location(path: "svc/src/b.json", line: 9), severity: .medium),
            secret("aws-access-key-id", Location(path: "svc/.env", line: 1), severity: .high, fingerprint: fingerprint),
        ]
        let report = AuditReport(inputs: [], packages: [], match: MatchResult(), issues: [], database: nil, includeDev: false,
                                 secrets: secrets, secretAllows: contents.secretAllows, today: "2026-01-01")
        XCTAssertEqual(report.secrets.count, 3, "allowed secrets are still listed")
        XCTAssertEqual(report.allowance(of: secrets[0])?.reason, "test tokens")
        XCTAssertNil(report.allowance(of: secrets[1]), "outside the glob")
        XCTAssertNil(report.allowance(of: secrets[2]), "expired")
        XCTAssertEqual(report.configurationWarnings.count, 1)
        XCTAssertTrue(report.configurationWarnings[0].message.contains("expired on 2020-01-01"))
        XCTAssertEqual(Set(report.activeSecrets.map(\.rule)), ["jwt", "aws-access-key-id"])
        XCTAssertEqual(report.secretCounts(), [.medium: 1, .high: 1])
        // Secrets gate by severity exactly as findings; --only-fixable does not spare them.
        XCTAssertEqual(report.outcome(GatePolicy(threshold: .high)), .failed)
        XCTAssertEqual(report.outcome(GatePolicy(threshold: .high, onlyFixable: true)), .failed)
        XCTAssertEqual(report.outcome(GatePolicy(threshold: .critical)), .clean)
        XCTAssertEqual(report.outcome(GatePolicy(threshold: .none)), .clean)

        let allAllowed = AuditReport(inputs: [], packages: [], match: MatchResult(), issues: [], database: nil, includeDev: false,
                                     secrets: [secrets[0]], secretAllows: contents.secretAllows, today: "2026-01-01")
        XCTAssertEqual(allAllowed.outcome(GatePolicy(threshold: .any)), .clean, "an allowed secret never gates")
    }
}
