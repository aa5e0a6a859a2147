import Foundation
import TestSupport
import XCTest
import FnauditModel
import FnauditExtractors
import FnauditScanning

/// Every Tests/Fixtures/<format>/<case>/ with an expected.tsv is scanned and compared line by
/// line (see Scripts/update-fixture-expectations.py for the format).
final class ExtractorFixtureTests: XCTestCase {
    func testEveryFixtureCaseGivesItsExpectedPackages() throws {
        let manager = FileManager.default
        var cases = 0
        for format in try manager.contentsOfDirectory(atPath: Fixtures.root.path).sorted() {
            let formatDirectory = Fixtures.root.appendingPathComponent(format)
            guard let names = try? manager.contentsOfDirectory(atPath: formatDirectory.path) else { continue }
            for name in names.sorted() {
                let caseDirectory = formatDirectory.appendingPathComponent(name)
                let expectedFile = caseDirectory.appendingPathComponent("expected.tsv")
                guard let expected = try? String(contentsOf: expectedFile, encoding: .utf8) else { continue }
                cases += 1
                let inventory = Scanner().inventory(of: [caseDirectory.path])
                let actual = inventory.packages.map { line($0, relativeTo: caseDirectory.path) }.sorted()
                let wanted = expected.split(separator: "\n").map(String.init).sorted()
                XCTAssertEqual(actual, wanted, "\(format)/\(name)")
            }
        }
        XCTAssertGreaterThanOrEqual(cases, 40, "fixture cases went missing")
    }

    private func line(_ p: Package, relativeTo base: String) -> String {
        let version = p.versionKind == .exact ? p.version : (p.versionNote ?? "")
        let location = p.locations[0]
        var path = location.path
        if path.hasPrefix(base + "/") { path = String(path.dropFirst(base.count + 1)) }
        let place = path + (location.line.map { ":\($0)" } ?? "")
        return [p.ecosystem.rawValue, p.name, version, p.versionKind.rawValue, p.isDev ? "dev" : "prod", place].joined(separator: "\t")
    }

    func testFormatsAreRecognisedByPath() {
        let wanted = ["package-lock.json", "sub/npm-shrinkwrap.json", "node_modules/.package-lock.json", "yarn.lock",
                      "pnpm-lock.yaml", "node_modules/a/package.json", "node_modules/@s/b/package.json",
                      "requirements.txt", "requirements-dev.txt", "dev-requirements.txt", "requirements/base.txt",
                      "Pipfile.lock", "poetry.lock", "uv.lock", "pdm.lock", "pylock.toml", "pylock.prod.toml",
                      "lib/python3.12/site-packages/x-1.0.dist-info/METADATA", "x.egg-info/PKG-INFO",
                      "pom.xml", "gradle.lockfile", "buildscript-gradle.lockfile"]
        for path in wanted {
            XCTAssertFalse(ExtractorRegistry.extractors(for: path).isEmpty, path)
        }
        let unwanted = ["package.json", "node_modules/a/dist/package.json", "src/app.py", "notes.txt",
                        "META-INF/maven/g/a/pom.xml", "x.dist-info/RECORD"]
        for path in unwanted {
            XCTAssertTrue(ExtractorRegistry.extractors(for: path).isEmpty, path)
        }
    }
}
