import Foundation
import TestSupport
import XCTest

/// `--vex`, `--format openvex` and SBOM inputs through the binary: exit codes and one-line messages.
final class InteropCLITests: XCTestCase {
    func testVEXAndOpenVEXThroughTheBinary() throws {
        let database = try ShippedDatabase.path()
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // An SBOM is an input like a lockfile; its findings make the exit code 1.
        let sbom = try CLI.run(["scan", "Tests/Fixtures/sbom/npm-lockfile/bom.spdx.json", "--db", database, "--quiet"],
                               currentDirectory: Fixtures.repository)
        XCTAssertEqual(sbom.status, 1, sbom.stderr)
        // The format follows the .openvex.json extension.
        let vexOut = directory.appendingPathComponent("out.openvex.json").path
        let written = try CLI.run(["scan", "Tests/Fixtures/policy/tree", "--db", database, "--quiet", "-o", vexOut,
                                   "--vex", "Tests/Fixtures/vex/lodash.openvex.json"], currentDirectory: Fixtures.repository)
        XCTAssertEqual(written.status, 1)
        XCTAssertTrue(try String(contentsOfFile: vexOut, encoding: .utf8).contains("\"@context\" : \"https://openvex.dev/ns/v0.2.0\""))
        // A missing or malformed VEX file is an input error: exit 2, one line naming it.
        let missing = try CLI.run(["scan", "Tests/Fixtures/policy/tree", "--db", database, "--vex", "Tests/Fixtures/vex/nope.json"],
                                  currentDirectory: Fixtures.repository)
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("Tests/Fixtures/vex/nope.json: cannot be read"), missing.stderr)
        XCTAssertEqual(missing.stderr.split(separator: "\n").count, 1, missing.stderr)
        // OpenVEX is about findings: an inventory has none.
        let inventory = try CLI.run(["inventory", "Tests/Fixtures/policy/tree", "--format", "openvex"], currentDirectory: Fixtures.repository)
        XCTAssertEqual(inventory.status, 2)
    }
}
