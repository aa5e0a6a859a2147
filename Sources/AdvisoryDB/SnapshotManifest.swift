import FnauditAdvisory
import Foundation

/// `VulnDB/manifest.json`: where each shipped `all.zip` came from, for provenance in `db status`.
public struct SnapshotManifest: Codable, Sendable {
    public struct Source: Codable, Sendable {
        /// Path of the zip relative to the snapshot folder (`PyPI/all.zip`).
        public var file: String
        public var ecosystem: String
        /// Upstream repositories and commits merged into this zip.
        public var origin: String
        /// Date of the newest upstream commit in it (ISO 8601).
        public var date: String
        public var license: String
    }
    public var sources: [Source]

    public static func load(directory: String) -> SnapshotManifest? {
        let path = (directory as NSString).appendingPathComponent("manifest.json")
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(SnapshotManifest.self, from: data)
    }

    /// The zips of a snapshot folder, whether or not it has a manifest: `<Ecosystem>/all.zip`.
    public static func archives(in directory: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.sorted().compactMap { name in
            let zip = ((directory as NSString).appendingPathComponent(name) as NSString).appendingPathComponent("all.zip")
            return FileManager.default.fileExists(atPath: zip) ? zip : nil
        }
    }

    func annotate(_ files: inout [SourceFile]) {
        for i in files.indices {
            guard let source = sources.first(where: { files[i].name.hasSuffix("/" + $0.file) || files[i].name == $0.file }) else {
                continue
            }
            files[i].ecosystem = source.ecosystem
            files[i].origin = source.origin
            files[i].snapshotDate = source.date
            files[i].license = source.license
        }
    }
}
