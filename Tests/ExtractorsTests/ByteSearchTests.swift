import XCTest
import FnauditExtractors

final class ByteSearchTests: XCTestCase {
    func testAgreesWithTheGenericSearch() {
        let cases: [(String, String)] = [
            ("", ""), ("", "a"), ("a", ""), ("abc", "abc"), ("abc", "abcd"), ("xxAWS::", "AWS::"), ("AWS::xx", "AWS::"),
            ("AWAWS:", "AWS:"), ("aaab", "aab"), ("ababab", "abb"), ("<!ENTIT", "<!ENTITY"), ("no marker here", "AWS::"),
        ]
        for (haystack, needle) in cases {
            let expected = needle.isEmpty || Array(haystack.utf8).firstRange(of: Array(needle.utf8)) != nil
            XCTAssertEqual(ByteSearch.contains(Array(haystack.utf8), Array(needle.utf8)), expected, "\(haystack) / \(needle)")
        }
        var large = [UInt8](repeating: UInt8(ascii: "A"), count: 8 << 20)
        XCTAssertFalse(ByteSearch.contains(large, Array("AWS::".utf8)))
        large.replaceSubrange((large.count - 5)..., with: Array("AWS::".utf8))
        XCTAssertTrue(ByteSearch.contains(large, Array("AWS::".utf8)))
    }
}
