import CArchive
import Foundation

/// One entry of an archive, as the reader walks past it.
public struct ArchiveEntry: Sendable {
    public enum Kind: Sendable { case file, directory, symlink, other }
    /// The entry's name as stored in the archive: data, never a path to write to. nil when the
    /// archive's name cannot be read as text (a zip flagging a name UTF-8 that is not).
    public let name: String?
    /// Why `name` is nil.
    public let nameProblem: String?
    public let kind: Kind
    /// The uncompressed size the archive declares, when it declares one.
    public let declaredSize: Int64?
    public let isEncrypted: Bool
}

public struct ArchiveError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Streams the entries of an archive (zip, jar, tar, tar.gz/bz2/xz/zst, …).
///
/// Nothing is ever written to disk: callers look at each entry's name and either read its
/// bytes into memory (up to a limit) or move on, and what is not read is skipped. A plain zip is
/// read through its central directory and inflated by libdeflate (`ZipDirectoryReader`); every
/// other archive, and any zip outside the plain case, by libarchive.
public final class ArchiveReader {
    private let reader: any EntryReader

    /// Opens a file on disk.
    public init(path: String) throws {
        if let zip = ZipDirectoryReader.open(path: path) {
            reader = zip
        } else {
            reader = try LibarchiveReader(path: path)
        }
    }

    /// Opens an archive held in memory (a copy of `bytes`).
    public convenience init(bytes: [UInt8]) throws {
        try self.init(entry: EntryBytes(copying: bytes))
    }

    /// Opens an archive held in memory (a nested jar, a layer zip inside a function zip), without a copy.
    public init(entry bytes: EntryBytes) throws {
        if let zip = ZipDirectoryReader.open(.memory(bytes)) {
            reader = zip
        } else {
            reader = try LibarchiveReader(entry: bytes)
        }
    }

    /// The next entry, or nil at the end. Throws when the archive is damaged past this point.
    public func nextEntry() throws -> ArchiveEntry? { try reader.nextEntry() }

    /// Whether moving past an unread entry still decompresses it: true for a compressed stream
    /// (tar.gz, tar.bz2, …), false for zip, whose entries are compressed one by one and skipped whole.
    public var skippingInflates: Bool { reader.skippingInflates }

    /// Reads the current entry into memory, stopping at `limit` bytes, at a compression ratio
    /// above `maxRatio` (checked once more than 1 MiB has come out), when `budget` says no, or on
    /// damage (wrong CRC, truncation, encrypted data).
    public func readEntry(limit: Int, maxRatio: Int = Int.max, budget: (Int) -> Bool = { _ in true }) throws -> [UInt8] {
        try reader.readEntry(limit: limit, maxRatio: maxRatio, budget: budget)
    }

    /// The same read into memory the caller then owns as `EntryBytes`, read straight into place:
    /// a nested archive is opened from it without a copy (a 14 MB jar held once, not twice).
    public func readEntryBytes(limit: Int, maxRatio: Int = Int.max, budget: (Int) -> Bool = { _ in true }) throws -> EntryBytes {
        try reader.readEntryBytes(limit: limit, maxRatio: maxRatio, budget: budget)
    }

    /// Whether a zip's bytes end with an end-of-central-directory record. Without one, libarchive
    /// reads the local headers in streaming mode and a truncation can go unnoticed.
    public static func zipHasCentralDirectory(tail: [UInt8]) -> Bool {
        guard tail.count >= 22 else { return false }
        var i = tail.count - 22
        while i >= 0 {
            if tail[i] == 0x50, tail[i + 1] == 0x4B, tail[i + 2] == 0x05, tail[i + 3] == 0x06 { return true }
            i -= 1
        }
        return false
    }

    /// Why reading an entry stopped early.
    public enum ReadFailure: Error, CustomStringConvertible, Sendable {
        case tooLarge(limit: Int)
        case ratio(limit: Int)
        case budget
        case damaged(String)

        public var description: String {
            switch self {
            case .tooLarge(let limit): return "entry is larger than the \(limit)-byte limit for entries read into memory"
            case .ratio(let limit): return "entry expands more than \(limit):1 (a compression bomb?); not read"
            case .budget: return "the scan's total uncompressed-bytes budget is used up"
            case .damaged(let message): return message
            }
        }
    }
}

/// What reads one archive's entries for `ArchiveReader`: libarchive, or the zip central-directory reader.
protocol EntryReader: AnyObject {
    func nextEntry() throws -> ArchiveEntry?
    var skippingInflates: Bool { get }
    func readEntry(limit: Int, maxRatio: Int, budget: (Int) -> Bool) throws -> [UInt8]
    func readEntryBytes(limit: Int, maxRatio: Int, budget: (Int) -> Bool) throws -> EntryBytes
}

/// Any archive libarchive reads, streamed entry by entry.
final class LibarchiveReader: EntryReader {
    fileprivate let handle: OpaquePointer
    /// An in-memory archive, served to libarchive in small reads that are counted.
    private let memory: MemorySource?
    private var entryOpen = false
    private var currentDeclaredSize: Int64?
    /// One read buffer per reader, reused for every entry.
    private var chunk = [UInt8](repeating: 0, count: 64 * 1024)

    /// Opens a file on disk.
    init(path: String) throws {
        guard let a = archive_read_new() else { throw ArchiveError("libarchive: out of memory") }
        LibarchiveReader.enableFormats(a)
        memory = nil
        handle = a
        // On failure the handle is freed by deinit, which runs because every property is set.
        if archive_read_open_filename(a, path, 64 * 1024) != ARCHIVE_OK {
            throw ArchiveError(LibarchiveReader.errorString(a))
        }
    }

    /// Served through read/seek callbacks rather than `archive_read_open_memory`, so that the bytes
    /// each entry really consumes are known: libarchive's own counter does not move while a stored
    /// entry of an in-memory zip is read, which made every stored jar in a fat jar look like a bomb.
    init(entry bytes: EntryBytes) throws {
        guard let a = archive_read_new() else { throw ArchiveError("libarchive: out of memory") }
        LibarchiveReader.enableFormats(a)
        let source = MemorySource(bytes)
        memory = source
        handle = a
        archive_read_set_callback_data(a, Unmanaged.passUnretained(source).toOpaque())
        archive_read_set_read_callback(a) { _, context, buffer in
            guard let context, let buffer else { return -1 }
            return Unmanaged<MemorySource>.fromOpaque(context).takeUnretainedValue().read(into: buffer)
        }
        archive_read_set_seek_callback(a) { _, context, offset, whence in
            guard let context else { return -1 }
            return Unmanaged<MemorySource>.fromOpaque(context).takeUnretainedValue().seek(offset, whence)
        }
        archive_read_set_skip_callback(a) { _, context, request in
            guard let context else { return 0 }
            return Unmanaged<MemorySource>.fromOpaque(context).takeUnretainedValue().skip(request)
        }
        // On failure the handle and the source are freed by deinit, which runs because every property is set.
        if archive_read_open1(a) != ARCHIVE_OK {
            throw ArchiveError(LibarchiveReader.errorString(a))
        }
    }

    deinit {
        archive_read_free(handle)
    }

    /// The formats functions ship in. Not `format_all`: it includes text formats (mtree) that
    /// read any text file as an "archive", hiding that an input was not an archive at all.
    private static func enableFormats(_ a: OpaquePointer) {
        archive_read_support_filter_all(a)
        archive_read_support_format_zip(a)
        archive_read_support_format_tar(a)
        archive_read_support_format_gnutar(a)
        archive_read_support_format_cpio(a)
        archive_read_support_format_7zip(a)
    }

    /// libarchive's message on one line (some end in a newline or hold several lines).
    fileprivate static func errorString(_ a: OpaquePointer) -> String {
        guard let text = archive_error_string(a) else { return "unreadable archive" }
        let lines = String(cString: text).split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        let joined = lines.filter { !$0.isEmpty }.joined(separator: "; ")
        return joined.isEmpty ? "unreadable archive" : joined
    }

    /// The next entry, or nil at the end. Throws when the archive is damaged past this point.
    func nextEntry() throws -> ArchiveEntry? {
        var entry: OpaquePointer?
        let status = archive_read_next_header(handle, &entry)
        entryOpen = false
        switch status {
        case ARCHIVE_EOF:
            return nil
        case ARCHIVE_OK, ARCHIVE_WARN:
            break
        default:
            throw ArchiveError(LibarchiveReader.errorString(handle))
        }
        guard let entry else { throw ArchiveError("entry without a header") }
        entryOpen = true
        let name: String?
        if let raw = archive_entry_pathname(entry), let ascii = LibarchiveReader.asciiString(raw) {
            // The common case, and the same text in every locale: libarchive's UTF-8 getter would set
            // up a charset conversion (iconv) for each entry to return these very bytes.
            name = ascii
        } else if let utf8 = archive_entry_pathname_utf8(entry) {
            name = String(cString: utf8)
        } else if let raw = archive_entry_pathname(entry) {
            name = String(decoding: UnsafeRawBufferPointer(start: raw, count: strlen(raw)), as: UTF8.self)
        } else {
            name = nil
        }
        let kind: ArchiveEntry.Kind
        switch archive_entry_filetype(entry) & 0o170000 {
        case 0o100000: kind = .file
        case 0o040000: kind = .directory
        case 0o120000: kind = .symlink
        default: kind = name?.hasSuffix("/") == true ? .directory : .other
        }
        let size: Int64? = archive_entry_size_is_set(entry) != 0 ? archive_entry_size(entry) : nil
        currentDeclaredSize = size
        let encrypted = archive_entry_is_encrypted(entry) != 0
        return ArchiveEntry(name: name, nameProblem: name == nil ? LibarchiveReader.errorString(handle) : nil,
                            kind: kind, declaredSize: size, isEncrypted: encrypted)
    }

    /// The C string as a String when every byte is ASCII, else nil.
    private static func asciiString(_ text: UnsafePointer<CChar>) -> String? {
        let length = strlen(text)
        let bytes = UnsafeRawBufferPointer(start: text, count: length)
        guard !bytes.contains(where: { $0 >= 0x80 }) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whether moving past an unread entry still decompresses it: true for a compressed stream
    /// (tar.gz, tar.bz2, …), false for zip, whose entries are compressed one by one and skipped whole.
    var skippingInflates: Bool {
        archive_filter_count(handle) > 1 || archive_filter_code(handle, 0) != ARCHIVE_FILTER_NONE
    }

    /// Bytes consumed from the underlying (compressed) stream so far: lets callers bound
    /// the compression ratio of what they read.
    var compressedBytesConsumed: Int64 {
        memory?.served ?? archive_filter_bytes(handle, -1)
    }

    /// Reads the current entry into memory, stopping at `limit` bytes, at a compression ratio
    /// above `maxRatio` (checked once more than 1 MiB has come out), when `budget` says no, or on
    /// damage (wrong CRC, truncation, encrypted data).
    func readEntry(limit: Int, maxRatio: Int, budget: (Int) -> Bool) throws -> [UInt8] {
        guard entryOpen else { throw ArchiveReader.ReadFailure.damaged("no entry to read") }
        var out = [UInt8]()
        if let declared = currentDeclaredSize, declared > 0, declared <= Int64(limit) { out.reserveCapacity(Int(declared)) }
        let guardRail = ReadGuard(reader: self, limit: limit, maxRatio: maxRatio)
        while true {
            let n = chunk.withUnsafeMutableBytes { [handle] in archive_read_data(handle, $0.baseAddress, $0.count) }
            if n == 0 { break }
            try guardRail.admit(n, total: out.count, budget: budget)
            out.append(contentsOf: chunk[0..<n])
        }
        return out
    }

    /// The same read into memory the caller then owns as `EntryBytes`, read straight into place:
    /// a nested archive is opened from it without a copy (a 14 MB jar held once, not twice).
    func readEntryBytes(limit: Int, maxRatio: Int, budget: (Int) -> Bool) throws -> EntryBytes {
        guard entryOpen else { throw ArchiveReader.ReadFailure.damaged("no entry to read") }
        let declared = currentDeclaredSize.flatMap { $0 > 0 && $0 <= Int64(limit) ? Int($0) : nil }
        // One byte beyond the declared size, so the end of the data is seen without growing.
        let ceiling = limit < Int.max ? limit + 1 : limit
        let out = EntryBytes(capacity: min((declared ?? 64 * 1024) + 1, ceiling))
        let guardRail = ReadGuard(reader: self, limit: limit, maxRatio: maxRatio)
        while true {
            if out.count == out.capacity { out.grow(to: min(max(out.capacity * 2, 64 * 1024), ceiling)) }
            let n = archive_read_data(handle, out.end, out.capacity - out.count)
            if n == 0 { break }
            try guardRail.admit(n, total: out.count, budget: budget)
            out.count += n
        }
        return out
    }

    /// The limits every read of an entry applies, chunk by chunk.
    private struct ReadGuard {
        let reader: LibarchiveReader
        let limit: Int
        let maxRatio: Int
        let compressedStart: Int64
        // A compressed tar is one stream: an entry that repeats an earlier one costs almost no
        // compressed bytes of its own (a solid xz of two identical bundles), and read-ahead blurs
        // which entry consumed what. There the ratio is the stream's so far; a zip's is the entry's.
        let solid: Bool

        init(reader: LibarchiveReader, limit: Int, maxRatio: Int) {
            self.reader = reader
            self.limit = limit
            self.maxRatio = maxRatio
            compressedStart = reader.compressedBytesConsumed
            solid = reader.skippingInflates
        }

        /// `n` more bytes came out (negative: libarchive failed) on top of `total`.
        func admit(_ n: Int, total: Int, budget: (Int) -> Bool) throws {
            if n < 0 {
                // WARN here means damaged data (a bad CRC): the bytes cannot be trusted.
                throw ArchiveReader.ReadFailure.damaged(LibarchiveReader.errorString(reader.handle))
            }
            if total + n > limit { throw ArchiveReader.ReadFailure.tooLarge(limit: limit) }
            guard budget(n) else { throw ArchiveReader.ReadFailure.budget }
            if total + n > 1 << 20 {
                let ratio = solid ? archive_filter_bytes(reader.handle, 0) / max(1, reader.compressedBytesConsumed)
                    : Int64(total + n) / max(1, reader.compressedBytesConsumed - compressedStart)
                if ratio > Int64(maxRatio) { throw ArchiveReader.ReadFailure.ratio(limit: maxRatio) }
            }
        }
    }
}

/// An entry's bytes in memory owned by this object (freed with it), for archives read from memory.
public final class EntryBytes: @unchecked Sendable {
    public internal(set) var count = 0
    fileprivate private(set) var capacity: Int
    private var storage: UnsafeMutableRawPointer

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
        storage = UnsafeMutableRawPointer.allocate(byteCount: self.capacity, alignment: 16)
    }

    /// A copy of bytes held elsewhere.
    public convenience init(copying bytes: [UInt8]) {
        self.init(capacity: bytes.count)
        bytes.withUnsafeBytes { storage.copyMemory(from: $0.baseAddress ?? UnsafeRawPointer(storage), byteCount: $0.count) }
        count = bytes.count
    }

    deinit { storage.deallocate() }

    fileprivate var end: UnsafeMutableRawPointer { storage + count }
    /// Where the bytes start, for a reader that fills the whole capacity at once.
    var storageStart: UnsafeMutableRawPointer { storage }

    fileprivate func grow(to newCapacity: Int) {
        guard newCapacity > capacity else { return }
        let bigger = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
        bigger.copyMemory(from: storage, byteCount: count)
        storage.deallocate()
        storage = bigger
        capacity = newCapacity
    }

    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: storage, count: count))
    }

    /// The first `n` bytes (or fewer).
    public func prefix(_ n: Int) -> [UInt8] { withUnsafeBytes { Array($0.prefix(n)) } }
    /// The last `n` bytes (or fewer).
    public func suffix(_ n: Int) -> [UInt8] { withUnsafeBytes { Array($0.suffix(n)) } }
}

/// An archive in memory, handed to libarchive 16 KiB at a time; `served` counts what it took.
private final class MemorySource {
    /// Kept alive here: libarchive keeps pointers into it between calls.
    private let bytes: EntryBytes
    private var position = 0
    private(set) var served: Int64 = 0
    private static let chunk = 16 * 1024

    init(_ source: EntryBytes) {
        bytes = source
        count = source.count
    }

    private let count: Int

    func read(into buffer: UnsafeMutablePointer<UnsafeRawPointer?>) -> Int {
        let n = min(MemorySource.chunk, count - position)
        guard n > 0 else { return 0 }
        buffer.pointee = bytes.withUnsafeBytes { $0.baseAddress.map { $0 + position } }
        position += n
        served += Int64(n)
        return n
    }

    func seek(_ offset: Int64, _ whence: Int32) -> Int64 {
        let base: Int64
        switch whence {
        case SEEK_SET: base = 0
        case SEEK_CUR: base = Int64(position)
        case SEEK_END: base = Int64(count)
        default: return -1
        }
        let target = base + offset
        guard target >= 0, target <= Int64(count) else { return -1 }
        position = Int(target)
        return target
    }

    func skip(_ request: Int64) -> Int64 {
        let n = max(0, min(request, Int64(count - position)))
        position += Int(n)
        return n
    }
}

/// Whole-buffer gzip through libarchive, used to keep raw advisory records small in the database.
public enum Gzip {
    public static func compress(_ bytes: [UInt8]) throws -> [UInt8] {
        guard let a = archive_write_new() else { throw ArchiveError("libarchive: out of memory") }
        defer { archive_write_free(a) }
        archive_write_add_filter_gzip(a)
        archive_write_set_format_raw(a)
        archive_write_set_bytes_in_last_block(a, 1)
        // Deflate's worst case adds 5 bytes per 16 KiB block plus gzip's header and trailer.
        var buffer = [UInt8](repeating: 0, count: bytes.count + bytes.count / 1000 + 1024)
        var used = 0
        let status: Int32 = buffer.withUnsafeMutableBytes { out in
            guard archive_write_open_memory(a, out.baseAddress, out.count, &used) == ARCHIVE_OK,
                  let entry = archive_entry_new() else { return ARCHIVE_FATAL }
            defer { archive_entry_free(entry) }
            archive_entry_set_filetype(entry, UInt32(0o100000))
            archive_entry_set_size(entry, Int64(bytes.count))
            guard archive_write_header(a, entry) == ARCHIVE_OK else { return ARCHIVE_FATAL }
            let written = bytes.withUnsafeBytes { archive_write_data(a, $0.baseAddress, $0.count) }
            guard written == bytes.count else { return ARCHIVE_FATAL }
            return archive_write_close(a)
        }
        guard status == ARCHIVE_OK else { throw ArchiveError("gzip: \(errorString(a))") }
        return Array(buffer[0..<used])
    }

    public static func decompress(_ bytes: [UInt8], limit: Int = 64 << 20) throws -> [UInt8] {
        guard let a = archive_read_new() else { throw ArchiveError("libarchive: out of memory") }
        defer { archive_read_free(a) }
        archive_read_support_filter_gzip(a)
        archive_read_support_format_raw(a)
        return try bytes.withUnsafeBytes { raw -> [UInt8] in
            guard archive_read_open_memory(a, raw.baseAddress, raw.count) == ARCHIVE_OK else {
                throw ArchiveError("gzip: \(errorString(a))")
            }
            var entry: OpaquePointer?
            guard archive_read_next_header(a, &entry) == ARCHIVE_OK else { throw ArchiveError("gzip: \(errorString(a))") }
            var out = [UInt8]()
            var chunk = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                let n = chunk.withUnsafeMutableBytes { archive_read_data(a, $0.baseAddress, $0.count) }
                if n == 0 { break }
                if n < 0 { throw ArchiveError("gzip: \(errorString(a))") }
                if out.count + n > limit { throw ArchiveError("gzip: data larger than \(limit) bytes") }
                out.append(contentsOf: chunk[0..<n])
            }
            return out
        }
    }

    private static func errorString(_ a: OpaquePointer) -> String {
        if let text = archive_error_string(a) { return String(cString: text) }
        return "failed"
    }
}
