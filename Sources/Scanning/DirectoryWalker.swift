import Foundation
#if canImport(Glibc)
import Glibc
#endif
import FnauditExtractors
import FnauditModel

/// Lists the files of a tree that some analyzer (or the archive scanner) wants.
///
/// Skips version-control folders and never follows a symbolic link, so it cannot leave the tree
/// or loop; files reached through links are seen at their real place when that is in the tree.
enum DirectoryWalker {
    static let skippedFolders: Set<String> = [".git", ".hg", ".svn"]

    struct Candidate: Sendable {
        /// `/`-separated, relative to the root.
        var relativePath: String
        var isArchive: Bool
        /// Bit i set: analyzer i wants the file (asked once here, not again per analyzer).
        var wantedBy: UInt64? = nil
    }

    /// The wanted files and archives under `root`. Folders near the top are listed first, then
    /// their subtrees are walked side by side on all cores (listing is system calls: a large tree
    /// walked on one thread left the other core idle). The order is the same in every run.
    static func candidates(root: URL, analyzers: [any Analyzer], issues: inout [ScanIssue]) -> [Candidate] {
        var found: [Candidate] = []
        // Paths are built as strings: URL.appendingPathComponent and .path cost more than the lstat.
        var frontier: [(String, String)] = [(root.path, "")]
        let enough = 8 * ProcessInfo.processInfo.activeProcessorCount
        var depth = 0
        while !frontier.isEmpty && frontier.count < enough && depth < 4 {
            var next: [(String, String)] = []
            for (directory, relative) in frontier {
                visit(directory, relative, analyzers: analyzers, found: &found, folders: &next, issues: &issues)
            }
            frontier = next
            depth += 1
        }
        let subtrees = parallelMap(frontier.count, chunk: 1) { i -> ([Candidate], [ScanIssue]) in
            var found: [Candidate] = [], issues: [ScanIssue] = []
            var stack = [frontier[i]]
            while let (directory, relative) = stack.popLast() {
                var folders: [(String, String)] = []
                visit(directory, relative, analyzers: analyzers, found: &found, folders: &folders, issues: &issues)
                stack += folders.reversed()
            }
            return (found, issues)
        }
        for (subtreeFound, subtreeIssues) in subtrees {
            found += subtreeFound
            issues += subtreeIssues
        }
        return found
    }

    /// One folder: its wanted files and archives into `found`, its subfolders into `folders`.
    private static func visit(_ directory: String, _ relative: String, analyzers: [any Analyzer], found: inout [Candidate],
                              folders: inout [(String, String)], issues: inout [ScanIssue]) {
        let listing: [(name: String, type: Int32)]
        do {
            let listed = try list(directory)
            listing = listed.entries
            if listed.undecodable > 0 {
                issues.append(ScanIssue(location: Location(path: directory), message: "\(listed.undecodable) name(s) in this folder are not valid UTF-8: not read"))
            }
        } catch {
            issues.append(ScanIssue(location: Location(path: directory), message: "cannot list the folder: \(error)"))
            return
        }
        let separator = directory.hasSuffix("/") ? "" : "/"
        for (name, listedType) in listing.sorted(by: { $0.name < $1.name }) {
            let full = directory + separator + name
            let path = relative.isEmpty ? name : relative + "/" + name
            // The folder listing says what most entries are; lstat only where it does not.
            var type = listedType
            if type == Int32(DT_UNKNOWN) {
                var info = stat()
                guard lstat(full, &info) == 0 else {
                    // A path past PATH_MAX, a file gone meanwhile: say so rather than skip silently.
                    issues.append(ScanIssue(location: Location(path: full), message: "cannot be read: \(String(cString: strerror(errno)))"))
                    continue
                }
                switch info.st_mode & S_IFMT {
                case S_IFDIR: type = Int32(DT_DIR)
                case S_IFREG: type = Int32(DT_REG)
                default: type = Int32(DT_LNK)   // a link, FIFO, socket or device: never read
                }
            }
            switch type {
            case Int32(DT_DIR):
                if !skippedFolders.contains(name) { folders.append((full, path)) }
            case Int32(DT_REG):
                if ArchiveDetection.looksLikeArchiveName(name) {
                    found.append(Candidate(relativePath: path, isArchive: true))
                    continue
                }
                // No size here (it would cost an lstat per file): size limits apply when a file is read.
                let entry = EntryInfo(path: path, inArchive: false)
                var mask: UInt64 = 0
                for (index, analyzer) in analyzers.prefix(64).enumerated() where analyzer.wants(entry) { mask |= 1 << UInt64(index) }
                let beyond = analyzers.count > 64 && analyzers.dropFirst(64).contains { $0.wants(entry) }
                if mask != 0 || beyond {
                    found.append(Candidate(relativePath: path, isArchive: false, wantedBy: analyzers.count > 64 ? nil : mask))
                }
            default:
                continue   // links are never followed; FIFOs and devices never read
            }
        }
    }

    /// A folder's entries with the type readdir gives (DT_UNKNOWN where the file system does not say),
    /// and the names that are not UTF-8 (they cannot be named in a report, nor opened again by name).
    private static func list(_ directory: String) throws -> (entries: [(name: String, type: Int32)], undecodable: Int) {
        guard let folder = opendir(directory) else { throw WalkError(errno) }
        defer { closedir(folder) }
        var entries: [(name: String, type: Int32)] = []
        var undecodable = 0
        while true {
            errno = 0
            guard let entry = readdir(folder) else {
                if errno != 0 { throw WalkError(errno) }
                return (entries, undecodable)
            }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(validating: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard let name else { undecodable += 1; continue }
            if name == "." || name == ".." { continue }
            entries.append((name, Int32(entry.pointee.d_type)))
        }
    }

    struct WalkError: Error, CustomStringConvertible {
        let code: Int32
        init(_ code: Int32) { self.code = code }
        var description: String { String(cString: strerror(code)) }
    }
}

/// Sibling files on disk, confined to one root and a size limit.
struct DiskSiblings: SiblingFiles {
    let root: URL
    let maxBytes: Int
    /// `root.path`, once: URL.path is not free and every file of a tree is read through here.
    private let rootPath: String

    init(root: URL, maxBytes: Int) {
        self.root = root
        self.maxBytes = maxBytes
        rootPath = root.path
    }

    func read(_ path: String) throws -> [UInt8] {
        try read(path, atMost: maxBytes)
    }

    func read(_ path: String, atMost limit: Int) throws -> [UInt8] {
        let maxBytes = min(limit, self.maxBytes)
        guard let clean = DiskSiblings.clean(path) else { throw ExtractionError("outside the scanned tree") }
        let full = clean.isEmpty ? rootPath : rootPath + (rootPath.hasSuffix("/") ? "" : "/") + clean
        // Refuse links: a sibling must be a regular file inside the root. O_NOFOLLOW refuses a link as
        // lstat did; O_NONBLOCK keeps a FIFO from blocking before fstat tells it is not a file.
        let fd = open(full, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw ExtractionError("cannot be read") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { throw ExtractionError("cannot be read") }
        guard Int(info.st_size) <= maxBytes else {
            throw ExtractionError("\(info.st_size) bytes is over the \(maxBytes)-byte limit for lockfiles and manifests; not read")
        }
        // One read into the array (no Data in between); a file that grew is read to its stat size
        // plus what fits of the rest, and a file that shrank ends where it ends.
        var bytes: [UInt8] = []
        var capacity = Int(info.st_size) + 1
        while true {
            var failed = false
            let total = bytes.count
            let chunk = [UInt8](unsafeUninitializedCapacity: capacity - total) { buffer, count in
                count = 0
                while count < buffer.count {
                    let n = Glibc.read(fd, buffer.baseAddress.map { $0 + count }, buffer.count - count)
                    if n < 0 && errno == EINTR { continue }
                    if n < 0 { failed = true; break }
                    if n == 0 { break }
                    count += n
                }
            }
            guard !failed else { throw ExtractionError("cannot be read") }
            if bytes.isEmpty { bytes = chunk } else { bytes += chunk }
            if chunk.count < capacity - total { return bytes }
            guard bytes.count <= maxBytes else {
                throw ExtractionError("\(bytes.count) bytes is over the \(maxBytes)-byte limit for lockfiles and manifests; not read")
            }
            capacity = bytes.count * 2
        }
    }

    /// `path` with `.` and `..` resolved, nil if it climbs out; the walk's own paths (nearly every
    /// read) are clean already and are not split and joined again.
    static func clean(_ path: String) -> String? {
        if EntryName.isPlain(path), !path.hasSuffixBytes("/"), !path.hasSuffixBytes("/."), path != "." { return path }
        return PathName.join("", path)
    }

    func kind(of path: String) -> SiblingKind? {
        guard let clean = DiskSiblings.clean(path) else { return nil }
        var info = stat()
        // stat, not lstat: a descriptor may name a linked folder; the walk itself never follows links.
        guard stat(root.appendingPathComponent(clean).path, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return .directory
        case S_IFREG: return .file
        default: return nil
        }
    }
}

/// Archive formats recognised by name while walking; by content (magic bytes) when opened.
public enum ArchiveDetection {
    static let suffixes = [".zip", ".jar", ".war", ".ear", ".whl", ".egg", ".tar", ".tgz", ".tar.gz", ".tar.bz2",
                           ".tbz2", ".tar.xz", ".txz", ".tar.zst", ".nupkg", ".apk", ".aar", ".hpi", ".par"]

    public static func looksLikeArchiveName(_ name: String) -> Bool {
        suffixes.contains { name.hasSuffixIgnoringASCIICase($0) }
    }

    /// zip (PK\3\4, PK\5\6 for empty), gzip, bzip2, xz, zstd, or a ustar tar header.
    public static func looksLikeArchive(_ head: [UInt8]) -> Bool {
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) || head.starts(with: [0x50, 0x4B, 0x05, 0x06]) { return true }
        if head.starts(with: [0x1F, 0x8B]) || head.starts(with: [0x42, 0x5A, 0x68]) { return true }
        if head.starts(with: [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) || head.starts(with: [0x28, 0xB5, 0x2F, 0xFD]) { return true }
        if head.count >= 262, Array(head[257..<262]) == Array("ustar".utf8) { return true }
        return false
    }
}
