import XCTest
import FnauditAdvisory

final class CVSSTests: XCTestCase {
    func testCVSS31BaseScores() {
        XCTAssertEqual(CVSS3.baseScore(vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"), 9.8)
        XCTAssertEqual(CVSS3.baseScore(vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"), 10.0)
        XCTAssertEqual(CVSS3.baseScore(vector: "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:N"), 6.5)
        XCTAssertEqual(CVSS3.baseScore(vector: "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N"), 5.5)
        XCTAssertEqual(CVSS3.baseScore(vector: "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N"), 3.1)
        XCTAssertEqual(CVSS3.baseScore(vector: "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N"), 6.4)
        XCTAssertEqual(CVSS3.baseScore(vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N"), 0)
        XCTAssertNil(CVSS3.baseScore(vector: "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"))
        XCTAssertNil(CVSS3.baseScore(vector: "AV:N/AC:L/Au:N/C:P/I:P/A:P"))
    }
}
