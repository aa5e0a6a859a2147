import Foundation
import TestSupport
import XCTest
import FnauditModel
import FnauditScanning

final class BadInputTests: XCTestCase {
    /// Truncated JSON, binary garbage, malformed YAML/TOML/XML and an unknown lockfile version:
    /// one error each, naming the file, and the good file beside them is still read.
    func testEachBadFileIsOneErrorAndTheRestIsScanned() {
        let inventory = InventoryScanner().inventory(of: [Fixtures.path("bad-input")])
        let errors = inventory.issues.filter { $0.severity == .error }
        let files = errors.map { $0.location.fileName }.sorted()
        XCTAssertEqual(files, ["Pipfile.lock", "package-lock.json", "pnpm-lock.yaml", "pnpm-lock.yaml", "poetry.lock", "pom.xml"],
                       errors.map(\.message).joined(separator: "\n"))
        XCTAssertTrue(errors.contains { $0.message.contains("unsupported pnpm lockfileVersion 42.0") })
        XCTAssertEqual(inventory.packages.map(\.name), ["six"])
    }

    func testOversizedLockfileIsRefusedWithoutReadingIt() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fnaudit-big-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let big = directory.appendingPathComponent("package-lock.json")
        XCTAssertTrue(FileManager.default.createFile(atPath: big.path, contents: nil))
        let handle = try FileHandle(forWritingTo: big)
        try handle.truncate(atOffset: 1 << 30)   // a sparse 1 GiB file
        try handle.close()
        var options = ScanOptions()
        options.maxFileBytes = 256 << 20
        let inventory = InventoryScanner(options: options).inventory(of: [directory.path])
        XCTAssertEqual(inventory.issues.count, 1)
        XCTAssertTrue(inventory.issues[0].message.contains("over the"), inventory.issues[0].message)
    }

    func testRequirementIncludeLoopsTerminate() {
        let inventory = InventoryScanner().inventory(of: [Fixtures.path("requirements-txt/loop")])
        XCTAssertEqual(inventory.issues.filter { $0.severity == .error }.count, 0)
    }

    func testSymlinksAreNotFollowed() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fnaudit-links-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("a"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // A loop back to the root, and a link to a lockfile outside the tree.
        try FileManager.default.createSymbolicLink(atPath: directory.appendingPathComponent("a/loop").path, withDestinationPath: directory.path)
        try FileManager.default.createSymbolicLink(atPath: directory.appendingPathComponent("requirements.txt").path,
                                                   withDestinationPath: Fixtures.path("bad-input/good/requirements.txt"))
        let inventory = InventoryScanner().inventory(of: [directory.path])
        XCTAssertEqual(inventory.packages.count, 0)
        XCTAssertEqual(inventory.issues.count, 0)
    }

    func testUnknownSingleFileIsAnInputError() {
        let inventory = InventoryScanner().inventory(of: [Fixtures.path("bad-input/good/nonexistent.lock"), #filePath])
        XCTAssertEqual(inventory.issues.count, 2)
    }
}
