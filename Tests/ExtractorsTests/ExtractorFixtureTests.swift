import Foundation
import TestSupport
import XCTest
import FnauditModel
import FnauditExtractors

/// Every Tests/Fixtures/<format>/<case>/ with an expected.tsv is read by the package extractors
/// directly (no walk, no merge), and compared line by line: packages with expected.tsv, warnings
/// and errors with expected-issues.tsv (absent: none expected). FNAUDIT_UPDATE_FIXTURES=1
/// rewrites both (then review the diff).
final class ExtractorFixtureTests: XCTestCase {
    /// A case folder's files, read from disk like a tree.
    private struct FolderFiles: SiblingFiles {
        let root: URL
        func read(_ path: String) throws -> [UInt8] {
            guard let data = FileManager.default.contents(atPath: root.appendingPathComponent(path).path) else {
                throw ExtractionError("cannot be read")
            }
            return [UInt8](data)
        }
    }

    private func files(under root: URL) -> [String] {
        let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])
        var paths: [String] = []
        while let url = enumerator?.nextObject() as? URL {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            paths.append(String(url.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count + 1)))
        }
        return paths.sorted()
    }

    func testEveryFixtureCaseGivesItsExpectedPackagesAndIssues() throws {
        let manager = FileManager.default
        let update = ProcessInfo.processInfo.environment["FNAUDIT_UPDATE_FIXTURES"] != nil
        let analyzer = PackageExtractors(ExtractorRegistry.extractors)
        var cases = 0
        for format in try manager.contentsOfDirectory(atPath: Fixtures.root.path).sorted() {
            let formatDirectory = Fixtures.root.appendingPathComponent(format)
            guard let names = try? manager.contentsOfDirectory(atPath: formatDirectory.path) else { continue }
            for name in names.sorted() {
                let caseDirectory = formatDirectory.appendingPathComponent(name)
                let expectedFile = caseDirectory.appendingPathComponent("expected.tsv")
                guard manager.fileExists(atPath: expectedFile.path) else { continue }
                cases += 1
                let wanted = files(under: caseDirectory).filter { analyzer.wants(EntryInfo(path: $0, inArchive: false)) }
                let result = analyzer.analyze(Container(kind: .tree, location: Location(path: ""), entries: wanted,
                                                        files: FolderFiles(root: caseDirectory)))
                let packages = Set(result.packages.map(line)).sorted()
                let issues = result.issues.map { "\($0.severity.rawValue)\t\($0.location.description)\($0.location.line.map { ":\($0)" } ?? "")\t\($0.message)" }.sorted()
                let issuesFile = caseDirectory.appendingPathComponent("expected-issues.tsv")
                if update {
                    try (packages.map { $0 + "\n" }.joined()).write(to: expectedFile, atomically: true, encoding: .utf8)
                    if issues.isEmpty { try? manager.removeItem(at: issuesFile) } else {
                        try (issues.joined(separator: "\n") + "\n").write(to: issuesFile, atomically: true, encoding: .utf8)
                    }
                    continue
                }
                let expected = try String(contentsOf: expectedFile, encoding: .utf8).split(separator: "\n").map(String.init).sorted()
                XCTAssertEqual(packages, expected, "\(format)/\(name)")
                let expectedIssues = (try? String(contentsOf: issuesFile, encoding: .utf8))?.split(separator: "\n").map(String.init).sorted() ?? []
                XCTAssertEqual(issues, expectedIssues, "\(format)/\(name): issues")
            }
        }
        XCTAssertGreaterThanOrEqual(cases, 40, "fixture cases went missing")
    }

    /// One package as a line of expected.tsv: ecosystem, name, version (or what was written), kind, dev, where.
    private func line(_ p: Package) -> String {
        let version = p.versionKind == .exact ? p.version : (p.versionNote ?? "")
        let location = p.locations.min() ?? Location(path: "?")
        let place = location.path + (location.line.map { ":\($0)" } ?? "")
        // Declared licences, when the format records them, as a seventh column.
        return ([p.ecosystem.rawValue, p.name, version, p.versionKind.rawValue, p.isDev ? "dev" : "prod", place]
            + (p.licenses.isEmpty ? [] : ["license=" + p.licenses.joined(separator: " | ")])).joined(separator: "\t")
    }

    func testFormatsAreRecognisedByPath() {
        let wanted = ["package-lock.json", "sub/npm-shrinkwrap.json", "node_modules/.package-lock.json", "yarn.lock",
                      "pnpm-lock.yaml", "node_modules/a/package.json", "node_modules/@s/b/package.json",
                      "requirements.txt", "requirements-dev.txt", "dev-requirements.txt", "requirements/base.txt",
                      "Pipfile.lock", "poetry.lock", "uv.lock", "pdm.lock", "pylock.toml", "pylock.prod.toml",
                      "lib/python3.12/site-packages/x-1.0.dist-info/METADATA", "x.egg-info/PKG-INFO",
                      "pom.xml", "gradle.lockfile", "buildscript-gradle.lockfile",
                      "bom.cdx.json", "sbom/app.cyclonedx.json", "bom.json", "sbom.json", "app.bom.json", "bom.spdx.json",
                      "image-sbom.json", "cyclonedx.json", "spdx.json"]
        for path in wanted {
            XCTAssertFalse(ExtractorRegistry.extractors(for: path).isEmpty, path)
        }
        let unwanted = ["package.json", "node_modules/a/dist/package.json", "src/app.py", "notes.txt",
                        "META-INF/maven/g/a/pom.xml", "x.dist-info/RECORD", "tsconfig.json", "bom.xml", "report.json"]
        for path in unwanted {
            XCTAssertTrue(ExtractorRegistry.extractors(for: path).isEmpty, path)
        }
    }
}
