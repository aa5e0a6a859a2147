import Foundation
import TestSupport
import XCTest
import FnauditModel
import FnauditExtractors

/// Lockfiles that record the graph give each package its shortest paths from a direct dependency.
final class DependencyPathTests: XCTestCase {
    private struct NoSiblings: SiblingFiles {
        func read(_ path: String) throws -> [UInt8] { throw ExtractionError("no siblings") }
    }

    private func packages(_ corpusFolder: String, as name: String, _ extractor: any Extractor) throws -> [Package] {
        let folder = Fixtures.shared("corpus/lockfiles/\(corpusFolder)")
        guard let file = try FileManager.default.contentsOfDirectory(atPath: folder).sorted().first else { throw XCTSkip("no corpus file in \(folder)") }
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: folder + "/" + file)))
        return try extractor.extract(ExtractorInput(path: name, location: Location(path: name), contents: bytes, siblings: NoSiblings())).packages
    }

    private func assertPathsAreConsistent(_ packages: [Package], _ label: String, minimumWithPaths: Double = 0.8) {
        let direct = Set(packages.filter { $0.isDirect == true }.map(\.name))
        XCTAssertFalse(direct.isEmpty, "\(label): direct dependencies")
        for package in packages {
            for path in package.dependencyPaths {
                XCTAssertEqual(path.last, package.name, "\(label): a path ends at its package")
                XCTAssertTrue(direct.contains(path[0]), "\(label): \(path) starts at a direct dependency")
                XCTAssertLessThanOrEqual(package.dependencyPaths.count, 5)
            }
            if package.isDirect == true { XCTAssertEqual(package.dependencyPaths.first, [package.name], label) }
        }
        let withPaths = Double(packages.filter { !$0.dependencyPaths.isEmpty }.count) / Double(max(1, packages.count))
        XCTAssertGreaterThan(withPaths, minimumWithPaths, "\(label): most packages are reached")
    }

    func testPackageLockV3() throws {
        let found = try packages("package-lock-v3/real", as: "package-lock.json", PackageLockExtractor())
        assertPathsAreConsistent(found, "package-lock v3")
        let paths = found.filter { $0.isDirect == false }.flatMap(\.dependencyPaths)
        XCTAssertTrue(paths.contains { $0.count >= 3 }, "transitive chains")
    }

    /// A lockfile can state a chain as long as itself: every package's whole path was quadratic
    /// (a 2 MB pnpm lock of 20,000 packages in one chain took 128 s and 18 GB).
    func testAChainLongerThanAPathIsElidedInTheMiddle() throws {
        var lines = ["lockfileVersion: '6.0'", "dependencies:", "  p0:", "    specifier: 1.0.0", "    version: 1.0.0", "packages:"]
        let count = 5_000
        for i in 0..<count {
            lines.append("  /p\(i)@1.0.0:")
            lines.append("    resolution: {integrity: sha512-x}")
            if i + 1 < count { lines += ["    dependencies:", "      p\(i + 1): 1.0.0"] }
        }
        let bytes = Array((lines.joined(separator: "\n") + "\n").utf8)
        let found = try PnpmLockExtractor().extract(ExtractorInput(path: "pnpm-lock.yaml", location: Location(path: "pnpm-lock.yaml"),
                                                                   contents: bytes, siblings: NoSiblings())).packages
        XCTAssertEqual(found.count, count)
        let byName = Dictionary(found.map { ($0.name, $0.dependencyPaths) }, uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(byName["p31"], [(0...31).map { "p\($0)" }], "32 packages: written in full")
        XCTAssertEqual(byName["p32"], [["p0", "…"] + (3...32).map { "p\($0)" }], "33: the direct dependency, the elision, the last 30")
        XCTAssertEqual(byName["p4999"], [["p0", "…"] + (4970...4999).map { "p\($0)" }])
        XCTAssertTrue(found.allSatisfy { $0.dependencyPaths.allSatisfy { $0.count <= 32 } })
    }

    /// Found in review: an elided path already kept did not end the walk, which then tried every
    /// combination of parents below the cut (a dependency listed twice doubles them at each level).
    func testTheWalkEndsAfterItsLimitWhateverTheNames() throws {
        var lines = ["lockfileVersion: '6.0'", "dependencies:", "  p0:", "    specifier: 1.0.0", "    version: 1.0.0", "packages:"]
        for i in 0..<60 {
            lines.append("  /p\(i)@1.0.0:")
            lines += ["    dependencies: {p\(i + 1): 1.0.0}", "    optionalDependencies: {p\(i + 1): 1.0.0}"]
        }
        lines.append("  /p60@1.0.0: {}")
        let bytes = Array((lines.joined(separator: "\n") + "\n").utf8)
        let started = Date()
        let found = try PnpmLockExtractor().extract(ExtractorInput(path: "pnpm-lock.yaml", location: Location(path: "pnpm-lock.yaml"),
                                                                   contents: bytes, siblings: NoSiblings())).packages
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
        XCTAssertEqual(found.count, 61)
        XCTAssertTrue(found.allSatisfy { $0.dependencyPaths.count <= 5 && $0.dependencyPaths.allSatisfy { $0.count <= 32 } })
    }

    /// A dependency listed twice by one package (npm `dependencies` and `peerDependencies`, pnpm
    /// `dependencies` and `optionalDependencies`) is one edge: its paths were written twice.
    func testADependencyListedTwiceGivesEachPathOnce() throws {
        let text = "lockfileVersion: '6.0'\ndependencies:\n  a:\n    specifier: 1.0.0\n    version: 1.0.0\npackages:\n"
            + "  /a@1.0.0:\n    dependencies: {b: 1.0.0}\n    optionalDependencies: {b: 1.0.0}\n  /b@1.0.0: {}\n"
        let found = try PnpmLockExtractor().extract(ExtractorInput(path: "pnpm-lock.yaml", location: Location(path: "pnpm-lock.yaml"),
                                                                   contents: Array(text.utf8), siblings: NoSiblings())).packages
        XCTAssertEqual(found.first { $0.name == "b" }?.dependencyPaths, [["a", "b"]])
    }

    func testPnpmV9() throws {
        assertPathsAreConsistent(try packages("pnpm-v9/real", as: "pnpm-lock.yaml", PnpmLockExtractor()), "pnpm v9")
    }

    func testUvLock() throws {
        assertPathsAreConsistent(try packages("uv-lock/real", as: "uv.lock", UvLockExtractor()), "uv.lock", minimumWithPaths: 0.5)
    }

    func testYarnBerry() throws {
        assertPathsAreConsistent(try packages("yarn-berry/real", as: "yarn.lock", YarnLockExtractor()), "yarn berry", minimumWithPaths: 0.5)
    }

    func testPnpmV6() throws {
        assertPathsAreConsistent(try packages("pnpm-v6/real", as: "pnpm-lock.yaml", PnpmLockExtractor()), "pnpm v6", minimumWithPaths: 0.5)
    }

    /// poetry.lock records no direct dependencies: they come from the pyproject.toml beside it.
    func testPoetryWithItsPyproject() throws {
        struct Files: SiblingFiles {
            func read(_ path: String) throws -> [UInt8] {
                guard path == "pyproject.toml" else { throw ExtractionError("no") }
                return Array("[tool.poetry.dependencies]\npython = \"^3.11\"\nrequests = \"^2.31\"\n".utf8)
            }
        }
        let lock = """
            [[package]]
            name = "requests"
            version = "2.31.0"
            [package.dependencies]
            urllib3 = ">=1.21.1,<3"
            idna = ">=2.5,<4"

            [[package]]
            name = "urllib3"
            version = "2.0.7"

            [[package]]
            name = "idna"
            version = "3.4"
            """
        let found = try PoetryLockExtractor().extract(ExtractorInput(path: "poetry.lock", location: Location(path: "poetry.lock"),
                                                                     contents: Array(lock.utf8), siblings: Files())).packages
        XCTAssertEqual(found.first { $0.name == "urllib3" }?.dependencyPaths, [["requests", "urllib3"]])
        XCTAssertEqual(found.first { $0.name == "requests" }?.isDirect, true)
        XCTAssertEqual(found.first { $0.name == "idna" }?.isDirect, false)
    }
}
