import Foundation

/// Where the database and the shipped snapshot are.
public enum DatabaseLocation {
    /// `--db PATH`, else `$FNAUDIT_DB`, else `${XDG_CACHE_HOME:-~/.cache}/fnaudit/advisories.db`.
    public static func resolve(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let explicit, !explicit.isEmpty { return absolute(explicit) }
        if let fromEnvironment = environment["FNAUDIT_DB"], !fromEnvironment.isEmpty { return absolute(fromEnvironment) }
        let cache: String
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            cache = xdg
        } else {
            cache = (environment["HOME"] ?? NSHomeDirectory()) + "/.cache"
        }
        return cache + "/fnaudit/advisories.db"
    }

    /// The shipped snapshot folder (`VulnDB/`): `$FNAUDIT_SNAPSHOT`, else the nearest `VulnDB/`
    /// with a manifest above the executable (a `swift build` tree) or the current directory.
    public static func shippedSnapshot(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let explicit = environment["FNAUDIT_SNAPSHOT"], !explicit.isEmpty { return explicit }
        var starts: [URL] = []
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        if let resolved = Bundle.main.executableURL?.resolvingSymlinksInPath() { starts.append(resolved) }
        starts.append(executable)
        starts.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        for start in starts {
            var directory = start.hasDirectoryPath ? start : start.deletingLastPathComponent()
            for _ in 0..<8 {
                let candidate = directory.appendingPathComponent("VulnDB")
                if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("manifest.json").path) {
                    return candidate.path
                }
                let parent = directory.deletingLastPathComponent()
                if parent.path == directory.path { break }
                directory = parent
            }
        }
        return nil
    }

    private static func absolute(_ path: String) -> String {
        let expanded = (path as NSString).expandingTildeInPath
        if expanded.hasPrefix("/") { return expanded }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(expanded).path
    }
}

extension AdvisoryStore {
    /// Opens the database at `path`, building it from the shipped snapshot first if there is none.
    /// `announce` is told when a build starts (it takes a few seconds).
    public static func openOrBuild(path: String, progress: ProgressHandler? = nil,
                                   announce: (String) -> Void = { _ in }) throws -> AdvisoryStore {
        if !FileManager.default.fileExists(atPath: path) {
            guard let snapshot = DatabaseLocation.shippedSnapshot() else {
                throw RefreshError("no advisory database at \(path), and the shipped snapshot (VulnDB/) was not found: set FNAUDIT_SNAPSHOT to its folder or run `fnaudit db build --from DIR`")
            }
            announce("building the advisory database from \(snapshot) into \(path)")
            let summary = try DatabaseRefresher.build(databasePath: path, inputs: SnapshotManifest.archives(in: snapshot),
                                                      manifest: SnapshotManifest.load(directory: snapshot), progress: progress)
            if !summary.problems.isEmpty {
                announce("\(summary.problems.count) records of the shipped snapshot were skipped")
            }
        }
        return try AdvisoryStore(path: path)
    }
}
