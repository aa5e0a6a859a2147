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

/// Streams the entries of an archive (zip, jar, tar, tar.gz/bz2/xz/zst, …) with libarchive.
///
/// Nothing is ever written to disk: callers look at each entry's name and either read its
/// bytes into memory (up to a limit) or move on, and libarchive skips what is not read.
public final class ArchiveReader {
    private let handle: OpaquePointer
    /// An in-memory archive, served to libarchive in small reads that are counted.
    private let memory: MemorySource?
    private var entryOpen = false
    private var currentDeclaredSize: Int64?
    /// One read buffer per reader, reused for every entry.
    private var chunk = [UInt8](repeating: 0, count: 64 * 1024)

    /// Opens a file on disk.
    public init(path: String) throws {
        guard let a = archive_read_new() else { throw ArchiveError("libarchive: out of memory") }
        ArchiveReader.enableFormats(a)
        memory = nil
        handle = a
        // On failure the handle is freed by deinit, which runs because every property is set.
        if archive_read_open_filename(a, path, 64 * 1024) != ARCHIVE_OK {
            throw ArchiveError(ArchiveReader.errorString(a))
        }
    }

    /// Opens an archive held in memory (a nested jar, a layer zip inside a function zip).
    ///
    /// Served through read/seek callbacks rather than `archive_read_open_memory`, so that the bytes
    /// each entry really consumes are known: libarchive's own counter does not move while a stored
    /// entry of an in-memory zip is read, which made every stored jar in a fat jar look like a bomb.
    public init(bytes: [UInt8]) throws {
        guard let a = archive_read_new() else { throw ArchiveError("libarchive: out of memory") }
        ArchiveReader.enableFormats(a)
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
            throw ArchiveError(ArchiveReader.errorString(a))
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
    private static func errorString(_ a: OpaquePointer) -> String {
        guard let text = archive_error_string(a) else { return "unreadable archive" }
        let lines = String(cString: text).split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        let joined = lines.filter { !$0.isEmpty }.joined(separator: "; ")
        return joined.isEmpty ? "unreadable archive" : joined
    }

    /// The next entry, or nil at the end. Throws when the archive is damaged past this point.
    public func nextEntry() throws -> ArchiveEntry? {
        var entry: OpaquePointer?
        let status = archive_read_next_header(handle, &entry)
        entryOpen = false
        switch status {
        case ARCHIVE_EOF:
            return nil
        case ARCHIVE_OK, ARCHIVE_WARN:
            break
        default:
            throw ArchiveError(ArchiveReader.errorString(handle))
        }
        guard let entry else { throw ArchiveError("entry without a header") }
        entryOpen = true
        let name: String?
        if let utf8 = archive_entry_pathname_utf8(entry) {
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
        return ArchiveEntry(name: name, nameProblem: name == nil ? ArchiveReader.errorString(handle) : nil,
                            kind: kind, declaredSize: size, isEncrypted: encrypted)
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

    /// Whether moving past an unread entry still decompresses it: true for a compressed stream
    /// (tar.gz, tar.bz2, …), false for zip, whose entries are compressed one by one and skipped whole.
    public var skippingInflates: Bool {
        archive_filter_count(handle) > 1 || archive_filter_code(handle, 0) != ARCHIVE_FILTER_NONE
    }

    /// Bytes consumed from the underlying (compressed) stream so far: lets callers bound
    /// the compression ratio of what they read.
    public var compressedBytesConsumed: Int64 {
        memory?.served ?? archive_filter_bytes(handle, -1)
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

    /// Reads the current entry into memory, stopping at `limit` bytes, at a compression ratio
    /// above `maxRatio` (checked once more than 1 MiB has come out), when `budget` says no, or on
    /// damage (wrong CRC, truncation, encrypted data).
    public func readEntry(limit: Int, maxRatio: Int = Int.max, budget: (Int) -> Bool = { _ in true }) throws -> [UInt8] {
        guard entryOpen else { throw ReadFailure.damaged("no entry to read") }
        var out = [UInt8]()
        if let declared = currentDeclaredSize, declared > 0, declared <= Int64(limit) { out.reserveCapacity(Int(declared)) }
        let compressedStart = compressedBytesConsumed
        // A compressed tar is one stream: an entry that repeats an earlier one costs almost no
        // compressed bytes of its own (a solid xz of two identical bundles), and read-ahead blurs
        // which entry consumed what. There the ratio is the stream's so far; a zip's is the entry's.
        let solid = skippingInflates
        while true {
            let n = chunk.withUnsafeMutableBytes { [handle] in archive_read_data(handle, $0.baseAddress, $0.count) }
            if n == 0 { break }
            if n < 0 {
                // WARN here means damaged data (a bad CRC): the bytes cannot be trusted.
                throw ReadFailure.damaged(ArchiveReader.errorString(handle))
            }
            if out.count + n > limit { throw ReadFailure.tooLarge(limit: limit) }
            guard budget(n) else { throw ReadFailure.budget }
            out.append(contentsOf: chunk[0..<n])
            if out.count > 1 << 20 {
                let ratio = solid ? archive_filter_bytes(handle, 0) / max(1, compressedBytesConsumed)
                    : Int64(out.count) / max(1, compressedBytesConsumed - compressedStart)
                if ratio > Int64(maxRatio) { throw ReadFailure.ratio(limit: maxRatio) }
            }
        }
        return out
    }
}

/// An archive in memory, handed to libarchive 16 KiB at a time; `served` counts what it took.
private final class MemorySource {
    /// Owned copy: libarchive keeps pointers into it between calls.
    private let bytes: UnsafeMutableRawBufferPointer
    private var position = 0
    private(set) var served: Int64 = 0
    private static let chunk = 16 * 1024

    init(_ source: [UInt8]) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(source.count, 1), alignment: 16)
        source.withUnsafeBytes { buffer.copyMemory(from: $0) }
        bytes = buffer
        count = source.count
    }

    private let count: Int

    deinit { bytes.deallocate() }

    func read(into buffer: UnsafeMutablePointer<UnsafeRawPointer?>) -> Int {
        let n = min(MemorySource.chunk, count - position)
        guard n > 0, let base = bytes.baseAddress else { return 0 }
        buffer.pointee = UnsafeRawPointer(base + position)
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
