import Foundation
import TestSupport
import XCTest
import FnauditModel
import FnauditScanning

/// A monorepo holds byte-identical copies of one large lockfile: each is parsed once within a run
/// (from the second copy on) and its packages moved to every copy's location, which must give what
/// parsing every copy gives.
final class IdenticalCopiesTests: XCTestCase {
    func testCopiesOfALockfileGiveEachCopysPackagesAndLines() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = try Data(contentsOf: URL(fileURLWithPath: Fixtures.shared("corpus/lockfiles/pnpm-v9/real/vuejs__core@e2bede96__pnpm-lock.yaml")))
        // Four identical copies, and one that differs by a trailing line break (same packages, not a copy).
        for (folder, bytes) in [("a", source), ("b", source), ("c", source), ("d", source), ("e", source + Data("\n".utf8))] {
            let target = directory.appendingPathComponent(folder)
            try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
            try bytes.write(to: target.appendingPathComponent("pnpm-lock.yaml"))
        }
        let all = InventoryScanner().inventory(of: [directory.path])
        let one = InventoryScanner().inventory(of: [directory.appendingPathComponent("a").path])
        XCTAssertGreaterThan(one.packages.count, 100)
        XCTAssertEqual(Set(all.packages.map(\.identity)), Set(one.packages.map(\.identity)))
        let lines = Dictionary(one.packages.map { ($0.identity, $0.locations.compactMap(\.line)) }, uniquingKeysWith: { a, _ in a })
        for package in all.packages {
            XCTAssertEqual(package.locations.count, 5 * (lines[package.identity]?.count ?? 0), package.name)
            XCTAssertEqual(Set(package.locations.map { ($0.path as NSString).deletingLastPathComponent.suffix(1) }), ["a", "b", "c", "d", "e"])
            for folder in ["a", "b", "c", "d", "e"] {
                let here = package.locations.filter { ($0.path as NSString).deletingLastPathComponent.hasSuffix("/\(folder)") }
                XCTAssertEqual(here.compactMap(\.line), lines[package.identity], "\(package.name) in \(folder)")
            }
        }
    }
}
