import Foundation
import TestSupport
import XCTest
import FnauditExtractors
import FnauditModel

/// A stand-in for SHA-256 (this target links no crypto): FNV-1a, deterministic, hex.
struct FNVFingerprinter: SecretFingerprinter {
    func sha256Hex(_ bytes: [UInt8]) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        return String(hash, radix: 16)
    }
}

/// Every secret rule against credentials generated from its format (never committed as literals),
/// and against the non-secrets each rule must leave alone.
final class SecretRuleTests: XCTestCase {
    private let scanner = SecretScanner(fingerprinter: FNVFingerprinter())
    private let seed = UInt64(Date().timeIntervalSince1970 * 1000)

    private func scan(_ text: String, path: String = "config/.env") -> [SecretFinding] {
        scanner.scan(Array(text.utf8), path: path, location: Location(path: path))
    }

    func testEveryRuleFindsEachGeneratedCredentialAloneAndTogether() {
        var rng = SeededRandom(seed: seed)
        let credentials = FakeCredentials.all(&rng)
        XCTAssertEqual(Set(credentials.map(\.rule)), Set(SecretRule.builtIn.map(\.id)), "every rule has generated positives")
        for credential in credentials {
            let (text, lines) = FakeCredentials.file([credential])
            let found = scan(text)
            XCTAssertEqual(found.map(\.rule), [credential.rule], "seed \(seed): \(credential.rule) in \(credential.lines.first?.prefix(20) ?? "")…")
            XCTAssertEqual(found.first?.location.line, lines[0], credential.rule)
            XCTAssertEqual(found.first?.fingerprint, FNVFingerprinter().fingerprint(rule: credential.rule, value: credential.value), credential.rule)
            XCTAssertEqual(found.first?.redacted, SecretFinding.redact(credential.value))
        }
        let (text, lines) = FakeCredentials.file(credentials)
        let found = scan(text)
        XCTAssertEqual(found.count, credentials.count, "seed \(seed)")
        let expected = Set(zip(credentials, lines).map { "\($0.0.rule) \($0.1) \(FNVFingerprinter().fingerprint(rule: $0.0.rule, value: $0.0.value))" })
        XCTAssertEqual(Set(found.map { "\($0.rule) \($0.location.line ?? 0) \($0.fingerprint)" }), expected, "seed \(seed)")
    }

    func testRedactionKeepsAtMostFourCharactersAndTheLength() {
        XCTAssertEqual(SecretFinding.redact("AK" + "IA" + "ABCDEFGHIJKLMNOP"), "AKIA…(20)")
        XCTAssertEqual(SecretFinding.redact("short-pass12"), "sh…(12)")
        XCTAssertEqual(SecretFinding.redact("hunter22"), "…(8)")
        var rng = SeededRandom(seed: seed)
        for credential in FakeCredentials.all(&rng) {
            let redacted = SecretFinding.redact(credential.value)
            XCTAssertLessThanOrEqual(redacted.count - "…(\(credential.value.count))".count, 4)
        }
    }

    func testTheNegativesAreNeverReported() {
        var rng = SeededRandom(seed: seed)
        for (name, text) in FakeCredentials.negatives(&rng) {
            XCTAssertEqual(scan(text, path: "app/\(name)").map { "\($0.rule) line \($0.location.line ?? 0)" }, [], "seed \(seed): \(name)")
        }
    }

    /// Each rule's own look-alikes: placeholders in its format, documented examples, wrong lengths.
    func testEachRuleHasNegativeCases() {
        let x = { (n: Int) in String(repeating: "x", count: n) }
        let zeros = { (n: Int) in String(repeating: "0", count: n) }
        let cases: [String: [String]] = [
            "aws-access-key-id": ["AKIA" + "IOSFODNN7" + "EXAMPLE", "AKIA" + "1234", "AKIA" + String(repeating: "A", count: 16)],
            "aws-secret-access-key": ["aws_secret_access_key = " + "wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEKEY", "AWS_SECRET_ACCESS_KEY=${AWS_SECRET}",
                                      "aws_secret_access_key: " + x(40)],
            "github-token": ["ghp_" + x(36), "ghp_" + "short1"],
            "github-fine-grained-token": ["github_pat_" + x(22) + "_" + x(59)],
            "gitlab-token": ["glpat-" + x(20), "glpat-" + "abc123"],
            "slack-token": ["xoxb-" + "your-token-here", "xoxp-" + zeros(10) + "-" + x(20)],
            "slack-webhook": ["https://hooks.slack.com/services/T00000000/B00000000/" + String(repeating: "X", count: 24)],
            "stripe-secret-key": ["sk_live_" + x(24), "sk_" + "test_" + "4eC39HqLyjWDarjtT1zdp7dc".uppercased()],
            "google-api-key": ["AIza" + x(35), "AIza" + "Sy-short"],
            "npm-token": ["npm_" + x(36), "npm_config_registry"],
            "npmrc-auth": ["//registry.npmjs.org/:_authToken=${NPM_TOKEN}", "this._auth = options.auth"],
            "pypi-token": ["pypi-" + "AgEIcHlwaS5vcmc" + "short"],
            "sendgrid-api-key": ["SG." + x(22) + "." + x(43)],
            "twilio-api-key": ["SK" + zeros(32), "MASK" + "0123"],
            "twilio-auth-token": ["TWILIO_AUTH_TOKEN=your_auth_token", "TWILIO_AUTH_TOKEN=" + zeros(32)],
            "twilio-account-credentials": ["Client(\"AC" + zeros(32) + "\", \"" + zeros(32) + "\")"],
            "openai-api-key": ["OPENAI_API_KEY=sk-" + x(20) + "T3BlbkFJ" + x(20), "OPENAI_API_KEY=sk-your-key"],
            "anthropic-api-key": ["sk-ant-api03-" + x(95), "sk-ant-api03-short"],
            "private-key": ["-----BEGIN " + "RSA PRIVATE KEY-----\n...\n-----END RSA " + "PRIVATE KEY-----",
                            "-----BEGIN " + "PRIVATE KEY-----\n" + x(64) + "\n" + x(64) + "\n-----END " + "PRIVATE KEY-----"],
            "jwt": ["Authorization: Bearer eyJ" + "hbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", "eyJ" + "notbase64json.eyJalsonotjson.signaturesignature"],
            "database-url": ["postgres://user:password@localhost/db", "mysql://root:root@127.0.0.1/app", "redis://:${REDIS_PASSWORD}@cache:6379"],
            "generic-secret": ["password = changeme", "api_key: <YOUR_KEY>", "secret: {{ secret_value }}", "token = \"\(UUID().uuidString)\"",
                               "password = \"" + x(20) + "\"", "client_secret=abcdefghijklmnop12", "nextPageToken: \"Abc123Def456Ghi789\""],
        ]
        XCTAssertEqual(Set(cases.keys), Set(SecretRule.builtIn.map(\.id)), "every rule has negative cases")
        for (rule, texts) in cases {
            for text in texts {
                XCTAssertEqual(scan(text + "\n").map(\.rule), [], "\(rule): \(text.prefix(40))")
            }
        }
    }

    func testDocumentationAndTestsAreLeftToTheFormatSpecificRules() {
        var rng = SeededRandom(seed: seed)
        let credentials = FakeCredentials.all(&rng)
        let (text, _) = FakeCredentials.file(credentials)
        let broad: Set<String> = Set(SecretRule.builtIn.filter { $0.checks.contains(.skipDocs) }.map(\.id))
        for path in ["docs/setup.md", "node_modules/lib/README.md", "pkg/tests/test_client.py", "examples/config.env", ".env.example"] {
            let rules = Set(scan(text, path: path).map(\.rule))
            XCTAssertTrue(rules.isDisjoint(with: broad), path)
            XCTAssertTrue(rules.contains("aws-access-key-id") && rules.contains("private-key"), path)
        }
    }

    func testBinariesLargeFilesAndBinaryNamesAreSkipped() {
        var rng = SeededRandom(seed: seed)
        let (text, _) = FakeCredentials.file(FakeCredentials.all(&rng))
        XCTAssertFalse(scan(text).isEmpty)
        XCTAssertEqual(scan("\u{0}" + text).count, 0, "a NUL in the first 8 KiB: binary")
        let small = SecretScanner(fingerprinter: FNVFingerprinter(), maxFileBytes: 64)
        XCTAssertEqual(small.scan(Array(text.utf8), path: ".env", location: Location(path: ".env")).count, 0)
        XCTAssertFalse(scanner.wants(EntryInfo(path: "img/logo.png", inArchive: true)))
        XCTAssertFalse(scanner.wants(EntryInfo(path: "com/acme/App.class", inArchive: true)))
        XCTAssertFalse(scanner.wants(EntryInfo(path: "lib/app.jar", inArchive: true)))
        XCTAssertFalse(scanner.wants(EntryInfo(path: "big.json", inArchive: true, size: 3 << 20)))
        XCTAssertTrue(scanner.wants(EntryInfo(path: ".env", inArchive: false, size: 100)))
        XCTAssertTrue(scanner.wants(EntryInfo(path: "BOOT-INF/classes/application.properties", inArchive: true)))
        XCTAssertTrue(scanner.wants(EntryInfo(path: "Dockerfile", inArchive: false)))
    }

    func testEveryShippedRuleCompilesWithItsGroups() throws {
        XCTAssertEqual(SecretRule.builtIn.count, Set(SecretRule.builtIn.map(\.id)).count, "ids are unique")
        for rule in SecretRule.builtIn { XCTAssertNoThrow(try rule.validate(), rule.id) }
    }

    func testEntropy() {
        XCTAssertEqual(SecretChecks.entropy("aaaa"), 0)
        XCTAssertEqual(SecretChecks.entropy("abcd"), 2, accuracy: 1e-9)
        XCTAssertTrue(SecretChecks.isPlaceholder("AAAAAAAA1"))
        XCTAssertTrue(SecretChecks.isPlaceholder("${TOKEN}"))
        XCTAssertFalse(SecretChecks.isPlaceholder("Zq8RvN2kLp4WtY7s"))
    }
}
