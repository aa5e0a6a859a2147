import XCTest
import FnauditModel
import FnauditVersioning

/// The forms named in the ecosystems' documentation, spelled out so a regression reads clearly.
final class VersionSemanticsTests: XCTestCase {
    private func assertOrder(_ ecosystem: Ecosystem, _ a: String, _ b: String, _ expected: Int?,
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(ecosystem.compareVersions(a, b), expected, "\(ecosystem.rawValue): \(a) vs \(b)", file: file, line: line)
    }

    func testNpm() {
        assertOrder(.npm, "1.0.0-rc.1", "1.0.0", -1)
        assertOrder(.npm, "1.0.0-alpha.1", "1.0.0-alpha.beta", -1)   // numbers before words
        assertOrder(.npm, "1.0.0-rc.2", "1.0.0-rc.10", -1)           // numeric identifiers by value
        assertOrder(.npm, "v1.2.3", "1.2.3", 0)
        assertOrder(.npm, "1.2.3+build.1", "1.2.3+build.2", 0)       // build metadata is ignored
        assertOrder(.npm, " 1.2.3\n", "1.2.3", 0)                    // trimmed
        assertOrder(.npm, "=1.2.3", "1.2.3", nil)                    // loose-only form
        assertOrder(.npm, "01.2.3", "1.2.3", nil)                    // leading zero
        assertOrder(.npm, "1.2", "1.2.0", nil)
        assertOrder(.npm, "9007199254740992.0.0", "1.0.0", nil)      // beyond MAX_SAFE_INTEGER
        // Huge numeric prerelease identifiers compare as doubles: equal doubles end the comparison.
        assertOrder(.npm, "1.0.0-9007199254740993.1", "1.0.0-9007199254740992.2", 0)
    }

    func testPyPI() {
        assertOrder(.pypi, "1.0rc1", "1.0", -1)
        assertOrder(.pypi, "1.0RC1", "1.0rc1", 0)
        assertOrder(.pypi, "1.0-1", "1.0.post1", 0)                  // implicit post release
        assertOrder(.pypi, "1!1.0", "2.0", 1)                        // epoch wins
        assertOrder(.pypi, "1.0.0.0", "1.0", 0)
        assertOrder(.pypi, "v1.0", "1.0", 0)
        assertOrder(.pypi, "1.0.dev1", "1.0a1", -1)                  // dev-only before pre-releases
        assertOrder(.pypi, "1.0a1.dev1", "1.0a1", -1)
        assertOrder(.pypi, "1.0", "1.0+abc.5", -1)                   // local after public
        assertOrder(.pypi, "1.0+abc.5", "1.0+abc.10", -1)
        assertOrder(.pypi, "1.0+abc", "1.0+5", -1)                   // strings before numbers in local
        assertOrder(.pypi, "1.0.post1", "1.0.post1.dev1", 1)
        assertOrder(.pypi, "1.0alpha1", "1.0a1", 0)
        assertOrder(.pypi, "french toast", "1.0", nil)
        assertOrder(.pypi, "1.0+", "1.0", nil)
    }

    func testMaven() {
        assertOrder(.maven, "1.0-RC1", "1.0", -1)
        assertOrder(.maven, "1.0-cr1", "1.0-rc1", 0)
        assertOrder(.maven, "1.0.Final", "1.0", 0)
        assertOrder(.maven, "1.0-ga", "1.0-release", 0)
        assertOrder(.maven, "1-SNAPSHOT", "1", -1)
        assertOrder(.maven, "1-SNAPSHOT", "1-rc1", 1)
        assertOrder(.maven, "1-a1", "1-alpha-1", 0)
        assertOrder(.maven, "1.0.0", "1", 0)                          // trailing zeros trimmed
        assertOrder(.maven, "1-sp", "1", 1)                           // sp after release
        assertOrder(.maven, "1.0-foo", "1.0-sp", 1)                   // unknown after known
        assertOrder(.maven, "1-1", "1.1", -1)                         // '-' less than '.'
        assertOrder(.maven, "2.9.10.1", "2.9.10", 1)
        assertOrder(.maven, "12345678901234567890", "1234567890123456789", 1)
    }

    func testInvalidVersionsStayInvalid() {
        guard case .invalid = Ecosystem.npm.parseVersion("not-a-version") else { return XCTFail("npm accepted junk") }
        guard case .invalid = Ecosystem.pypi.parseVersion("1.0++") else { return XCTFail("PyPI accepted junk") }
        // ComparableVersion accepts every string, so Maven never reports invalid.
        guard case .valid = Ecosystem.maven.parseVersion("whatever you like") else { return XCTFail("Maven rejected a string") }
    }

    func testCanonicalForms() {
        XCTAssertEqual(PEP440Version("1.0RC1")?.description, "1.0rc1")
        XCTAssertEqual(PEP440Version("1.0-1")?.description, "1.0.post1")
        XCTAssertEqual(MavenVersion("1.0-RC1")?.canonical, "1-rc-1")
        XCTAssertEqual(MavenVersion("1.0.Final")?.canonical, "1")
        XCTAssertEqual(SemanticVersion("v1.2.3-rc.1+b")?.description, "1.2.3-rc.1")
    }
}
