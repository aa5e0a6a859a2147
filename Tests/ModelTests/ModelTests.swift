import XCTest
import FnauditModel

final class ModelTests: XCTestCase {
    func testEcosystemSpellings() {
        XCTAssertEqual(Ecosystem(caseInsensitive: "pypi"), .pypi)
        XCTAssertEqual(Ecosystem(caseInsensitive: "MAVEN"), .maven)
        XCTAssertEqual(Ecosystem(caseInsensitive: "Npm"), .npm)
        XCTAssertNil(Ecosystem(caseInsensitive: "cargo"))
        XCTAssertEqual(Ecosystem.allCases.map(\.rawValue), ["npm", "PyPI", "Maven"])
    }

    func testPEP503Normalization() {
        XCTAssertEqual(Ecosystem.pypi.normalizedName("Django"), "django")
        XCTAssertEqual(Ecosystem.pypi.normalizedName("zope.interface"), "zope-interface")
        XCTAssertEqual(Ecosystem.pypi.normalizedName("Foo__Bar-._baz"), "foo-bar-baz")
        XCTAssertEqual(Ecosystem.pypi.normalizedName(" PyYAML "), "pyyaml")
    }

    func testNpmAndMavenNamesKeepTheirCase() {
        XCTAssertEqual(Ecosystem.npm.normalizedName("@Scope/Name"), "@Scope/Name")
        XCTAssertEqual(Ecosystem.npm.normalizedName("JSONStream"), "JSONStream")
        XCTAssertEqual(Ecosystem.maven.normalizedName("org.apache.logging.log4j:log4j-core"), "org.apache.logging.log4j:log4j-core")
    }

    func testPurlRendering() {
        XCTAssertEqual(PackageURL.render(ecosystem: .npm, name: "@scope/name", version: "1.0.0"), "pkg:npm/%40scope/name@1.0.0")
        XCTAssertEqual(PackageURL.render(ecosystem: .npm, name: "lodash", version: "4.17.15"), "pkg:npm/lodash@4.17.15")
        XCTAssertEqual(PackageURL.render(ecosystem: .pypi, name: "Django_Allauth", version: "1.0"), "pkg:pypi/django-allauth@1.0")
        XCTAssertEqual(PackageURL.render(ecosystem: .pypi, name: "name", version: "1.0+local.1"), "pkg:pypi/name@1.0%2Blocal.1")
        XCTAssertEqual(PackageURL.render(ecosystem: .maven, name: "com.fasterxml.jackson.core:jackson-databind", version: "2.9.8"),
                       "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.9.8")
        XCTAssertEqual(PackageURL.render(ecosystem: .pypi, name: "requests", version: ""), "pkg:pypi/requests")
    }

    func testPackageIdentityUsesNormalizedName() {
        let a = Package(ecosystem: .pypi, name: "Django", version: "2.2.0", locations: [Location(path: "a.txt")], extractor: ExtractorID(id: "test", displayName: "test", source: .declared))
        let b = Package(ecosystem: .pypi, name: "django", version: "2.2.0", locations: [Location(path: "b.txt")], extractor: ExtractorID(id: "test", displayName: "test", source: .declared))
        XCTAssertEqual(a.identity, b.identity)
        XCTAssertEqual(a.purl, "pkg:pypi/django@2.2.0")
    }

    func testLocationNotation() {
        let l = Location(path: "function.zip", entryChain: ["lib/app.jar", "META-INF/maven/g/a/pom.properties"])
        XCTAssertEqual(l.description, "function.zip!/lib/app.jar!/META-INF/maven/g/a/pom.properties")
        XCTAssertEqual(l.fileName, "pom.properties")
    }
}

/// `trimmingWhitespace` cuts on the bytes where it can: always Foundation's answer.
final class TrimmingWhitespaceTests: XCTestCase {
    func testAgreesWithFoundation() {
        let pieces = ["", " ", "\n", "\t", "\r\n", "\u{0B}", "\u{0C}", "\u{A0}", "\u{2028}", "\u{85}", "\u{3000}", "a", "1.0", "é", "x y", "日本", "\u{FEFF}"]
        // Every sequence of up to three pieces.
        var texts = [""]
        for _ in 0..<3 { texts += texts.flatMap { text in pieces.map { text + $0 } } }
        for text in Set(texts) {
            XCTAssertEqual(text.trimmingWhitespace, text.trimmingCharacters(in: .whitespacesAndNewlines), text.debugDescription)
        }
    }
}
