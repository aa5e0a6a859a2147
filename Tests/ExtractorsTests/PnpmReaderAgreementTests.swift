import Foundation
import TestSupport
import XCTest
import FnauditExtractors

/// pnpm-lock.yaml files are read by a line reader when they stay within pnpm's subset of YAML:
/// on every corpus and fixture file it must give the general parser's tree, or decline.
final class PnpmReaderAgreementTests: XCTestCase {
    private func pnpmFiles() throws -> [String] {
        var paths: [String] = []
        for root in [Fixtures.shared("corpus/lockfiles"), Fixtures.root.path] {
            guard let enumerator = FileManager.default.enumerator(atPath: root) else { continue }
            while let relative = enumerator.nextObject() as? String {
                let full = root + "/" + relative
                if relative.hasSuffix("pnpm-lock.yaml") || (relative.contains("pnpm") && relative.hasSuffix(".yaml")) { paths.append(full) }
            }
        }
        return paths.sorted()
    }

    func testTheLineReaderGivesTheYAMLParsersTreeOrDeclines() throws {
        var read = 0, realRead = 0
        let files = try pnpmFiles()
        XCTAssertGreaterThan(files.count, 10)
        for path in files {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            guard let fast = PnpmLockReader.tree(bytes) else { continue }
            read += 1
            if path.contains("/real/") { realRead += 1 }
            let general = try StructuredDocument.yaml(bytes)
            XCTAssertTrue(PnpmLockReader.sameTree(fast, general), path)
            XCTAssertTrue(PnpmLockReader.documentAgreesWithTree(bytes), path)
        }
        XCTAssertGreaterThanOrEqual(realRead, 4, "the large real locks are read by the line reader")
        XCTAssertGreaterThan(read, files.count / 2)
    }

    /// The extractor reads a document built straight from the lines; values of the wrong shape must
    /// count as they do in the general parser's tree (absent, or an entry with no fields).
    func testTheDocumentOfOddShapesIsTheTreesDocument() {
        let documents = [
            "lockfileVersion: '6.0'\npackages:\n  /a@1.0.0: {name: b, version: 2.0.0, dev: 'true'}\n  /c@1.0.0:\n  /d@1.0.0:\n    - x\n  /e@1.0.0: [x]\n",
            "lockfileVersion: '6.0'\npackages: {/a@1.0.0: x}\nsnapshots: {a@1.0.0: y}\nimporters: {.: z}\n",
            "lockfileVersion: '9.0'\nimporters:\n  .: {dependencies: x}\n  app:\n    dependencies:\n      a:\n        specifier: ^1\n        version: 1.0.0\n      b: {specifier: ^2, version: 2.0.0}\n      c: {specifier: ^3}\n      d: [x]\n      e:\n        version:\n          - x\n  lib: x\n  seq:\n    - x\n",
            "lockfileVersion: 5.4\ndependencies: {a: 1.0.0, b: link:../b}\ndevDependencies:\n  c: 1.0.0\noptionalDependencies: x\npackages:\n  /a/1.0.0:\n    resolution:\n      tarball: https://example/a.tgz\n      repo: [x]\n    dependencies: {c: 1.0.0}\n    optionalDependencies:\n      - c\n    dev:\n      x: y\n    name: {x: y}\n",
            "lockfileVersion:\n  x: 1\npackages:\n  - a\nsnapshots:\n  a@1.0.0:\n    dependencies:\n      b: 1.0.0\n  b@1.0.0: {dependencies: c}\n  c@1.0.0:\n    - d\n",
        ]
        for text in documents {
            let bytes = Array(text.utf8)
            XCTAssertNotNil(PnpmLockReader.tree(bytes), text)
            XCTAssertTrue(PnpmLockReader.documentAgreesWithTree(bytes), text)
        }
    }

    /// Found by fuzz target pnpm-reader: brackets inside plain scalars count towards the nesting limit
    /// of the general path, which refuses such a file; the reader must not read it instead.
    func testItDeclinesWhatTheGeneralPathsLimitsRefuse() {
        let unbalanced = "lockfileVersion: 5.4\npackages:\n  /a/1.0.0" + String(repeating: "{", count: 130) + ":\n    dev: false\n"
        XCTAssertThrowsError(try DocumentLimits.checkYAML(Array(unbalanced.utf8)))
        XCTAssertNil(PnpmLockReader.tree(Array(unbalanced.utf8)))
        // A bracket left open past its line is left to the general parser too.
        XCTAssertNil(PnpmLockReader.tree(Array("lockfileVersion: 5.4\npackages:\n  /a/1.0.0{:\n    dev: false\n".utf8)))
        XCTAssertNotNil(PnpmLockReader.tree(Array("lockfileVersion: 5.4\npackages:\n  /a/1.0.0{}:\n    dev: false\n".utf8)))
        // YAML's implicit keys are at most 1024 characters: libyaml refuses a longer one.
        let long = String(repeating: "k", count: 1_100)
        for text in ["\(long): 1\n", "a: {\(long): 1}\n", "'\(long)': 1\n"] {
            XCTAssertThrowsError(try StructuredDocument.yaml(Array(text.utf8)))
            XCTAssertNil(PnpmLockReader.tree(Array(text.utf8)))
        }
    }

    func testItDeclinesWhatIsOutsideItsSubset() {
        for text in ["a: &x 1\nb: *x\n", "a: |\n  text\n", "# comment\na: 1\n", "a: 'multi\n  line'\n", "a: b\na: c\n",
                     "a:\n- x\n", "a: \"esc\\n\"\n", "a:\n  b: 1\n c: 2\n", "a: 1\n\tb: 2\n", "- a\n", "a: b: c\n", "a: !tag x\n"] {
            XCTAssertNil(PnpmLockReader.tree(Array(text.utf8)), text)
        }
        XCTAssertNotNil(PnpmLockReader.tree(Array("lockfileVersion: '9.0'\npackages:\n  a@1.0.0:\n    resolution: {integrity: sha512-x}\n    cpu: [x64, arm64]\n".utf8)))
    }
}
