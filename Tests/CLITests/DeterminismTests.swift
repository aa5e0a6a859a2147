import Foundation
import XCTest

/// The same inputs give the same report, byte for byte, in every run. Swift seeds its hashing per
/// process, so whatever follows a dictionary's order differs from one run to the next: only
/// separate processes show it. These lockfiles hold one package at several places (nested
/// node_modules copies, several pnpm snapshots of one version) reached by several equally short
/// dependency chains, which is where a choice used to follow the order a dictionary gave.
final class DeterminismTests: XCTestCase {
    func testRepeatedRunsGiveIdenticalReports() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let lockfiles = [
            ("corpus/lockfiles/package-lock-v2/real/npm__cli@1924eb45__package-lock.json", "npm/package-lock.json"),
            ("corpus/lockfiles/pnpm-v9/real/vuejs__core@e2bede96__pnpm-lock.yaml", "pnpm/pnpm-lock.yaml"),
            ("corpus/lockfiles/uv-lock/real/pydantic__pydantic@2151025a__uv.lock", "uv/uv.lock"),
        ]
        for (source, target) in lockfiles {
            let destination = directory.appendingPathComponent(target)
            try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: Fixtures.shared(source), toPath: destination.path)
        }
        var outputs: [String] = []
        for _ in 0..<3 {
            let run = try CLI.run(["inventory", directory.path, "--scanners", "vuln", "--format", "json", "--quiet"])
            XCTAssertEqual(run.status, 0, run.stderr)
            outputs.append(run.stdout)
        }
        XCTAssertTrue(outputs[0].contains("\"paths\""), "the lockfiles give dependency paths")
        XCTAssertEqual(outputs[1], outputs[0], "second run differs from the first")
        XCTAssertEqual(outputs[2], outputs[0], "third run differs from the first")
    }
}
