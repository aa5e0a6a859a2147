import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Temporary database files live beside the database (a rename never crosses file systems)
/// and carry the writer's process id, so stale ones from a killed refresh can be cleared.
enum TemporaryFiles {
    static func path(besides database: String) -> String {
        prefix(for: database) + String(getpid())
    }

    private static func prefix(for database: String) -> String {
        let url = URL(fileURLWithPath: database)
        return url.deletingLastPathComponent().appendingPathComponent("." + url.lastPathComponent + ".tmp-").path
    }

    /// Removes temporary files left by refreshes whose process is gone (kill -9, power loss).
    static func removeStale(besides database: String) {
        let prefix = prefix(for: database)
        let directory = (prefix as NSString).deletingLastPathComponent
        let stem = (prefix as NSString).lastPathComponent
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names where name.hasPrefix(stem) {
            let pidText = name.dropFirst(stem.count).prefix(while: \.isNumber)
            if let pid = Int32(pidText), pid != getpid(), kill(pid, 0) == 0 { continue }
            try? FileManager.default.removeItem(atPath: (directory as NSString).appendingPathComponent(name))
        }
    }

    /// Flushes the finished file to disk, then renames it over the destination.
    static func syncAndReplace(temporary: String, destination: String) throws {
        let fd = open(temporary, O_RDONLY)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
        guard rename(temporary, destination) == 0 else {
            throw RefreshError("cannot move the new database into place: \(String(cString: strerror(errno)))")
        }
        let directory = (destination as NSString).deletingLastPathComponent
        let dirfd = open(directory.isEmpty ? "." : directory, O_RDONLY)
        if dirfd >= 0 {
            fsync(dirfd)
            close(dirfd)
        }
    }
}

/// One refresh at a time per database: an advisory lock on `<database>.lock`.
final class RefreshLock {
    private var fd: Int32

    init(databasePath: String) throws {
        fd = open(databasePath + ".lock", O_RDWR | O_CREAT, 0o644)
        guard fd >= 0 else { throw RefreshError("cannot create \(databasePath).lock: \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            fd = -1
            throw RefreshError("another fnaudit is refreshing \(databasePath); try again when it has finished")
        }
    }

    func release() {
        if fd >= 0 {
            flock(fd, LOCK_UN)
            close(fd)
            fd = -1
        }
    }

    deinit { release() }
}

