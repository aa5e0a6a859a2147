import Foundation
import TestSupport
import XCTest
import FnauditModel
@testable import FnauditExtractors

/// The byte readers of package-lock.json, Pipfile.lock (`JSONReader`) and the TOML lockfiles
/// (`TOMLLockReader`) give what the general parsers give, on every corpus and fixture file they
/// take, and leave the rest (including every damaged copy) to them.
final class LockReaderAgreementTests: XCTestCase {
    private func files(_ matches: (String) -> Bool) -> [String] {
        var paths: [String] = []
        for root in [Fixtures.shared("corpus/lockfiles"), Fixtures.root.path] {
            guard let enumerator = FileManager.default.enumerator(atPath: root) else { continue }
            while let relative = enumerator.nextObject() as? String {
                var isDirectory: ObjCBool = false
                guard matches(relative), FileManager.default.fileExists(atPath: root + "/" + relative, isDirectory: &isDirectory),
                      !isDirectory.boolValue else { continue }
                paths.append(root + "/" + relative)
            }
        }
        return paths.sorted()
    }

    private func bytes(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    private var packageLocks: [String] {
        files { $0.hasSuffix("package-lock.json") || $0.hasSuffix("npm-shrinkwrap.json") || ($0.contains("package-lock-v") && $0.hasSuffix(".json")) }
    }

    private var pipfileLocks: [String] {
        files { $0.hasSuffix("Pipfile.lock") || ($0.contains("pipfile-lock") && !$0.hasSuffix(".tsv")) }
    }

    private var tomlLocks: [String] {
        files { name in
            ["poetry.lock", "uv.lock", "pdm.lock"].contains { name.hasSuffix($0) }
                || (["poetry-lock", "uv-lock", "pdm-lock"].contains { name.contains($0) } && !name.hasSuffix(".tsv"))
        }
    }

    func testPackageLockReaderAgreesWithTheTree() throws {
        var read = 0, realRead = 0
        for path in packageLocks {
            let data = try bytes(path)
            XCTAssertTrue(PackageLockExtractor.readerAgreesWithTree(data), path)
            guard PackageLockExtractor.readPackages(data) != nil else { continue }
            read += 1
            if path.contains("/real/") { realRead += 1 }
        }
        XCTAssertGreaterThanOrEqual(realRead, 3, "the large real version 2 and 3 locks are read by the byte reader")
        XCTAssertGreaterThan(read, 10)
    }

    func testPipfileLockReaderAgreesWithTheTree() throws {
        var read = 0, realRead = 0
        for path in pipfileLocks {
            let data = try bytes(path)
            XCTAssertTrue(PipfileLockExtractor.readerAgreesWithTree(data), path)
            guard PipfileLockExtractor.readSections(data) != nil else { continue }
            read += 1
            if path.contains("/real/") { realRead += 1 }
        }
        XCTAssertGreaterThanOrEqual(realRead, 1)
        XCTAssertGreaterThan(read, 5)
    }

    /// Cut short or with bytes changed, a lock is read by both or neither alike, never a crash.
    func testDamagedJSONLocksAreLeftToJSONSerialization() throws {
        var generator = SeededGenerator(seed: 19)
        for path in packageLocks.filter({ $0.contains("/real/") }) + pipfileLocks.filter({ $0.contains("/real/") }) {
            let data = try bytes(path)
            let isPipfile = path.hasSuffix("Pipfile.lock") || path.contains("pipfile-lock")
            guard let lastBrace = data.lastIndex(of: UInt8(ascii: "}")) else { continue }
            for cut in stride(from: 0, to: lastBrace, by: max(1, lastBrace / 12)) {
                let truncated = Array(data[..<cut])
                XCTAssertNil(PackageLockExtractor.readPackages(truncated), "\(path) cut at \(cut)")
                XCTAssertNil(PipfileLockExtractor.readSections(truncated), "\(path) cut at \(cut)")
                let input = ExtractorInput(path: "x", location: Location(path: "x"), contents: truncated, siblings: NoSiblings())
                XCTAssertThrowsError(try (isPipfile ? PipfileLockExtractor().extract(input) : PackageLockExtractor().extract(input)))
            }
            for _ in 0..<8 {
                var mutated = data
                for _ in 0..<3 { mutated[Int.random(in: 0..<mutated.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator) }
                XCTAssertTrue(PackageLockExtractor.readerAgreesWithTree(mutated), path)
                XCTAssertTrue(PipfileLockExtractor.readerAgreesWithTree(mutated), path)
            }
        }
    }

    func testJSONReaderDeclinesWhatItDoesNotReadAsJSONSerializationDoes() {
        for text in [#"{"lockfileVersion": 3, "packages": {"a": {}}, "packages": {}}"#,            // a key twice
                     #"{"lockfileVersion": 3.0, "packages": {}}"#,                                  // a version that is not an integer
                     #"{"lockfileVersion": 3, "packages": {"node_modules/a": {"version": 1}}}"#,    // a number read as text
                     #"{"lockfileVersion": 3, "packages": {"node_modules/a": {"dev": 1}}}"#,        // a number read as a flag
                     #"{"lockfileVersion": 3, "packages": {"node_modules/a": {"name": "\ud800"}}}"#, // a lone surrogate
                     #"{"lockfileVersion": 3, "packages": {"node_modules/a": {"dependencies": {"b": "\ud800^1"}}}}"#, // one passed over
                     #"{"lockfileVersion": 3, "packages": {}, "x": "\udc00\u0000"}"#,
                     #"{"lockfileVersion": 3, "packages": {}} x"#, "\u{FEFF}{\"packages\": {}}", "[1]", "",
                     #"{"lockfileVersion": 1, "packages": {}}"#] {
            XCTAssertNil(PackageLockExtractor.readPackages(Array(text.utf8)), text)
        }
        XCTAssertNil(PackageLockExtractor.readPackages([0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D]), "not UTF-8")
        let deep = "{\"packages\": {\"a\": " + String(repeating: "[", count: 200) + String(repeating: "]", count: 200) + "}}"
        XCTAssertNil(PackageLockExtractor.readPackages(Array(deep.utf8)), "deeper than the reader goes")
        let escaped = #"{"lockfileVersion": 3, "packages": {"node_modules/\u0061": {"version": "1.0.0", "dependencies": {"b": "^1"}}}}"#
        XCTAssertEqual(PackageLockExtractor.readPackages(Array(escaped.utf8))?.entries.first?.0, "node_modules/a")
    }

    func testTOMLReaderAgreesWithTOMLPlusPlus() throws {
        var read = 0, realRead = 0
        for path in tomlLocks {
            let data = try bytes(path)
            guard (try? DocumentLimits.checkTOML(data)) != nil, let fast = TOMLLockReader.tree(data) else { continue }
            read += 1
            if path.contains("/real/") { realRead += 1 }
            let general = try StructuredDocument.toml(data)
            XCTAssertTrue(TOMLLockReader.sameTree(fast, general), path)
            // Skipped keys are only left out.
            let skipping: Set = ["metadata", "package.files", "package.wheels"]
            let partial = try XCTUnwrap(TOMLLockReader.tree(data, skipping: skipping), path)
            XCTAssertTrue(TOMLLockReader.sameTree(partial, Self.removing(skipping, from: general)), path)
        }
        XCTAssertGreaterThanOrEqual(realRead, 4, "the large real uv, poetry and pdm locks are read by the TOML reader")
        XCTAssertGreaterThan(read, tomlLocks.count / 2)
    }

    /// Cut anywhere, a TOML lock read by the reader is what toml++ reads; what toml++ refuses, the reader declines.
    func testCutTOMLLocksAgreeOrAreDeclined() throws {
        for path in tomlLocks.filter({ $0.contains("/real/") }) {
            let data = try bytes(path)
            for cut in stride(from: 0, to: data.count, by: max(1, data.count / 40)) {
                let truncated = Array(data[..<cut])
                guard (try? DocumentLimits.checkTOML(truncated)) != nil else { continue }
                let fast = TOMLLockReader.tree(truncated)
                let general = try? StructuredDocument.toml(truncated)
                if let fast {
                    XCTAssertTrue(general.map { TOMLLockReader.sameTree(fast, $0) } == true, "\(path) cut at \(cut)")
                }
            }
        }
    }

    func testTOMLReaderDeclinesWhatIsOutsideItsSubset() {
        for text in ["a.b = 1\n", "a = \"\"\"x\"\"\"\n", "a = 1.5\n", "a = 1979-05-27\n", "a = 0x10\n", "a = 1_000\n",
                     "a = 1\na = 2\n", "[t]\n[t]\n", "[[t]]\n[t]\n", "[t]\n[[t]]\n", "a = {b = 1}\n[a]\n", "a = 1\r\n\rb = 2\n",
                     "\u{FEFF}a = 1\n", "a = {b = 1, }\n", "a = {b = 1,\nc = 2}\n", "a = \"\\e\"\n", "a = 'x\n", "[a] b = 1\n",
                     "a = \"x\" y\n", "a = tru\n"] {
            XCTAssertNil(TOMLLockReader.tree(Array(text.utf8)), text.debugDescription)
        }
        let tree = TOMLLockReader.tree(Array("v = -0\n[[p]]\nn = 'a'\nd = [\n  { n = \"b\\u00e9\" }, # c\n]\n[p.s]\nx = true\n[[p]]\nn = \"c\"\n".utf8))
        XCTAssertNotNil(tree)
        XCTAssertTrue(TOMLLockReader.sameTree(tree ?? [:], ["v": "0", "p": [["n": "a", "d": [["n": "bé"]], "s": ["x": true]], ["n": "c"]]]))
    }

    /// The tree without the values under `paths` (array-of-tables elements transparent).
    private static func removing(_ paths: Set<String>, from tree: [String: Any], at prefix: String = "") -> [String: Any] {
        var result: [String: Any] = [:]
        for (key, value) in tree {
            let path = prefix.isEmpty ? key : prefix + "." + key
            if paths.contains(path) { continue }
            if let table = value as? [String: Any] {
                result[key] = removing(paths, from: table, at: path)
            } else if let list = value as? [Any], !list.isEmpty, list.allSatisfy({ $0 is [String: Any] }) {
                result[key] = list.map { removing(paths, from: $0 as? [String: Any] ?? [:], at: path) as Any }
            } else {
                result[key] = value
            }
        }
        return result
    }

    private struct NoSiblings: SiblingFiles {
        func read(_ path: String) throws -> [UInt8] { throw ExtractionError("no siblings") }
    }
}

/// A small deterministic generator, so a failure names a reproducible input.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state >> 11 | state << 53
    }
}
