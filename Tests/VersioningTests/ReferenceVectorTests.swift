import Foundation
import TestSupport
import XCTest
import FnauditModel
import FnauditVersioning

/// Checks every pair in Tests/Fixtures/versions/*-pairs.tsv, whose expected order was computed
/// by the ecosystem's reference implementation (Scripts/version-vectors/generate.py).
final class ReferenceVectorTests: XCTestCase {
    func testNpmAgreesWithNodeSemver() throws { try checkVectors(.npm, file: "npm-pairs.tsv", minimumPairs: 90_000) }
    func testPyPIAgreesWithPackaging() throws { try checkVectors(.pypi, file: "pypi-pairs.tsv", minimumPairs: 200_000) }
    func testMavenAgreesWithComparableVersion() throws { try checkVectors(.maven, file: "maven-pairs.tsv", minimumPairs: 130_000) }

    private func checkVectors(_ ecosystem: Ecosystem, file: String, minimumPairs: Int) throws {
        let data = try Data(contentsOf: Fixtures.url("versions/\(file)"))
        var cache: [ArraySlice<UInt8>: ParsedVersion] = [:]
        func parse(_ bytes: ArraySlice<UInt8>) -> ParsedVersion {
            if let hit = cache[bytes] { return hit }
            let result = ecosystem.parseVersion(String(decoding: bytes, as: UTF8.self))
            cache[bytes] = result
            return result
        }
        var checked = 0
        var disagreements: [String] = []
        for line in [UInt8](data).split(separator: 0x0A) where line.first != UInt8(ascii: "#") {
            let fields = line.split(separator: 0x09, maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3 else { XCTFail("malformed vector line"); continue }
            let expected = String(decoding: fields[2], as: UTF8.self)
            let got: String
            if let a = parse(fields[0]).version, let b = parse(fields[1]).version,
               let order = EcosystemVersion.compare(a, b) {
                got = String(order)
            } else {
                got = "invalid"
            }
            checked += 1
            if got != expected {
                disagreements.append("\(String(decoding: fields[0], as: UTF8.self)) vs \(String(decoding: fields[1], as: UTF8.self)): reference \(expected), fnaudit \(got)")
            }
        }
        XCTAssertGreaterThanOrEqual(checked, minimumPairs, "fixture looks truncated")
        XCTAssertEqual(disagreements.count, 0, "\(ecosystem.rawValue): \(disagreements.count) of \(checked) pairs disagree, e.g.\n" + disagreements.prefix(20).joined(separator: "\n"))
    }
}
