import Foundation
import TestSupport
import XCTest
import FnauditAdvisory
import FnauditArchive

/// CVSS v4.0 scores agree with the `cvss` package from PyPI (an independent implementation) on
/// every vector in Tests/Fixtures/cvss/cvss4-vectors.tsv.gz (Scripts/cvss/generate-cvss4-vectors.py):
/// every CVSS_V4 vector of the OSV exports, all 104,976 base-metric combinations, random vectors
/// with threat/environmental/supplemental metrics, reordered ones, and invalid ones.
final class CVSS4ReferenceTests: XCTestCase {
    func testEveryReferenceVectorScoresTheSame() throws {
        let compressed = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("cvss/cvss4-vectors.tsv.gz")))
        let text = String(decoding: try Gzip.decompress([UInt8](compressed)), as: UTF8.self)
        var compared = 0, disagreements: [String] = []
        var sections: [String: Int] = [:], section = ""
        for line in text.split(separator: "\n") {
            if line.hasPrefix("#section ") { section = String(line.dropFirst(9)); continue }
            let fields = line.split(separator: "\t")
            guard fields.count == 2 else { continue }
            let expected = fields[1] == "invalid" ? nil : Double(fields[1])
            let actual = CVSS4.score(vector: String(fields[0]))
            compared += 1
            sections[section, default: 0] += 1
            if actual != expected, disagreements.count < 20 { disagreements.append("\(fields[0]): \(actual.map { "\($0)" } ?? "invalid"), reference \(fields[1])") }
        }
        XCTAssertEqual(disagreements, [])
        XCTAssertGreaterThan(compared, 109_000, "vectors went missing")
        XCTAssertGreaterThanOrEqual(sections["base"] ?? 0, 104_976)
        XCTAssertGreaterThan(sections["osv"] ?? 0, 300)
    }
}
