import Foundation
import TestSupport
import XCTest
import FnauditExtractors
import FnauditModel
import FnauditScanning

/// Fingerprints without a crypto library (the scanning layer links none): stable, not secure.
struct FNV: SecretFingerprinter {
    func sha256Hex(_ bytes: [UInt8]) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        return String(hash, radix: 16)
    }
}

/// Generated credentials at every depth the walk reaches — a zip's root, a jar inside a zip, a
/// layer zip inside a zip, node_modules files, a source tree — found in the same single pass as the
/// packages; and the negatives beside them, never reported.
final class SecretDepthTests: XCTestCase {
    private let seed = UInt64(Date().timeIntervalSince1970 * 1000)

    /// An archive entry: text, or a nested zip's entries.
    private indirect enum Entry {
        case text(String)
        case zip([(String, Entry)])
        var json: Any {
            switch self {
            case .text(let text): return text
            case .zip(let entries): return entries.map { [$0.0, $0.1.json] }
            }
        }
    }

    /// Writes a zip (nested zips built in memory) with python's zipfile.
    private func zip(_ path: URL, _ entries: [(String, Entry)]) throws {
        let script = """
            import io, json, sys, zipfile
            def build(target, entries):
                with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
                    for name, content in entries:
                        if isinstance(content, list):
                            buffer = io.BytesIO()
                            build(buffer, content)
                            z.writestr(name, buffer.getvalue())
                        else:
                            z.writestr(name, content)
            build(sys.argv[1], json.load(open(sys.argv[2])))
            """
        let specURL = path.deletingLastPathComponent().appendingPathComponent(path.lastPathComponent + ".json")
        try JSONSerialization.data(withJSONObject: Entry.zip(entries).json).write(to: specURL)
        let result = try Tool.run(["python3", "-c", script, path.path, specURL.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        try FileManager.default.removeItem(at: specURL)
    }

    func testEveryGeneratedCredentialIsFoundAtEveryDepthAndNoNegative() throws {
        var rng = SeededRandom(seed: seed)
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var expected = Set<String>()
        /// A fresh set of credentials for one place, remembered as "where line rule fingerprint".
        func placed(_ display: String) -> String {
            let credentials = FakeCredentials.all(&rng)
            let (text, lines) = FakeCredentials.file(credentials)
            for (credential, line) in Swift.zip(credentials, lines) {
                expected.insert("\(display):\(line) \(credential.rule) \(FNV().fingerprint(rule: credential.rule, value: credential.value))")
            }
            return text
        }
        let negatives = FakeCredentials.negatives(&rng)

        // A source tree, with an installed npm package.
        let tree = directory.appendingPathComponent("service")
        let treeFiles = [".env", "config/settings.yaml", "node_modules/left-pad/lib/credentials.properties"]
        for file in treeFiles {
            let url = tree.appendingPathComponent(file)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try placed(tree.path + "/" + file).write(to: url, atomically: true, encoding: .utf8)
        }
        for (name, text) in negatives { try text.write(to: tree.appendingPathComponent(name), atomically: true, encoding: .utf8) }

        // A function zip: root entries, a jar inside it, a layer zip inside it with node_modules and python.
        let bundle = directory.appendingPathComponent("function.zip").path
        let rootEntries: [(String, Entry)] = [(".env", .text(placed(bundle + "!/.env"))), ("config/app.json", .text(placed(bundle + "!/config/app.json")))]
            + negatives.map { ("negatives/\($0.name)", .text($0.text)) }
        let jarEntries: [(String, Entry)] = [("BOOT-INF/classes/application.properties",
                                               .text(placed(bundle + "!/lib/app.jar!/BOOT-INF/classes/application.properties")))]
            + negatives.map { ("BOOT-INF/classes/\($0.name)", .text($0.text)) }
        let layerEntries: [(String, Entry)] = [
            ("nodejs/node_modules/aws-helper/config.properties",
             .text(placed(bundle + "!/layers/shared.zip!/nodejs/node_modules/aws-helper/config.properties"))),
            ("python/settings.cfg", .text(placed(bundle + "!/layers/shared.zip!/python/settings.cfg"))),
        ] + negatives.map { ("python/\($0.name)", .text($0.text)) }
        try zip(URL(fileURLWithPath: bundle), rootEntries + [("lib/app.jar", .zip(jarEntries)), ("layers/shared.zip", .zip(layerEntries))])

        let analyzers = ExtractorRegistry.analyzers(for: [.vuln, .secret], fingerprinter: FNV())
        let inventory = InventoryScanner(analyzers: analyzers).inventory(of: [tree.path, bundle])
        let found = Set(inventory.secrets.map { "\($0.location.description):\($0.location.line ?? 0) \($0.rule) \($0.fingerprint)" })
        let missed = expected.subtracting(found), extra = found.subtracting(expected)
        XCTAssertEqual(missed, [], "seed \(seed): recall \(expected.count - missed.count)/\(expected.count)")
        XCTAssertEqual(extra, [], "seed \(seed): reported but not planted (negatives or duplicates)")
        XCTAssertEqual(inventory.secrets.count, expected.count, "one report per planted credential")
        XCTAssertEqual(inventory.issues.filter { $0.severity == .error }.map(\.message), [])
        print("secret recall \(expected.count - missed.count)/\(expected.count) at 8 places; \(extra.count) false reports (seed \(seed))")
    }

    /// `--scanners vuln` is today's walk: no secret analyzer, no secrets, the same packages.
    func testVulnOnlyFindsNoSecretsAndTheSamePackages() throws {
        var rng = SeededRandom(seed: seed)
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FakeCredentials.file(FakeCredentials.all(&rng)).text.write(to: directory.appendingPathComponent(".env"), atomically: true, encoding: .utf8)
        let inputs = [directory.path, Fixtures.path("bundles/zips/polyglot.zip")]
        let vuln = InventoryScanner(analyzers: ExtractorRegistry.analyzers(for: [.vuln], fingerprinter: FNV())).inventory(of: inputs)
        let both = InventoryScanner(analyzers: ExtractorRegistry.analyzers(for: [.vuln, .secret], fingerprinter: FNV())).inventory(of: inputs)
        XCTAssertEqual(vuln.secrets.count, 0)
        XCTAssertGreaterThan(both.secrets.count, 0)
        XCTAssertEqual(vuln.packages, both.packages)
        XCTAssertEqual(vuln.packages, InventoryScanner().inventory(of: inputs).packages)
        XCTAssertEqual(both.secrets.filter { $0.location.path.hasSuffix("polyglot.zip") }.count, 0, "the polyglot bundle holds no secrets")
    }

    /// The walk does not stat each file; the secret rules' size limit holds all the same: a text file
    /// over it is not read (whatever it holds), an empty one is nothing, a small one is read.
    func testTreeFilesOverTheSecretSizeLimitAreNotRead() throws {
        var rng = SeededRandom(seed: seed)
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let credentials = FakeCredentials.file(FakeCredentials.all(&rng)).text
        let scanner = SecretScanner(fingerprinter: FNV())
        let padding = String(repeating: "x", count: scanner.maxFileBytes) + "\n"
        try (padding + credentials).write(to: directory.appendingPathComponent("large.txt"), atomically: true, encoding: .utf8)
        try "".write(to: directory.appendingPathComponent("empty.env"), atomically: true, encoding: .utf8)
        try credentials.write(to: directory.appendingPathComponent("small.env"), atomically: true, encoding: .utf8)
        let inventory = InventoryScanner(analyzers: [scanner]).inventory(of: [directory.path])
        XCTAssertGreaterThan(inventory.secrets.count, 0)
        XCTAssertEqual(Set(inventory.secrets.map { URL(fileURLWithPath: $0.location.path).lastPathComponent }), ["small.env"])
        XCTAssertTrue(inventory.issues.isEmpty, "\(inventory.issues)")
    }
}
