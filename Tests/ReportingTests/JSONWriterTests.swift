import Foundation
import XCTest
@testable import FnauditReporting
import FnauditAudit
import FnauditModel
import TestSupport

/// fnaudit writes JSON itself (Foundation's encoder was a fifth of a large scan's serial tail), so
/// its output is held to `JSONEncoder`'s, byte for byte, pretty and compact: the escapes, numbers,
/// empty containers, key order and optional fields of documents made for the purpose and of real reports.
final class JSONWriterTests: XCTestCase {
    struct Edges: Encodable {
        var integral = 10.0, fraction = 7.5, tenth = 0.1, large = 1e21, small = 1.0e-7, negativeZero = -0.0, precise = 123456789.125
        var single: Float = 9.8
        var integers: [Int] = [0, -1, Int.max, Int.min]
        var widths: [Int64] = [Int64.max]
        var unsigned: [UInt8] = [255]
        var empty: [Int] = []
        var emptyObject: [String: Int] = [:]
        var nestedEmpty: [[String]] = [[]]
        var absent: Int? = nil
        var present: Int? = 3
        var optionals: [String?] = ["a", nil]
        var text = "q\"\\/\u{01}\u{1f}\u{7f}\t\n\r\u{08}\u{0c}é€😀\u{2028}\u{0}e\u{301}"
        var keys: [String: [Int]] = ["b": [1], "a": [], "B": [2], "é": [3], "_": [4], "10": [5], "9": [6], "": [7]]
        var integerKeys: [Int: String] = [2: "two", 10: "ten"]
        var flags = [true, false]
        var url = URL(string: "https://osv.dev/vulnerability/GHSA-xxxx?x=1&y=%20")
        var data = Data([0, 1, 2, 250])
        var date = Date(timeIntervalSinceReferenceDate: 86_400.5)
        var nested = Nested()

        struct Nested: Encodable {
            var deep: [[String: [Double]]] = [["x": [1, 2.5]], [:]]
            func encode(to encoder: Encoder) throws {
                var container = encoder.container(keyedBy: Key.self)
                try container.encode(deep, forKey: .deep)
                var list = container.nestedUnkeyedContainer(forKey: .list)
                try list.encode("one")
                try list.encodeNil()
                var inner = list.nestedContainer(keyedBy: Key.self)
                try inner.encode(true, forKey: .deep)
                try container.encodeNil(forKey: .null)
                try Parent().encode(to: container.superEncoder())
            }
            enum Key: String, CodingKey { case deep, list, null }
        }
        struct Parent: Encodable { var inherited = "from super" }
    }

    func assertAgreement<T: Encodable>(_ value: T, file: StaticString = #filePath, line: UInt = #line) throws {
        let pretty = JSONEncoder()
        pretty.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let compact = JSONEncoder()
        compact.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        XCTAssertEqual(String(decoding: try JSONOutput.encode(value), as: UTF8.self),
                       String(decoding: try pretty.encode(value) + [0x0A], as: UTF8.self), file: file, line: line)
        XCTAssertEqual(String(decoding: try JSONOutput.encodeLine(value), as: UTF8.self),
                       String(decoding: try compact.encode(value) + [0x0A], as: UTF8.self), file: file, line: line)
    }

    func testEdgeCasesAgreeWithJSONEncoder() throws {
        try assertAgreement(Edges())
        try assertAgreement([Edges.Nested()])
        try assertAgreement([String: Int]())
        // Lists long enough to be built and written on all cores.
        try assertAgreement((0..<3000).map { ["n": $0] })
        try assertAgreement(["outer": Array(repeating: Edges.Nested(), count: JSONWriter.parallelItems + 7)])
    }

    func testNonFiniteNumbersAreErrorsAsInJSONEncoder() {
        XCTAssertThrowsError(try JSONOutput.encode([Double.nan]))
        XCTAssertThrowsError(try JSONOutput.encode(["x": Double.infinity]))
    }

    /// Real report documents: the polyglot bundle's scan and a deployment project's (with functions).
    func testReportsAgreeWithJSONEncoder() throws {
        for input in ["bundles/zips/polyglot.zip", "deployment/sam"] {
            var request = AuditRequest(inputs: [Fixtures.path(input)])
            request.databasePath = try ShippedDatabase.path()
            let report = try Audit.run(request)
            try assertAgreement(JSONReport.document(report, version: "test"))
        }
    }
}
