import Foundation
import TestSupport
import XCTest
@testable import FnauditArchive

/// The central-directory reader against libarchive: wherever it takes a zip, both give the same
/// entries (name, kind, size, encryption) and the same bytes, or both fail to read an entry.
final class ZipDirectoryReaderTests: XCTestCase {
    private struct Listed: Equatable, CustomStringConvertible {
        var name: String?
        var kind: ArchiveEntry.Kind
        var size: Int64?
        var encrypted: Bool
        /// The bytes read, or nil when the read failed.
        var bytes: [UInt8]?
        var description: String { "\(name ?? "?") \(kind) \(size.map(String.init) ?? "-") \(encrypted ? "encrypted " : "")\(bytes.map { "\($0.count) bytes" } ?? "unreadable")" }
    }

    private func list(_ reader: any EntryReader) -> [Listed] {
        var out: [Listed] = []
        while let entry = try? reader.nextEntry() {
            let readable = entry.kind == .file && !entry.isEncrypted
            let bytes = readable ? try? reader.readEntry(limit: 64 << 20, maxRatio: 1000, budget: { _ in true }) : nil
            out.append(Listed(name: entry.name, kind: entry.kind, size: entry.declaredSize, encrypted: entry.isEncrypted, bytes: bytes))
        }
        return out
    }

    /// Every zip, jar and wheel of the fixtures and of ../shared: the same as libarchive's reading, from disk and from memory.
    func testAgreesWithLibarchiveOnEveryFixtureArchive() throws {
        var roots = [Fixtures.root.path]
        let shared = Fixtures.shared("")
        if FileManager.default.fileExists(atPath: shared) { roots.append(shared) }
        var taken = 0, declined: [String] = []
        for root in roots {
            let files = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? []
            for file in files where [".zip", ".jar", ".whl", ".war", ".ear"].contains(where: file.hasSuffix) {
                let path = root + "/" + file
                guard let zip = ZipDirectoryReader.open(path: path) else { declined.append(file); continue }
                // Where the two differ by design (testLocalHeaderNamingAnotherFileIsNotRead).
                if file.hasSuffix("zip-directory/renamed-local.zip") { continue }
                taken += 1
                let expected = list(try LibarchiveReader(path: path))
                XCTAssertEqual(list(zip), expected, file)
                let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
                let memory = try XCTUnwrap(ZipDirectoryReader.open(.memory(EntryBytes(copying: bytes))), file)
                XCTAssertEqual(list(memory), expected, "\(file), from memory")
            }
        }
        XCTAssertGreaterThan(taken, 30, "declined: \(declined)")
        // Declined on purpose: no end record (cut short), and the fixtures of the cases left to libarchive.
        XCTAssertEqual(Set(declined), ["bundles/adversarial/truncated.zip", "osv/bad/corrupt.zip", "zip-directory/prefixed.zip", "zip-directory/bzip2.zip",
                                       "zip-directory/latin1-name.zip", "zip-directory/unicode-path.zip", "zip-directory/fifo.zip"],
                       "\(declined)")
    }

    func testPlainZipKindsAndBytes() throws {
        let entries = list(try XCTUnwrap(ZipDirectoryReader.open(path: Fixtures.path("zip-directory/plain.zip"))))
        XCTAssertEqual(entries.map(\.name), ["app/", "app/package-lock.json", "app/requirements.txt", "app/empty.txt",
                                             "app/unix-dir/", "app/dos-dir/", "app/link.json"])
        XCTAssertEqual(entries.map(\.kind), [.directory, .file, .file, .file, .directory, .directory, .symlink])
        XCTAssertEqual(entries[2].bytes, Array("six==1.16.0\n".utf8) + Array(repeating: Array("six==1.16.0\n".utf8), count: 49).flatMap { $0 })
        XCTAssertEqual(entries[3].bytes, [])
    }

    func testZip64AndDataDescriptors() throws {
        for name in ["zip64.zip", "data-descriptor.zip"] {
            let entries = list(try XCTUnwrap(ZipDirectoryReader.open(path: Fixtures.path("zip-directory/" + name)), name))
            XCTAssertEqual(entries.map(\.name), ["package-lock.json", "requirements.txt"], name)
            XCTAssertEqual(entries.map { $0.bytes?.count }, [84, 600], name)
        }
    }

    /// The directory and the local header disagree on the name: the entry is listed by the directory's
    /// name (as Java, Python and Go read it) and not read, with an error saying why.
    func testLocalHeaderNamingAnotherFileIsNotRead() throws {
        let reader = try ArchiveReader(path: Fixtures.path("zip-directory/renamed-local.zip"))
        XCTAssertEqual(try reader.nextEntry()?.name, "package-lock.json")
        XCTAssertEqual(try reader.readEntry(limit: 1 << 20).count, 84)
        XCTAssertEqual(try reader.nextEntry()?.name, "requirements.txt")
        XCTAssertThrowsError(try reader.readEntry(limit: 1 << 20)) { error in
            XCTAssertTrue("\(error)".contains("local header names this entry differently"), "\(error)")
        }
    }

    /// Cases outside the plain one still read, through libarchive.
    func testDeclinedZipsAreStillRead() throws {
        for name in ["prefixed.zip", "bzip2.zip", "latin1-name.zip", "unicode-path.zip", "fifo.zip"] {
            XCTAssertNil(ZipDirectoryReader.open(path: Fixtures.path("zip-directory/" + name)), name)
            let reader = try ArchiveReader(path: Fixtures.path("zip-directory/" + name))
            var read = 0
            while let entry = try reader.nextEntry() {
                XCTAssertNotNil(entry.name, name)
                read += try reader.readEntry(limit: 1 << 20).count
            }
            XCTAssertGreaterThanOrEqual(read, 600, name)
        }
    }

    /// The limits hold before anything is inflated: the declared size against the entry limit, the
    /// declared ratio, the budget; and a directory that lies about a size is damage, not a short read.
    func testLimitsAndLyingSizes() throws {
        let path = Fixtures.path("bundles/adversarial/zip-bomb.zip")
        let reader = try XCTUnwrap(ZipDirectoryReader.open(path: path))
        XCTAssertEqual(try reader.nextEntry()?.name, "package-lock.json")
        XCTAssertThrowsError(try reader.readEntry(limit: 1 << 20, maxRatio: 1000, budget: { _ in true })) { error in
            XCTAssertTrue("\(error)".contains("limit"), "\(error)")
        }
        _ = try reader.nextEntry()
        XCTAssertEqual(try reader.nextEntry()?.name, "poetry.lock")
        XCTAssertThrowsError(try reader.readEntry(limit: 256 << 20, maxRatio: 200, budget: { _ in true })) { error in
            XCTAssertTrue("\(error)".contains("200:1"), "\(error)")
        }
        XCTAssertEqual(try reader.nextEntry()?.name, "requirements.txt")
        XCTAssertThrowsError(try reader.readEntry(limit: 1 << 20, maxRatio: 200, budget: { _ in false })) { error in
            XCTAssertTrue("\(error)".contains("budget"), "\(error)")
        }

        // requirements.txt's declared size, one byte short: in the central directory only, then in its local header too.
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Fixtures.path("zip-directory/zip64.zip"))))
        let central = try XCTUnwrap(bytes.indices.last { i in bytes[i...].starts(with: [0x50, 0x4B, 0x01, 0x02]) })
        let extra = central + 46 + Int(bytes[central + 28])
        bytes[extra + 4] = 0x57   // 600 = 0x258 → 0x257
        XCTAssertThrowsError(try readSecond(bytes)) { error in
            XCTAssertTrue("\(error)".contains("local header and the central directory disagree"), "\(error)")
        }
        let local = try XCTUnwrap(bytes.indices.dropFirst().first { i in bytes[i...].starts(with: [0x50, 0x4B, 0x03, 0x04]) })
        bytes[local + 22] = 0x57
        XCTAssertThrowsError(try readSecond(bytes)) { error in
            XCTAssertTrue("\(error)".contains("more than the 599 bytes declared"), "\(error)")
        }
    }

    /// A zip64 offset near Int64.max is refused, not added to (an overflow would trap).
    func testHugeZip64OffsetIsDeclined() throws {
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Fixtures.path("zip-directory/zip64.zip"))))
        let central = try XCTUnwrap(bytes.indices.last { i in bytes[i...].starts(with: [0x50, 0x4B, 0x01, 0x02]) })
        let offsetField = central + 46 + Int(bytes[central + 28]) + 4 + 16   // zip64 extra: size, compressed size, offset
        for i in 0..<8 { bytes[offsetField + i] = i == 7 ? 0x7F : 0xFF }
        XCTAssertNil(ZipDirectoryReader.open(.memory(EntryBytes(copying: bytes))))
        XCTAssertEqual(ArchiveReader.readersAgree(bytes), nil)
    }

    private func readSecond(_ zip: [UInt8]) throws -> [UInt8] {
        let reader = try XCTUnwrap(ZipDirectoryReader.open(.memory(EntryBytes(copying: zip))))
        _ = try reader.nextEntry()
        _ = try reader.nextEntry()
        return try reader.readEntry(limit: 1 << 20, maxRatio: 1000, budget: { _ in true })
    }
}
