import Foundation
import TestSupport
import XCTest
import FnauditModel
import FnauditExtractors

/// Every file of ../shared/corpus/lockfiles, read by the extractors under its project name, gives
/// exactly the inventory it gave before the parsers were made faster: every field of every package
/// (line, dev flag, direct flag, dependency paths, marker) and every issue, as one digest per file in
/// Tests/Fixtures/corpus/agreement.tsv. FNAUDIT_UPDATE_CORPUS=1 rewrites it (only from a state known
/// to be right); FNAUDIT_CORPUS_DUMP=<folder> writes each file's lines there, to diff two states.
final class CorpusAgreementTests: XCTestCase {
    private struct NoSiblings: SiblingFiles {
        func read(_ path: String) throws -> [UInt8] { throw ExtractionError("no siblings") }
    }

    static func lines(of result: Extraction) -> [String] {
        let packages = result.packages.map { p -> String in
            let locations = p.locations.map { "\($0.description):\($0.line.map(String.init) ?? "-")" }.sorted().joined(separator: ",")
            // Which of several equally short paths are kept (at most 5, and 5 parents a node) follows
            // dictionary order, which varies by run: their count and lengths do not, nor do 1-step paths.
            let paths = p.dependencyPaths.map { $0.count == 1 ? $0[0] : String($0.count) }.sorted().joined(separator: "|")
            return [p.ecosystem.rawValue, p.name, p.version, p.versionKind.rawValue, p.versionNote ?? "-", p.isDev ? "dev" : "prod",
                    p.isDirect.map { $0 ? "direct" : "transitive" } ?? "-", p.environmentMarker ?? "-",
                    p.extractors.map(\.displayName).joined(separator: ","), locations, paths].joined(separator: "\t")
        }
        let issues = result.issues.map { "issue\t\($0.severity.rawValue)\t\($0.location.description):\($0.location.line.map(String.init) ?? "-")\t\($0.message)" }
        return (packages + issues).sorted()
    }

    /// FNV-1a, 64 bits: a stable digest without linking crypto into the tests.
    static func digest(_ lines: [String]) -> String {
        var hash: UInt64 = 0xcbf29ce484222325
        for line in lines {
            for byte in line.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100000001b3 }
            hash = (hash ^ 0x0A) &* 0x100000001b3
        }
        return String(hash, radix: 16)
    }

    /// (corpus file, name it has in a project) for every file the manifest lists.
    static func corpusFiles() throws -> [(file: String, name: String)] {
        let corpus = Fixtures.shared("corpus/lockfiles")
        guard let manifest = try? String(contentsOfFile: corpus + "/MANIFEST.tsv", encoding: .utf8) else {
            throw XCTSkip("no corpus at \(corpus)")
        }
        var rows: [(String, String)] = []
        var header: [Substring] = []
        for line in manifest.split(separator: "\n") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            if header.isEmpty { header = fields; continue }
            guard let file = header.firstIndex(of: "file"), let name = header.firstIndex(of: "canonical_name"),
                  fields.count > max(file, name) else { continue }
            rows.append((String(fields[file]), String(fields[name])))
        }
        return rows
    }

    static func extract(_ file: String, as name: String) throws -> Extraction {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Fixtures.shared("corpus/lockfiles/" + file))))
        let input = ExtractorInput(path: name, location: Location(path: name), contents: bytes, siblings: NoSiblings())
        var result = Extraction()
        for extractor in ExtractorRegistry.extractors(for: name) {
            do { result += try extractor.extract(input) } catch {
                result.issues.append(ScanIssue(location: input.location, message: "\(extractor.id.displayName): \(error)"))
            }
        }
        return result
    }

    func testEveryCorpusFileGivesTheInventoryItGaveBefore() throws {
        let goldenURL = Fixtures.root.appendingPathComponent("corpus/agreement.tsv")
        let environment = ProcessInfo.processInfo.environment
        var actual: [String] = []
        for (file, name) in try Self.corpusFiles() {
            let lines = Self.lines(of: try Self.extract(file, as: name))
            actual.append("\(file)\t\(lines.count)\t\(Self.digest(lines))")
            if let dump = environment["FNAUDIT_CORPUS_DUMP"] {
                let url = URL(fileURLWithPath: dump).appendingPathComponent(file.replacingOccurrences(of: "/", with: "__") + ".tsv")
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
            }
        }
        if environment["FNAUDIT_UPDATE_CORPUS"] != nil {
            try FileManager.default.createDirectory(at: goldenURL.deletingLastPathComponent(), withIntermediateDirectories: true)
            try (actual.joined(separator: "\n") + "\n").write(to: goldenURL, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: goldenURL, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertGreaterThanOrEqual(expected.count, 150, "corpus files went missing")
        let differing = zip(actual, expected).filter { $0 != $1 }.map { "\($0.0)  (expected \($0.1.split(separator: "\t").dropFirst().joined(separator: " ")))" }
        XCTAssertEqual(actual.count, expected.count)
        XCTAssertEqual(differing, [], "inventories changed; diff FNAUDIT_CORPUS_DUMP output of both states")
    }
}
