import FnauditModel

/// One entry the walk meets, before anything of it is read: a file of a tree or an archive entry.
public struct EntryInfo: Sendable {
    /// `/`-separated, relative to the tree root or the archive root, normalised.
    public var path: String
    /// Inside an archive (a jar's `META-INF/` means something there), or a file of a tree.
    public var inArchive: Bool
    /// The size the file or entry declares, when known before reading (for size limits).
    public var size: Int64?

    public init(path: String, inArchive: Bool, size: Int64? = nil) {
        self.path = path
        self.inArchive = inArchive
        self.size = size
    }
}

/// A tree (or a single file named on the command line) or one archive at any depth, as the walk
/// hands it to an analyzer once its pass is over.
public struct Container: Sendable {
    public enum Kind: Sendable { case tree, archive }
    public var kind: Kind
    /// The archive's own location (`fn.zip!/lib/app.jar`), or the tree's root as given.
    public var location: Location
    /// What tree paths are shown under (`service/` for a folder input `service`).
    public var displayPrefix: String
    /// The entries this analyzer asked for, in walk order.
    public var entries: [String]
    /// Reads wanted entries and, in trees, their siblings.
    public var files: SiblingFiles
    /// Digests of the archive itself, for archives that are artifacts (jars), when a digester is set.
    public var digests: FileDigests?

    public init(kind: Kind, location: Location, displayPrefix: String = "", entries: [String], files: SiblingFiles,
                digests: FileDigests? = nil) {
        self.kind = kind
        self.location = location
        self.displayPrefix = displayPrefix
        self.entries = entries
        self.files = files
        self.digests = digests
    }

    /// Where an entry of this container is reported.
    public func location(of path: String) -> Location {
        kind == .archive ? location.appending(entry: path) : Location(path: displayPrefix + path)
    }
}

/// Everything that reads what a function ships goes through this seam: the walk streams each
/// tree and archive once, asks every analyzer which entries it `wants` (by name, before any byte
/// is inflated), reads only those, and calls `analyze` once per container with the entries that
/// analyzer asked for. Package extractors are the first kind; bundle readers, secret rules and
/// deployment descriptors are further analyzers with their own lists in `Extraction`.
public protocol Analyzer: Sendable {
    func wants(_ entry: EntryInfo) -> Bool
    /// Called for every container, even with no entries (a jar known only by its name), except
    /// for analyzers that read entries alone, which are called only with entries.
    func analyze(_ container: Container) -> Extraction
    /// True for analyzers that read each entry on its own, never its siblings (the secret rules):
    /// an archive's entries are then handed to them in batches while the archive is still being
    /// read, on another thread, instead of after the pass.
    var readsEntriesAlone: Bool { get }
}

extension Analyzer {
    public var readsEntriesAlone: Bool { false }
}

/// The package extractors as one analyzer: each wanted file goes to every extractor that wants
/// it, on all cores; a file or extractor that fails is one error naming the file.
public struct PackageExtractors: Analyzer {
    public let extractors: [any Extractor]
    /// The extractors' path endings (lowercased) by their last byte, each with its extractor.
    private let endings: [[(ending: String, extractor: Int)]]
    /// Extractors that promise no ending: asked about every path.
    private let askedAlways: [Int]

    public init(_ extractors: [any Extractor]) {
        self.extractors = extractors
        var endings = [[(ending: String, extractor: Int)]](repeating: [], count: 128)
        var askedAlways: [Int] = []
        for (index, extractor) in extractors.enumerated() {
            for ending in extractor.pathEndings {
                let lowercased = String(decoding: ending.utf8.map(PackageExtractors.lowercased), as: UTF8.self)
                if let last = lowercased.utf8.last, last < 128 {
                    endings[Int(last)].append((lowercased, index))
                } else {
                    askedAlways.append(index)
                }
            }
            if extractor.pathEndings.isEmpty { askedAlways.append(index) }
        }
        self.endings = endings
        self.askedAlways = askedAlways
    }

    public func wants(_ entry: EntryInfo) -> Bool {
        let path = entry.path
        if askedAlways.contains(where: { extractors[$0].fileRequired(path) }) { return true }
        guard let last = path.utf8.last.map(PackageExtractors.lowercased), last < 128 else { return false }
        return endings[Int(last)].contains { path.hasSuffixIgnoringASCIICase($0.ending) && extractors[$0.extractor].fileRequired(path) }
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }

    public func analyze(_ container: Container) -> Extraction {
        let insideJar = container.kind == .archive && JavaArchiveExtractor.isJavaArchive(container.location.fileName)
        let cache = ExtractionCache()
        let results = parallelMap(container.entries.count, chunk: 8) { i -> Extraction in
            let path = container.entries[i]
            let location = container.location(of: path)
            let wanted = extractors.filter { $0.fileRequired(path) }
            // Lockfiles and manifests that installed packages ship describe how those packages were
            // developed, not what this function runs: only installed-package metadata counts there.
            if let owner = insideJar ? container.location.fileName : InstalledPackages.owner(of: path),
               wanted.allSatisfy({ $0.id.source == .declared }) {
                return Extraction(issues: [ScanIssue(location: location, message: "not read: a lockfile or manifest inside the installed package \(owner) describes that package's own development, not what ships", severity: .warning)])
            }
            let contents: [UInt8]
            do {
                contents = try container.files.read(path)
            } catch {
                return Extraction(issues: [ScanIssue(location: location, message: "\(error)")])
            }
            let input = ExtractorInput(path: path, location: location, contents: contents, siblings: container.files)
            return cache.extraction(of: input, by: wanted) { input in
                var result = Extraction()
                for extractor in wanted {
                    do {
                        result += try extractor.extract(input)
                    } catch {
                        result.issues.append(ScanIssue(location: input.location, message: "\(extractor.id.displayName): \(error)"))
                    }
                }
                return result
            }
        }
        return results.reduce(into: Extraction()) { $0 += $1 }
    }
}

/// Where installed packages live: their metadata counts, the lockfiles they ship do not.
public enum InstalledPackages {
    /// The installed package a path lies inside (`node_modules/lodash-cli`, `site-packages/foo`,
    /// `x-1.0.dist-info`), or nil. `node_modules/.package-lock.json` is npm's record of the installed
    /// tree itself, so it is not inside a package.
    public static func owner(of path: String) -> String? {
        let parts = PathName.components(path)
        guard parts.count >= 2 else { return nil }
        for (i, part) in parts.dropLast().enumerated() {
            if part == "node_modules", i + 2 < parts.count {
                // node_modules/<name>/… or node_modules/@scope/<name>/…
                let scoped = parts[i + 1].hasPrefix("@") && i + 3 < parts.count
                return parts[i...(i + (scoped ? 2 : 1))].joined(separator: "/")
            }
            if part == "site-packages" || part == "dist-packages", i + 2 < parts.count {
                return parts[i...(i + 1)].joined(separator: "/")
            }
            if part.hasSuffix(".dist-info") || part.hasSuffix(".egg-info") { return String(part) }
        }
        return nil
    }
}
