import Foundation
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
        var size: Int64? = nil
    }

    static func candidates(root: URL, analyzers: [any Analyzer], issues: inout [ScanIssue]) -> [Candidate] {
        var found: [Candidate] = []
        var stack: [(URL, String)] = [(root, "")]
        let manager = FileManager.default
        while let (directory, relative) = stack.popLast() {
            let names: [String]
            do {
                names = try manager.contentsOfDirectory(atPath: directory.path)
            } catch {
                issues.append(ScanIssue(location: Location(path: directory.path), message: "cannot list the folder: \(error.localizedDescription)"))
                continue
            }
            for name in names.sorted() {
                let url = directory.appendingPathComponent(name)
                let path = relative.isEmpty ? name : relative + "/" + name
                var info = stat()
                guard lstat(url.path, &info) == 0 else {
                    // A path past PATH_MAX, a file gone meanwhile: say so rather than skip silently.
                    issues.append(ScanIssue(location: Location(path: url.path), message: "cannot be read: \(String(cString: strerror(errno)))"))
                    continue
                }
                switch info.st_mode & S_IFMT {
                case S_IFLNK:
                    continue
                case S_IFDIR:
                    if !skippedFolders.contains(name) { stack.append((url, path)) }
                case S_IFREG:
                    if ArchiveDetection.looksLikeArchiveName(name) {
                        found.append(Candidate(relativePath: path, isArchive: true))
                    } else if analyzers.contains(where: { $0.wants(EntryInfo(path: path, inArchive: false, size: Int64(info.st_size))) }) {
                        found.append(Candidate(relativePath: path, isArchive: false, size: Int64(info.st_size)))
                    }
                default:
                    continue
                }
            }
        }
        return found
    }
}

/// Sibling files on disk, confined to one root and a size limit.
struct DiskSiblings: SiblingFiles {
    let root: URL
    let maxBytes: Int

    func read(_ path: String) throws -> [UInt8] {
        guard let clean = PathName.join("", path) else { throw ExtractionError("outside the scanned tree") }
        let url = root.appendingPathComponent(clean)
        // Refuse links: a sibling must be a regular file inside the root.
        var info = stat()
        guard lstat(url.path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { throw ExtractionError("cannot be read") }
        guard Int(info.st_size) <= maxBytes else {
            throw ExtractionError("\(info.st_size) bytes is over the \(maxBytes)-byte limit for lockfiles and manifests; not read")
        }
        guard let data = FileManager.default.contents(atPath: url.path) else { throw ExtractionError("cannot be read") }
        return [UInt8](data)
    }

    func kind(of path: String) -> SiblingKind? {
        guard let clean = PathName.join("", path) else { return nil }
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
        let lower = name.lowercased()
        return suffixes.contains { lower.hasSuffix($0) }
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
