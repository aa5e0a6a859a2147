import XCTest
import FnauditModel
import FnauditScanning

/// Merging sightings of one package gives the same package whatever order they arrive in: the
/// walk's order and a parsed dictionary's order are not contracts.
final class PackageMergerTests: XCTestCase {
    let metadata = ExtractorID(id: "python-metadata", displayName: "METADATA", source: .installed)
    let poetry = ExtractorID(id: "poetry-lock", displayName: "poetry.lock", source: .declared)

    func sightings() -> [Package] {
        var spelledWithDot = Package(ecosystem: .pypi, name: "jaraco.classes", version: "3.4.0",
                                     locations: [Location(path: "b/site-packages/jaraco.classes-3.4.0.dist-info/METADATA")], extractor: metadata)
        spelledWithDot.licenses = ["MIT"]
        spelledWithDot.dependencyPaths = [["keyring", "jaraco.classes"]]
        var spelledWithDash = Package(ecosystem: .pypi, name: "jaraco-classes", version: "3.4.0",
                                      locations: [Location(path: "a/poetry.lock", line: 40)], extractor: poetry)
        spelledWithDash.environmentMarker = "python_version >= \"3.8\""
        spelledWithDash.dependencyPaths = [["twine", "keyring", "jaraco-classes"], ["keyring", "jaraco-classes"]]
        spelledWithDash.licenses = ["Apache-2.0"]
        var jarHere = Package(ecosystem: .maven, name: "com.example:lib", version: "1.0",
                              locations: [Location(path: "z.zip", entryChain: ["lib/lib-1.0.jar", "META-INF/maven/com.example/lib/pom.properties"])],
                              extractor: metadata)
        jarHere.digests = FileDigests(sha1: "2", sha256: "2")
        var jarThere = jarHere
        jarThere.locations = [Location(path: "y.zip", entryChain: ["lib/lib-1.0.jar", "META-INF/maven/com.example/lib/pom.properties"])]
        jarThere.digests = FileDigests(sha1: "1", sha256: "1")
        let other = Package(ecosystem: .npm, name: "ms", version: "2.1.3", locations: [Location(path: "c/package-lock.json", line: 9)],
                            extractor: poetry)
        return [spelledWithDot, spelledWithDash, jarHere, jarThere, other]
    }

    func testMergedSightingsDoNotDependOnArrivalOrder() {
        let expected = PackageMerger.merge(sightings())
        XCTAssertEqual(expected.count, 3)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20 {
            XCTAssertEqual(PackageMerger.merge(sightings().shuffled(using: &generator)), expected)
        }
        guard let python = expected.first(where: { $0.ecosystem == .pypi }), let java = expected.first(where: { $0.ecosystem == .maven }) else {
            return XCTFail("packages missing")
        }
        // The sighting at the first location decides one-copy fields: the spelling, a jar's digests.
        XCTAssertEqual(python.name, "jaraco-classes")
        XCTAssertEqual(java.digests?.sha1, "1")
        XCTAssertEqual(python.locations.map(\.path), ["a/poetry.lock", "b/site-packages/jaraco.classes-3.4.0.dist-info/METADATA"])
        XCTAssertEqual(python.extractors.map(\.id), ["poetry-lock", "python-metadata"])
        XCTAssertEqual(python.licenses, ["Apache-2.0", "MIT"])
        XCTAssertEqual(python.dependencyPaths, [["keyring", "jaraco-classes"], ["keyring", "jaraco.classes"], ["twine", "keyring", "jaraco-classes"]])
        XCTAssertEqual(python.environmentMarker, "python_version >= \"3.8\"")
    }
}
