import Foundation
import TestSupport
import XCTest
@testable import FnauditExtractors

/// The byte tests that drop keyword hits before a rule's regex runs must never drop one the regex
/// would match: each is checked against the regex itself, anchored at the keyword as the scanner
/// runs it, on generated lines around every keyword of every rule.
final class SecretPretestTests: XCTestCase {
    func testByteTestsNeverDropWhatTheRegexWouldMatch() throws {
        var rng = SeededRandom(seed: 19)
        let before = ["", " ", "x", "_", "9", "\"", "é", "=", "-", "$", ".", "\t"]
        let assignments = ["=", " = ", ": ", ":=", " => ", "\"=\"", "':'", "s=", "\t:\t", "", "-", "_", "==", ":==", "=>="]
        let alphabet = Array("abcdefABCDEF0123456789_-+/=.~!@#%^&*\"'` é:;,}")
        var matched = 0
        for rule in SecretRule.builtIn {
            let regex = try NSRegularExpression(pattern: rule.pattern)
            for keyword in rule.keywords {
                for prefix in before {
                    for _ in 0..<48 {
                        let length = Int(rng.next() % 48)
                        var value = String((0..<length).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] })
                        if rng.next() % 3 == 0 { value = "\"" + value.filter { $0 != "\"" } + "\"" }
                        let line = prefix + keyword + assignments[Int(rng.next() % UInt64(assignments.count))] + value
                        let lead = (prefix as NSString).length
                        let range = NSRange(location: lead, length: (line as NSString).length - lead)
                        guard regex.firstMatch(in: line, options: [.anchored, .withTransparentBounds], range: range) != nil else { continue }
                        matched += 1
                        let bytes = Array(line.utf8), hit = prefix.utf8.count
                        if rule.startsAtWordBoundary {
                            XCTAssertFalse(hit > 0 && SecretScanner.isWordByte(bytes[hit - 1]) && SecretScanner.isWordByte(bytes[hit]),
                                           "\(rule.id): \(line.debugDescription)")
                        }
                        if rule.checks.contains(.generic) {
                            let lowered = SecretScanner.asciiLowercased(bytes)
                            let value = SecretScanner.assignedValue(lowered, at: hit + keyword.utf8.count)
                            XCTAssertTrue(value.map { SecretScanner.genericValueIsLongEnough(lowered, at: $0) } ?? false,
                                          "\(rule.id): \(line.debugDescription)")
                        }
                    }
                }
            }
        }
        XCTAssertGreaterThan(matched, 200, "the generated lines reach the regexes")
    }

    /// What the tests are for: hits the regex could not match are dropped.
    func testTheByteTestsDropHitsTheRegexCannotMatch() throws {
        let openai = try XCTUnwrap(SecretRule.builtIn.first { $0.id == "openai-api-key" })
        XCTAssertTrue(openai.startsAtWordBoundary)
        XCTAssertTrue(SecretScanner.isWordByte(UInt8(ascii: "a")) && !SecretScanner.isWordByte(UInt8(ascii: "-")))
        let short = Array(#"token = "abc""#.utf8), long = Array(#"token = "abcdefghijkl""#.utf8)
        XCTAssertFalse(SecretScanner.genericValueIsLongEnough(short, at: 8))
        XCTAssertTrue(SecretScanner.genericValueIsLongEnough(long, at: 8))
        XCTAssertFalse(SecretScanner.genericValueIsLongEnough(Array("token=abc def ghi jkl".utf8), at: 6))
    }
}
