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
        }
        XCTAssertGreaterThanOrEqual(realRead, 4, "the large real locks are read by the line reader")
        XCTAssertGreaterThan(read, files.count / 2)
    }

    func testItDeclinesWhatIsOutsideItsSubset() {
        for text in ["a: &x 1\nb: *x\n", "a: |\n  text\n", "# comment\na: 1\n", "a: 'multi\n  line'\n", "a: b\na: c\n",
                     "a:\n- x\n", "a: \"esc\\n\"\n", "a:\n  b: 1\n c: 2\n", "a: 1\n\tb: 2\n", "- a\n", "a: b: c\n", "a: !tag x\n"] {
            XCTAssertNil(PnpmLockReader.tree(Array(text.utf8)), text)
        }
        XCTAssertNotNil(PnpmLockReader.tree(Array("lockfileVersion: '9.0'\npackages:\n  a@1.0.0:\n    resolution: {integrity: sha512-x}\n    cpu: [x64, arm64]\n".utf8)))
    }
}
