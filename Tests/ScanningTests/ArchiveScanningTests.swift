import Foundation
import TestSupport
import XCTest
import FnauditModel
import FnauditScanning

/// Function bundles scanned in place (Tests/Fixtures/bundles, built by Scripts/make-bundle-fixtures.py).
final class ArchiveScanningTests: XCTestCase {
    private func keys(_ inventory: Inventory) -> [String] {
        inventory.packages.map { "\($0.ecosystem.rawValue) \($0.name) \($0.version) \($0.versionKind.rawValue)" }.sorted()
    }

    func testZipGivesTheSamePackagesAsTheUnzippedTree() {
        for function in ["python-function", "node-function", "java-function"] {
            let tree = InventoryScanner().inventory(of: [Fixtures.path("bundles/\(function)")])
            let zip = InventoryScanner().inventory(of: [Fixtures.path("bundles/zips/\(function).zip")])
            XCTAssertFalse(tree.packages.isEmpty, function)
            XCTAssertEqual(keys(zip), keys(tree), function)
            XCTAssertEqual(zip.issues.filter { $0.severity == .error }.count, 0, function)
        }
    }

    func testPolyglotZipWithANestedLayer() {
        let polyglot = InventoryScanner().inventory(of: [Fixtures.path("bundles/zips/polyglot.zip")])
        var union = Set<String>()
        for function in ["python-function", "node-function", "java-function"] {
            union.formUnion(keys(InventoryScanner().inventory(of: [Fixtures.path("bundles/\(function)")])))
        }
        XCTAssertEqual(Set(keys(polyglot)), union)
        // The layer's copy of requests is the same package, seen in two places.
        let requests = polyglot.packages.first { $0.name == "requests" }
        XCTAssertEqual(requests?.locations.map(\.entryChain.count).sorted(), [1, 2])
        XCTAssertTrue(requests?.locations.contains { $0.entryChain.first == "layers/shared-layer.zip" } ?? false)
    }

    func testJarEvidenceAndEntryChains() {
        let java = InventoryScanner().inventory(of: [Fixtures.path("bundles/zips/java-function.zip")])
        func package(_ name: String) -> Package? { java.packages.first { $0.name == name } }
        XCTAssertEqual(package("org.yaml:snakeyaml")?.locations.first?.description,
                       Fixtures.path("bundles/zips/java-function.zip") + "!/lib/app.jar!/BOOT-INF/lib/snakeyaml-1.26.jar!/META-INF/maven/org.yaml/snakeyaml/pom.properties")
        XCTAssertEqual(package("com.google.guava:guava")?.version, "29.0-jre", "every pom.properties of a shaded jar")
        XCTAssertEqual(package("commons-collections:commons-collections")?.extractors.map(\.displayName), ["pom.properties"])
        XCTAssertEqual(package("org.apache.commons:commons-text")?.extractors.map(\.displayName), ["MANIFEST.MF (Bundle-SymbolicName)"])
        XCTAssertEqual(package("org.apache.commons:commons-text")?.identification?.method, "manifest:Bundle-SymbolicName")
        // A jar nothing identifies is listed as such, with its digests, and never given a name.
        XCTAssertFalse(java.packages.contains { $0.name.contains("mystery") })
        XCTAssertEqual(java.unidentified.map { $0.location.fileName }, ["mystery-lib-0.3.1.jar"])
    }

    private func adversarial(_ name: String, _ configure: (inout ScanOptions) -> Void = { _ in }) -> Inventory {
        var options = ScanOptions()
        configure(&options)
        return InventoryScanner(options: options).inventory(of: [Fixtures.path("bundles/adversarial/\(name)")])
    }

    private func messages(_ inventory: Inventory, _ severity: ScanIssue.Severity) -> [String] {
        inventory.issues.filter { $0.severity == severity }.map { "\($0.location): \($0.message)" }
    }

    /// Jars stored (not deflated) inside a fat jar inside a function zip are read, not taken for
    /// bombs: the ratio is measured from what each entry really consumed, at every depth.
    func testFatJarsNestedInFunctionZipsAreRead() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let made = try Tool.run(["python3", Fixtures.repository.appendingPathComponent("Scripts/fixtures/fat-jars.py").path, directory.path])
        XCTAssertEqual(made.status, 0, made.stderr)
        for name in ["function-stored.zip", "function-deflated.zip", "function-with-layer.zip"] {
            let inventory = InventoryScanner().inventory(of: [directory.appendingPathComponent(name).path])
            XCTAssertEqual(keys(inventory), ["Maven org.apache.logging.log4j:log4j-core 2.14.1 exact", "Maven org.yaml:snakeyaml 1.26 exact"], name)
            XCTAssertEqual(messages(inventory, .error), [], name)
        }
    }

    /// Real jars without pom.properties (Tests/Fixtures/java-archive, from Debian): identified with
    /// their real Maven coordinates, marked as inferred, with their digests.
    func testManifestOnlyJarsGetTheirRealCoordinates() throws {
        var options = ScanOptions()
        options.digester = FixedDigester()
        let inventory = InventoryScanner(options: options).inventory(of: [Fixtures.path("java-archive")])
        XCTAssertEqual(keys(inventory), [
            "Maven commons-logging:commons-logging 1.2 exact", "Maven commons-logging:commons-logging-api 1.2 exact",
            "Maven javax.inject:javax.inject 1.0 exact", "Maven log4j:log4j 1.2.17 exact", "Maven org.apache.tomcat:tomcat-api 9.0.70 exact",
            "Maven org.lz4:lz4-java 1.8.0 exact", "Maven org.tukaani:xz 1.9 exact",
        ])
        XCTAssertTrue(inventory.packages.allSatisfy { $0.identification != nil && $0.digests?.sha1.hasPrefix("size-") == true })
        XCTAssertEqual(inventory.packages.first { $0.name == "log4j:log4j" }?.identification,
                       Identification(method: "manifest:Bundle-SymbolicName", evidence: "org.apache.log4j"))
        XCTAssertEqual(inventory.unidentified, [])
    }

    /// Lockfiles that installed dependencies ship are not the function's: exactly the installed packages.
    func testLockfilesInsideInstalledPackagesAddNoPackages() {
        let inventory = InventoryScanner().inventory(of: [Fixtures.path("node-modules/lockfiles-inside-packages")])
        XCTAssertEqual(keys(inventory), ["PyPI vendored 1.0 exact", "npm @scope/tool 1.0.0 exact", "npm lodash 4.17.21 exact",
                                         "npm lodash-cli 4.17.5 exact", "npm nanoid 3.3.6 exact"])
        XCTAssertEqual(messages(inventory, .warning).filter { $0.contains("describes that package's own development") }.count, 5)
    }

    func testZipSlipNamesAreDataAndReported() {
        let inventory = adversarial("zip-slip.zip")
        XCTAssertEqual(messages(inventory, .warning).count, 2)
        XCTAssertTrue(messages(inventory, .warning).allSatisfy { $0.contains("suspicious entry name") })
        XCTAssertEqual(keys(inventory), ["PyPI six 1.16.0 exact", "npm left-pad 1.1.0 exact"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: "../../evil"), "nothing is ever written")
    }

    func testSymlinkEntriesAreNotFollowed() {
        let inventory = adversarial("symlink.zip")
        XCTAssertEqual(messages(inventory, .warning).count, 1)
        XCTAssertTrue(messages(inventory, .warning)[0].contains("symbolic link"))
        XCTAssertEqual(keys(inventory), ["PyPI attrs 23.1.0 exact"])
    }

    func testZipBombIsStoppedByTheSizeAndRatioLimits() {
        let inventory = adversarial("zip-bomb.zip")
        let errors = messages(inventory, .error)
        XCTAssertEqual(errors.count, 2, errors.joined(separator: "\n"))
        XCTAssertTrue(errors.contains { $0.contains("package-lock.json") && $0.contains("limit") })
        XCTAssertTrue(errors.contains { $0.contains("poetry.lock") && $0.contains("200:1") })
        XCTAssertEqual(keys(inventory), ["PyPI six 1.16.0 exact"], "the rest of the archive is still read")
    }

    func testManyNestedArchivesAndTheEntryLimit() {
        let all = adversarial("many-nested.zip")
        XCTAssertEqual(all.packages.first?.locations.count, 10_000)
        let limited = adversarial("many-nested.zip") { $0.archive.entryCount = 100 }
        XCTAssertTrue(messages(limited, .error).contains { $0.contains("more than 100 entries") })
        let fewer = adversarial("many-nested.zip") { $0.archive.nestedArchives = 50 }
        XCTAssertEqual(fewer.packages.first?.locations.count, 50)
        XCTAssertTrue(messages(fewer, .error).contains { $0.contains("more than 50 archives inside one input") })
    }

    func testNestingDepthLimit() {
        let inventory = adversarial("deep-nesting.zip")
        XCTAssertTrue(messages(inventory, .error).contains { $0.contains("nested deeper than 8") })
        let deeper = adversarial("deep-nesting.zip") { $0.archive.depth = 12 }
        XCTAssertEqual(keys(deeper), ["PyPI deep 1.0 exact"])
        // The fixture nests 10 archives: a depth of 10 opens every one of them, 9 all but the last.
        XCTAssertEqual(keys(adversarial("deep-nesting.zip") { $0.archive.depth = 10 }), ["PyPI deep 1.0 exact"])
        let nine = adversarial("deep-nesting.zip") { $0.archive.depth = 9 }
        XCTAssertEqual(keys(nine), [])
        XCTAssertTrue(messages(nine, .error).contains { $0.contains("level0.zip: archive nested deeper than 9") }, "\(messages(nine, .error))")
    }

    func testTruncatedZipKeepsWhatCameBeforeTheDamage() {
        let inventory = adversarial("truncated.zip")
        XCTAssertEqual(keys(inventory), ["PyPI attrs 23.1.0 exact"])
        XCTAssertTrue(messages(inventory, .error).contains { $0.contains("truncated.zip!/b/requirements.txt") }, "the damaged entry is named")
    }

    func testWrongCRCIsAnErrorNamingTheEntry() {
        let inventory = adversarial("bad-crc.zip")
        XCTAssertEqual(messages(inventory, .error).count, 1)
        XCTAssertTrue(messages(inventory, .error)[0].contains("bad-crc.zip!/b/requirements.txt"))
        XCTAssertEqual(keys(inventory), ["PyPI attrs 23.1.0 exact", "PyPI idna 2.7 exact"])
    }

    func testEncryptedEntriesAreReportedNotRead() {
        let inventory = adversarial("encrypted.zip")
        XCTAssertEqual(messages(inventory, .error).count, 1)
        XCTAssertTrue(messages(inventory, .error)[0].contains("encrypted.zip!/app/requirements.txt: encrypted entry"))
        XCTAssertEqual(keys(inventory), ["PyPI attrs 23.1.0 exact"])
    }

    func testTarWithDotDotPath() {
        let inventory = adversarial("dotdot.tar.gz")
        XCTAssertTrue(messages(inventory, .warning).contains { $0.contains("../package-lock.json") })
        XCTAssertEqual(keys(inventory), ["PyPI six 1.16.0 exact", "npm left-pad 1.1.0 exact"])
    }

    func testTotalBudget() {
        let inventory = adversarial("zip-bomb.zip") { $0.archive.totalBytes = 4 }
        XCTAssertTrue(messages(inventory, .error).contains { $0.contains("budget") })
    }

    func testOtherInputsStillCompleteWhenOneArchiveIsBad() {
        let inventory = InventoryScanner().inventory(of: [Fixtures.path("bundles/adversarial/truncated.zip"),
                                                 Fixtures.path("bundles/zips/node-function.zip")])
        XCTAssertTrue(inventory.packages.contains { $0.name == "lodash" })
    }

    func testInstalledVersionThatDiffersFromTheLockfileIsReported() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fnaudit-mismatch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("node_modules/lodash"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try #"{"lockfileVersion": 3, "packages": {"node_modules/lodash": {"version": "4.17.21"}}}"#
            .write(to: directory.appendingPathComponent("package-lock.json"), atomically: true, encoding: .utf8)
        try #"{"name": "lodash", "version": "4.17.15"}"#
            .write(to: directory.appendingPathComponent("node_modules/lodash/package.json"), atomically: true, encoding: .utf8)
        let inventory = InventoryScanner().inventory(of: [directory.path])
        XCTAssertEqual(Set(inventory.packages.map(\.version)), ["4.17.21", "4.17.15"], "both are kept")
        XCTAssertTrue(messages(inventory, .warning).contains { $0.contains("4.17.21") && $0.contains("4.17.15 is installed") })
    }
}

/// Digests that are easy to check: the file's size.
private struct FixedDigester: FileDigester {
    func digests(of bytes: UnsafeRawBufferPointer) -> FileDigests { FileDigests(sha1: "size-\(bytes.count)", sha256: "size-\(bytes.count)") }
    func digests(ofFile path: String) -> FileDigests? {
        (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int).map { FileDigests(sha1: "size-\($0)", sha256: "size-\($0)") }
    }
}
