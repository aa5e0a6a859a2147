import XCTest
import FnauditExtractors
import FnauditModel
import FnauditScanning
import TestSupport

/// A large zip is read by one worker per core; what it finds must be exactly what the single pass
/// finds: the same packages, locations, issues and secrets, for every zip and jar of the fixtures.
final class ParallelArchiveTests: XCTestCase {
    func inventory(_ path: String, parallel: Bool) -> Inventory {
        var options = ScanOptions()
        options.archive.parallelFromBytes = parallel ? 0 : .max
        let analyzers = ExtractorRegistry.analyzers(for: Set(ScannerKind.allCases), fingerprinter: FNV())
        return InventoryScanner(options: options, analyzers: analyzers).inventory(of: [path])
    }

    func testWorkersFindWhatOnePassFinds() throws {
        let fixtures = Fixtures.root
        let zips = (FileManager.default.enumerator(atPath: fixtures.path)?.compactMap { $0 as? String } ?? [])
            .filter { $0.hasSuffix(".zip") || $0.hasSuffix(".jar") || $0.hasSuffix(".war") || $0.hasSuffix(".whl") }.sorted()
        XCTAssertGreaterThan(zips.count, 10)
        for zip in zips {
            let path = fixtures.appendingPathComponent(zip).path
            let one = inventory(path, parallel: false), many = inventory(path, parallel: true)
            XCTAssertEqual(many.packages, one.packages, zip)
            XCTAssertEqual(Set(many.issues), Set(one.issues), zip)
            XCTAssertEqual(many.issues.count, one.issues.count, "\(zip): an issue reported twice")
            XCTAssertEqual(many.unidentified, one.unidentified, zip)
            XCTAssertEqual(many.secrets, one.secrets, zip)
        }
    }
}

