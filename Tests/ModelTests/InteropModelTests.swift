import XCTest
import FnauditModel

/// Licence normalisation (SPDX where unambiguous, never guessed) and purl parsing.
final class InteropModelTests: XCTestCase {
    func testLicencesNormaliseOnlyWhenUnambiguous() {
        let cases: [(String, String?)] = [
            ("MIT", "MIT"), ("mit", "MIT"), ("apache-2.0", "Apache-2.0"), ("Apache License, Version 2.0", "Apache-2.0"),
            ("The Apache Software License, Version 2.0", "Apache-2.0"), ("MIT License", "MIT"),
            ("(MIT OR Apache-2.0)", "(MIT OR Apache-2.0)"), ("mit or apache-2.0", "MIT OR Apache-2.0"),
            ("GPL-2.0-only WITH Classpath-exception-2.0", "GPL-2.0-only WITH Classpath-exception-2.0"),
            // Ambiguous or not a licence name: kept as written, or dropped when it says nothing.
            ("BSD", "BSD"), ("Apache Software License", "Apache Software License"), ("BSD-like", "BSD-like"),
            ("SEE LICENSE IN LICENSE.md", "SEE LICENSE IN LICENSE.md"), ("UNLICENSED", "UNLICENSED"),
            ("MIT AND", "MIT AND"), ("UNKNOWN", nil), ("NOASSERTION", nil), ("  ", nil),
        ]
        for (raw, expected) in cases { XCTAssertEqual(LicenseText.normalize(raw), expected, raw) }
        XCTAssertTrue(LicenseText.isSPDXIdentifier("MIT"))
        XCTAssertFalse(LicenseText.isSPDXIdentifier("MIT License"))
        XCTAssertTrue(LicenseText.isSPDXExpression("(MIT OR CC0-1.0)"))
        XCTAssertFalse(LicenseText.isSPDXExpression("BSD OR MIT"))
    }

    func testTroveClassifiers() {
        XCTAssertEqual(LicenseText.fromClassifier("License :: OSI Approved :: MIT License"), "MIT")
        XCTAssertEqual(LicenseText.fromClassifier("License :: OSI Approved :: BSD License"), "BSD License")
        XCTAssertEqual(LicenseText.fromClassifier("License :: OSI Approved :: Apache Software License"), "Apache Software License")
        XCTAssertEqual(LicenseText.fromClassifier("License :: OSI Approved :: Eclipse Public License 2.0 (EPL-2.0)"), "EPL-2.0")
        XCTAssertEqual(LicenseText.fromClassifier("License :: OSI Approved :: GNU General Public License v2 or later (GPLv2+)"), "GPL-2.0-or-later")
        XCTAssertNil(LicenseText.fromClassifier("License :: OSI Approved"))
    }

    func testPackageURLsParseForTheThreeEcosystems() throws {
        let scoped = try XCTUnwrap(ParsedPackageURL("pkg:npm/%40babel/traverse@7.22.5"))
        XCTAssertEqual(scoped.ecosystem, .npm)
        XCTAssertEqual(scoped.name, "@babel/traverse")
        XCTAssertEqual(scoped.version, "7.22.5")
        let maven = try XCTUnwrap(ParsedPackageURL("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1?type=jar#x"))
        XCTAssertEqual(maven.name, "org.apache.logging.log4j:log4j-core")
        XCTAssertEqual(maven.version, "2.14.1")
        let pypi = try XCTUnwrap(ParsedPackageURL("pkg:pypi/Django"))
        XCTAssertNil(pypi.version)
        XCTAssertNil(ParsedPackageURL("pkg:golang/github.com/x/y@1.0"))
        XCTAssertNil(ParsedPackageURL("not a purl"))
        XCTAssertNil(ParsedPackageURL("pkg:npm/"))
        let package = Package(ecosystem: .pypi, name: "django", version: "2.2.0", locations: [Location(path: "x")],
                              extractor: ExtractorID(id: "t", displayName: "t", source: .declared))
        XCTAssertTrue(pypi.matches(package), "no version: every version, PEP 503 names")
        XCTAssertTrue(ParsedPackageURL("pkg:pypi/django@2.2.0?extra=x")?.matches(package) == true)
        XCTAssertFalse(ParsedPackageURL("pkg:pypi/django@2.2.1")?.matches(package) == true)
        XCTAssertFalse(ParsedPackageURL("pkg:npm/django@2.2.0")?.matches(package) == true)
    }
}
