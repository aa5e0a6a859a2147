import CDeflate
import Foundation

/// A zip read through its own central directory, each entry inflated whole by libdeflate.
///
/// The fast path for the archives functions ship as (zip, jar, wheel, layer): libarchive walks a zip
/// entry by entry, converting every name through the locale and inflating through zlib in 64 KiB
/// steps; here an entry is one `pread` and one call to libdeflate (2–3× zlib's speed), with its CRC-32.
///
/// It takes only the plain case and leaves everything else to libarchive, decided once at open
/// (`open` returns nil): the file must start with a local header and end with an end-of-central-
/// directory record whose directory sits right before it (no prefixed data, no multi-disk sets);
/// every name must be printable ASCII without a Unicode-path extra field (so libarchive would give
/// the very same text); every readable entry must be stored or deflated; a Unix file type must be
/// a file, a directory or a (stored) symbolic link. Damage found later (a
/// local header that disagrees with the directory, a bad CRC, data that inflates to another size)
/// is an error naming the entry, as libarchive's would be.
///
/// Names come from the central directory, as Java, Python, Go and Info-ZIP read a zip; an entry
/// whose local header names it differently is not read (the two readers of one file would see
/// different files).
final class ZipDirectoryReader: EntryReader {
    private struct Record {
        var nameStart: Int
        var nameLength: Int
        var flags: UInt16
        var method: UInt16
        var crc: UInt32
        var compressedSize: Int64
        var uncompressedSize: Int64
        var localOffset: Int64
        var madeBy: UInt16
        var externalAttributes: UInt32

        var isEncrypted: Bool { flags & 0x0001 != 0 || flags & 0x0040 != 0 }
    }

    private let source: ZipSource
    /// The central directory's bytes.
    private let directory: [UInt8]
    /// Where entry data may lie: before the central directory.
    private let dataEnd: Int64
    private let entryCount: Int
    private var cursor = 0
    private var returned = 0
    private var current: Record?
    private let decompressor: OpaquePointer
    /// Compressed bytes of the entry being read, when they come from a file.
    private var scratch = ScratchBuffer()

    /// nil when the bytes are not a plain zip this reader takes (libarchive reads them then).
    static func open(_ source: ZipSource) -> ZipDirectoryReader? {
        guard let size = source.size, size >= 22 + 30, source.bytes(at: 0, count: 4) == [0x50, 0x4B, 0x03, 0x04] else { return nil }
        let tailLength = Int(min(size, 22 + 65_535))
        guard let tail = source.bytes(at: size - Int64(tailLength), count: tailLength),
              let end = EndOfDirectory(tail: tail, tailOffset: size - Int64(tailLength), source: source),
              end.entries > 0, end.size <= 64 << 20, end.offset >= 30,
              let directory = source.bytes(at: end.offset, count: Int(end.size)),
              ZipDirectoryReader.validate(directory, entries: end.entries, dataEnd: end.offset),
              let decompressor = libdeflate_alloc_decompressor() else { return nil }
        return ZipDirectoryReader(source: source, directory: directory, dataEnd: end.offset, entryCount: end.entries,
                                  decompressor: decompressor)
    }

    private init(source: ZipSource, directory: [UInt8], dataEnd: Int64, entryCount: Int, decompressor: OpaquePointer) {
        self.source = source
        self.directory = directory
        self.dataEnd = dataEnd
        self.entryCount = entryCount
        self.decompressor = decompressor
    }

    /// A zip on disk; nil when the file is not one this reader takes.
    static func open(path: String) -> ZipDirectoryReader? {
        let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG,
              let reader = open(.file(descriptor: descriptor, size: Int64(info.st_size))) else {
            close(descriptor)
            return nil
        }
        return reader
    }

    deinit {
        libdeflate_free_decompressor(decompressor)
        scratch.release()
        if case .file(let descriptor, _) = source { close(descriptor) }
    }

    /// One pass over every record before the first entry is given out: any record outside the plain
    /// case sends the whole archive to libarchive, so one archive is never read half one way, half the other.
    private static func validate(_ directory: [UInt8], entries: Int, dataEnd: Int64) -> Bool {
        var position = 0
        for _ in 0..<entries {
            guard let (record, next) = ZipDirectoryReader.record(in: directory, at: position) else { return false }
            let name = directory[record.nameStart..<(record.nameStart + record.nameLength)]
            guard !name.isEmpty, name.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return false }
            // Strong encryption of the directory itself (bit 13) is beyond this reader.
            guard record.flags & 0x2000 == 0 else { return false }
            guard record.isEncrypted || record.method == 0 || record.method == 8 else { return false }
            // A Unix file type other than a file, directory or link (a FIFO, a device): libarchive's
            // handling of those is its own; and a compressed symbolic link, whose target it inflates.
            let unixType = (record.externalAttributes >> 16) & 0o170000
            if record.madeBy >> 8 == 3, ![0, 0o100000, 0o040000, 0o120000].contains(unixType) || (unixType == 0o120000 && record.method != 0) {
                return false
            }
            // Subtractions, not sums: a zip64 offset may be close to Int64.max (`open` made sure dataEnd >= 30).
            guard record.localOffset <= dataEnd - 30, record.compressedSize <= dataEnd - record.localOffset else { return false }
            position = next
        }
        return position == directory.count
    }

    /// The record at `position` and where the next one starts; nil when it does not parse.
    private static func record(in d: [UInt8], at position: Int) -> (Record, Int)? {
        guard position + 46 <= d.count, d.le32(position) == 0x0201_4B50 else { return nil }
        let nameLength = Int(d.le16(position + 28)), extraLength = Int(d.le16(position + 30)), commentLength = Int(d.le16(position + 32))
        let next = position + 46 + nameLength + extraLength + commentLength
        guard next <= d.count else { return nil }
        var record = Record(nameStart: position + 46, nameLength: nameLength, flags: d.le16(position + 8), method: d.le16(position + 10),
                            crc: d.le32(position + 16), compressedSize: Int64(d.le32(position + 20)),
                            uncompressedSize: Int64(d.le32(position + 24)), localOffset: Int64(d.le32(position + 42)),
                            madeBy: d.le16(position + 4), externalAttributes: d.le32(position + 38))
        let disk = d.le16(position + 34)
        var needs64 = (record.uncompressedSize == 0xFFFF_FFFF, record.compressedSize == 0xFFFF_FFFF,
                       record.localOffset == 0xFFFF_FFFF, disk == 0xFFFF)
        var extra = position + 46 + nameLength
        let extraEnd = extra + extraLength
        while extra + 4 <= extraEnd {
            let id = d.le16(extra), size = Int(d.le16(extra + 2))
            let body = extra + 4
            guard body + size <= extraEnd else { return nil }
            switch id {
            case 0x7075:
                return nil   // a Unicode path: libarchive would name the entry from it
            case 0x0001:
                // Zip64: the 64-bit values of exactly the fields that overflowed, in this order.
                var field = body
                func take() -> Int64? {
                    guard field + 8 <= body + size else { return nil }
                    defer { field += 8 }
                    let value = d.le64(field)
                    return value > UInt64(Int64.max) ? nil : Int64(value)
                }
                if needs64.0 { guard let v = take() else { return nil }; record.uncompressedSize = v; needs64.0 = false }
                if needs64.1 { guard let v = take() else { return nil }; record.compressedSize = v; needs64.1 = false }
                if needs64.2 { guard let v = take() else { return nil }; record.localOffset = v; needs64.2 = false }
                if needs64.3 {
                    guard field + 4 <= body + size, d.le32(field) == 0 else { return nil }
                    needs64.3 = false
                }
            default:
                break
            }
            extra = body + size
        }
        // An overflowed field without its zip64 value, or a second disk: not a plain zip.
        guard !needs64.0, !needs64.1, !needs64.2, !needs64.3, disk == 0 || disk == 0xFFFF else { return nil }
        return (record, next)
    }

    func nextEntry() throws -> ArchiveEntry? {
        current = nil
        guard returned < entryCount, let (record, next) = ZipDirectoryReader.record(in: directory, at: cursor) else { return nil }
        cursor = next
        returned += 1
        current = record
        var name = String(decoding: directory[record.nameStart..<(record.nameStart + record.nameLength)], as: UTF8.self)
        let kind = ZipDirectoryReader.kind(of: record, name: name)
        // As libarchive gives them: a directory's name ends in a slash, a link's size is its target's, read as its value (0 here).
        if kind == .directory, name.utf8.last != UInt8(ascii: "/") { name += "/" }
        return ArchiveEntry(name: name, nameProblem: nil, kind: kind, declaredSize: kind == .symlink ? 0 : record.uncompressedSize,
                            isEncrypted: record.isEncrypted)
    }

    /// As libarchive decides it: the Unix file type when a Unix host made the entry (no type: a
    /// file), MS-DOS's directory bit when DOS did, a file for any other host; a trailing slash
    /// always makes a directory. (`validate` leaves other Unix types to libarchive.)
    private static func kind(of record: Record, name: String) -> ArchiveEntry.Kind {
        if name.utf8.last == UInt8(ascii: "/") { return .directory }
        switch record.madeBy >> 8 {
        case 3:       // Unix
            switch (record.externalAttributes >> 16) & 0o170000 {
            case 0o040000: return .directory
            case 0o120000: return .symlink
            default: return .file
            }
        case 0:       // MS-DOS (and most Windows tools)
            return record.externalAttributes & 0x10 != 0 ? .directory : .file
        default:
            return .file
        }
    }

    var skippingInflates: Bool { false }

    func readEntry(limit: Int, maxRatio: Int, budget: (Int) -> Bool) throws -> [UInt8] {
        let size = try admit(limit: limit, maxRatio: maxRatio, budget: budget)
        return try [UInt8](unsafeUninitializedCapacity: max(size, 1)) { buffer, initialized in
            try inflate(into: UnsafeMutableRawBufferPointer(start: buffer.baseAddress, count: size))
            initialized = size
        }
    }

    func readEntryBytes(limit: Int, maxRatio: Int, budget: (Int) -> Bool) throws -> EntryBytes {
        let size = try admit(limit: limit, maxRatio: maxRatio, budget: budget)
        let out = EntryBytes(capacity: size)
        try inflate(into: UnsafeMutableRawBufferPointer(start: out.storageStart, count: size))
        out.count = size
        return out
    }

    /// The limits, applied to the sizes the directory declares before anything is inflated (the
    /// inflation then holds the data to exactly that size).
    private func admit(limit: Int, maxRatio: Int, budget: (Int) -> Bool) throws -> Int {
        guard let record = current else { throw ArchiveReader.ReadFailure.damaged("no entry to read") }
        guard record.uncompressedSize <= Int64(limit) else { throw ArchiveReader.ReadFailure.tooLarge(limit: limit) }
        let size = Int(record.uncompressedSize)
        if size > 1 << 20, Int64(size) / max(1, record.compressedSize) > Int64(maxRatio) {
            throw ArchiveReader.ReadFailure.ratio(limit: maxRatio)
        }
        guard budget(size) else { throw ArchiveReader.ReadFailure.budget }
        return size
    }

    private func inflate(into out: UnsafeMutableRawBufferPointer) throws {
        guard let record = current else { throw ArchiveReader.ReadFailure.damaged("no entry to read") }
        current = nil   // read once, as libarchive's entries are
        let start = try dataStart(of: record)
        let compressed = Int(record.compressedSize)
        try source.withBytes(at: start, count: compressed, scratch: &scratch) { input in
            switch record.method {
            case 0:
                guard compressed == out.count else {
                    throw ArchiveReader.ReadFailure.damaged("stored entry of \(compressed) bytes declares \(out.count): damaged")
                }
                if compressed > 0, let base = out.baseAddress, let from = input.baseAddress { base.copyMemory(from: from, byteCount: compressed) }
            case 8:
                var produced = 0
                let status = libdeflate_deflate_decompress(decompressor, input.baseAddress, input.count,
                                                           out.baseAddress, out.count, &produced)
                switch status {
                case LIBDEFLATE_SUCCESS where produced == out.count:
                    break
                case LIBDEFLATE_SUCCESS:
                    throw ArchiveReader.ReadFailure.damaged("inflates to \(produced) bytes, not the \(out.count) declared: damaged")
                case LIBDEFLATE_INSUFFICIENT_SPACE:
                    throw ArchiveReader.ReadFailure.damaged("inflates to more than the \(out.count) bytes declared: damaged")
                default:
                    throw ArchiveReader.ReadFailure.damaged("invalid deflate data: damaged")
                }
            default:
                throw ArchiveReader.ReadFailure.damaged("compression method \(record.method) is not supported")
            }
        }
        let crc = out.count == 0 ? 0 : libdeflate_crc32(0, out.baseAddress, out.count)
        guard crc == record.crc else {
            throw ArchiveReader.ReadFailure.damaged(String(format: "wrong CRC-32 (0x%08x, the directory says 0x%08x): damaged", crc, record.crc))
        }
    }

    /// Whether every record's local header holds the name the directory gives (for `readersAgree`).
    func localHeadersNameTheirEntries() -> Bool {
        var position = 0
        for _ in 0..<entryCount {
            guard let (record, next) = ZipDirectoryReader.record(in: directory, at: position) else { return false }
            guard let header = source.bytes(at: record.localOffset, count: 30 + record.nameLength), names(record, header) else { return false }
            position = next
        }
        return true
    }

    /// Whether a local header (its fixed part and name) gives the name the directory gives.
    private func names(_ record: Record, _ header: [UInt8]) -> Bool {
        Int(header.le16(26)) == record.nameLength
            && header[30...].elementsEqual(directory[record.nameStart..<(record.nameStart + record.nameLength)])
    }

    /// Where the entry's data starts, past its local header, which must name it as the directory does.
    private func dataStart(of record: Record) throws -> Int64 {
        guard let header = source.bytes(at: record.localOffset, count: 30 + record.nameLength), header.le32(0) == 0x0403_4B50 else {
            throw ArchiveReader.ReadFailure.damaged("no local header where the central directory points: damaged")
        }
        let nameLength = Int(header.le16(26)), extraLength = Int64(header.le16(28))
        guard names(record, header) else {
            throw ArchiveReader.ReadFailure.damaged("the local header names this entry differently from the central directory: not read")
        }
        // Without a data descriptor (flag bit 3) the local header repeats the CRC and sizes: where
        // they differ from the directory's, which is right is unknowable (libarchive warns and goes
        // by the local header; Java, Python and Go by the directory).
        if header.le16(6) & 0x0008 == 0 {
            let compressed = header.le32(18), uncompressed = header.le32(22)
            guard header.le32(14) == record.crc,
                  compressed == 0xFFFF_FFFF || Int64(compressed) == record.compressedSize,
                  uncompressed == 0xFFFF_FFFF || Int64(uncompressed) == record.uncompressedSize else {
                throw ArchiveReader.ReadFailure.damaged("the local header and the central directory disagree on this entry's CRC or sizes: damaged")
            }
        }
        let start = record.localOffset + 30 + Int64(nameLength) + extraLength
        guard start <= dataEnd, record.compressedSize <= dataEnd - start else {
            throw ArchiveReader.ReadFailure.damaged("entry data runs into the central directory: damaged")
        }
        return start
    }
}

/// The end-of-central-directory record (zip64's when the classic one overflows): where the directory
/// is, how long, how many records. nil unless the directory ends right where this record begins.
private struct EndOfDirectory {
    let entries: Int
    let size: Int64
    let offset: Int64

    init?(tail: [UInt8], tailOffset: Int64, source: ZipSource) {
        // The record whose comment ends the file, searched from the end (a comment may hold the signature).
        var found: Int?
        var i = tail.count - 22
        while i >= 0 {
            if tail[i] == 0x50, tail[i + 1] == 0x4B, tail[i + 2] == 0x05, tail[i + 3] == 0x06,
               i + 22 + Int(tail.le16(i + 20)) == tail.count {
                found = i
                break
            }
            i -= 1
        }
        guard let at = found else { return nil }
        let recordOffset = tailOffset + Int64(at)
        let disk = tail.le16(at + 4), directoryDisk = tail.le16(at + 6)
        let onDisk = tail.le16(at + 8), total = tail.le16(at + 10)
        let size = tail.le32(at + 12), offset = tail.le32(at + 16)
        if disk == 0xFFFF || directoryDisk == 0xFFFF || onDisk == 0xFFFF || total == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
            // Zip64: a locator right before this record points at the zip64 record, which the directory precedes.
            guard recordOffset >= 20 + 56, let locator = source.bytes(at: recordOffset - 20, count: 20),
                  locator.le32(0) == 0x0706_4B50, locator.le32(4) == 0, locator.le32(16) <= 1 else { return nil }
            let zip64Offset = locator.le64(8)
            guard zip64Offset <= UInt64(recordOffset - 20 - 56), let record = source.bytes(at: Int64(zip64Offset), count: 56),
                  record.le32(0) == 0x0606_4B50, record.le32(16) == 0, record.le32(20) == 0, record.le64(24) == record.le64(32),
                  record.le64(32) <= UInt64(Int.max), record.le64(40) <= UInt64(zip64Offset),
                  record.le64(48) == UInt64(zip64Offset) - record.le64(40) else { return nil }
            entries = Int(record.le64(32))
            self.size = Int64(record.le64(40))
            self.offset = Int64(record.le64(48))
            return
        }
        guard disk == 0, directoryDisk == 0, onDisk == total, Int64(offset) + Int64(size) == recordOffset else { return nil }
        entries = Int(total)
        self.size = Int64(size)
        self.offset = Int64(offset)
    }
}

/// Where a zip's bytes are: a file read with `pread`, or an archive held in memory.
enum ZipSource {
    case file(descriptor: Int32, size: Int64)
    case memory(EntryBytes)

    var size: Int64? {
        switch self {
        case .file(_, let size): return size
        case .memory(let bytes): return Int64(bytes.count)
        }
    }

    /// `count` bytes at `offset`, or nil when they are not all there.
    func bytes(at offset: Int64, count: Int) -> [UInt8]? {
        guard contains(offset, count) else { return nil }
        switch self {
        case .memory(let bytes):
            return bytes.withUnsafeBytes { Array($0[Int(offset)..<(Int(offset) + count)]) }
        case .file(let descriptor, _):
            return try? [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
                if let base = buffer.baseAddress { try ZipSource.read(descriptor, into: UnsafeMutableRawPointer(base), count: count, at: offset) }
                initialized = count
            }
        }
    }

    /// The bytes at `offset`, in place for memory, through `scratch` for a file.
    func withBytes<R>(at offset: Int64, count: Int, scratch: inout ScratchBuffer, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        guard contains(offset, count) else { throw ArchiveReader.ReadFailure.damaged("entry data runs past the end of the archive: damaged") }
        switch self {
        case .memory(let bytes):
            return try bytes.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[Int(offset)..<(Int(offset) + count)])) }
        case .file(let descriptor, _):
            let buffer = scratch.reserve(count)
            defer { scratch.shrinkIfLarge() }
            try ZipSource.read(descriptor, into: buffer, count: count, at: offset)
            return try body(UnsafeRawBufferPointer(start: buffer, count: count))
        }
    }

    private func contains(_ offset: Int64, _ count: Int) -> Bool {
        guard offset >= 0, count >= 0, let size, offset <= size else { return false }
        return Int64(count) <= size - offset
    }

    private static func read(_ descriptor: Int32, into buffer: UnsafeMutableRawPointer, count: Int, at offset: Int64) throws {
        var done = 0
        while done < count {
            let n = pread(descriptor, buffer + done, count - done, off_t(offset) + off_t(done))
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { throw ArchiveReader.ReadFailure.damaged("read failed: \(n < 0 ? String(cString: strerror(errno)) : "end of file")") }
            done += n
        }
    }
}

/// A reusable buffer for compressed bytes read from a file; one grown past 1 MiB is let go after use (peak memory).
struct ScratchBuffer {
    private var storage: UnsafeMutableRawPointer?
    private var capacity = 0

    mutating func reserve(_ count: Int) -> UnsafeMutableRawPointer {
        if let storage, capacity >= count { return storage }
        storage?.deallocate()
        capacity = max(count, 64 * 1024)
        let fresh = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        storage = fresh
        return fresh
    }

    mutating func shrinkIfLarge() {
        if capacity > 1 << 20 { release() }
    }

    mutating func release() {
        storage?.deallocate()
        storage = nil
        capacity = 0
    }
}

extension Array where Element == UInt8 {
    func le16(_ i: Int) -> UInt16 { UInt16(self[i]) | UInt16(self[i + 1]) << 8 }
    func le32(_ i: Int) -> UInt32 { UInt32(le16(i)) | UInt32(le16(i + 2)) << 16 }
    func le64(_ i: Int) -> UInt64 { UInt64(le32(i)) | UInt64(le32(i + 4)) << 32 }
}

extension ArchiveReader {
    /// For the fuzz target: whether the central-directory reader, where it takes `bytes`, agrees with
    /// libarchive on every entry both list and read (same kind, same bytes); nil when it leaves them
    /// to libarchive. Order and what each reads past damage may differ: libarchive follows local
    /// headers, this reader the central directory.
    public static func readersAgree(_ bytes: [UInt8]) -> Bool? {
        let memory = EntryBytes(copying: bytes)
        guard let zip = ZipDirectoryReader.open(.memory(memory)) else { return nil }
        // Local headers that name other files: the two readers then list different files by design.
        guard zip.localHeadersNameTheirEntries() else { return nil }
        guard let libarchive = try? LibarchiveReader(entry: memory) else { return true }
        var theirs: [String: (ArchiveEntry.Kind, [UInt8]?)] = [:], repeated = Set<String>()
        for (entry, data) in ArchiveReader.entries(libarchive) {
            guard let name = entry.name else { continue }
            if theirs.updateValue((entry.kind, data), forKey: name) != nil { repeated.insert(name) }
        }
        for (entry, data) in ArchiveReader.entries(zip) {
            guard let name = entry.name, !repeated.contains(name), let (kind, other) = theirs[name] else { continue }
            if kind != entry.kind { return false }
            if let data, let other, data != other { return false }
        }
        return true
    }

    /// Every entry with its bytes (nil when not a readable file or the read failed), within generous limits.
    private static func entries(_ reader: any EntryReader) -> [(ArchiveEntry, [UInt8]?)] {
        var out: [(ArchiveEntry, [UInt8]?)] = []
        while out.count < 100_000, let entry = try? reader.nextEntry() {
            let readable = entry.kind == .file && !entry.isEncrypted
            out.append((entry, readable ? try? reader.readEntry(limit: 64 << 20, maxRatio: 1000, budget: { _ in true }) : nil))
        }
        return out
    }
}
