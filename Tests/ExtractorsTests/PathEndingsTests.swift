import Foundation
import TestSupport
import XCTest
import FnauditExtractors

/// `PackageExtractors.wants` rules paths out by the extractors' declared endings before asking them:
/// each extractor must accept no path outside its endings, and the analyzer must want exactly
/// what some extractor requires.
final class PathEndingsTests: XCTestCase {
    private func paths() throws -> [String] {
        var paths = [
            "requirements.txt", "REQUIREMENTS.TXT", "requirements/dev.txt", "dev-requirements.txt", "reqs_requirements.txt",
            "Requirements/Base.TXT", "notes.txt", "lib/python3.12/site-packages/x-1.0.dist-info/METADATA",
            "site-packages/y.egg-info/PKG-INFO", "site-packages/z.egg-info", "node_modules/a/package.json",
            "node_modules/@s/b/package.json", "node_modules/a/dist/package.json", "package.json", "pnpm-lock.yaml",
            "yarn.lock", "Pipfile.lock", "poetry.lock", "uv.lock", "pdm.lock", "pylock.toml", "pylock.dev.toml",
            "pyproject.toml", "package-lock.json", "npm-shrinkwrap.json", "node_modules/.package-lock.json",
            "x/.package-lock.json", "pom.xml", "lib/a-1.0.pom", "META-INF/maven/g/a/pom.xml", "gradle.lockfile",
            "buildscript-gradle.lockfile", "bom.json", "sbom.CDX.JSON", "app.spdx.json", "BOM.JSON", "cyclonedx.json",
            "a/B.class", "index.js", "x.min.js.map", "Dockerfile", "template.yaml", "serverless.yml", ".env",
        ]
        for root in [Fixtures.root.path, Fixtures.shared("corpus")] {
            guard let walker = FileManager.default.enumerator(atPath: root) else { continue }
            while let relative = walker.nextObject() as? String { paths.append(relative) }
        }
        return paths
    }

    func testNoExtractorAcceptsAPathOutsideItsEndings() throws {
        let all = try paths()
        XCTAssertGreaterThan(all.count, 500)
        for extractor in ExtractorRegistry.extractors {
            let endings = extractor.pathEndings.map { $0.lowercased() }
            for path in all where extractor.fileRequired(path) {
                XCTAssertTrue(endings.contains { path.hasSuffixIgnoringASCIICase($0) }, "\(extractor.id.displayName) takes \(path)")
            }
        }
    }

    func testTheAnalyzerWantsWhatSomeExtractorRequires() throws {
        let analyzer = PackageExtractors(ExtractorRegistry.extractors)
        var wanted = 0
        for path in try paths() {
            let required = ExtractorRegistry.extractors.contains { $0.fileRequired(path) }
            XCTAssertEqual(analyzer.wants(EntryInfo(path: path, inArchive: false)), required, path)
            if required { wanted += 1 }
        }
        XCTAssertGreaterThan(wanted, 100)
    }
}
