import Foundation
import FnauditExtractors
import FnauditModel

/// Everything found in the inputs of one scan, before matching.
public struct Inventory: Sendable {
    /// De-duplicated: one entry per package and version, with every location.
    public var packages: [Package]
    /// Unreadable files and entries (errors) and things worth knowing (warnings).
    public var issues: [ScanIssue]
    /// Jars whose package could not be identified.
    public var unidentified: [UnidentifiedArtifact]
    /// Credentials found by the secret rules, by location (redacted: never the value).
    public var secrets: [SecretFinding] = []
    /// Functions defined by the deployment descriptors found (SAM, CDK, Serverless).
    public var functions: [FunctionDefinition] = []
}

/// Walks source trees, single files and archives once each and hands what it meets to the
/// analyzers (package extractors, jar evidence, …); matching is the matcher's job.
public struct InventoryScanner: Sendable {
    public let options: ScanOptions
    public let analyzers: [any Analyzer]

    public init(options: ScanOptions = ScanOptions(), analyzers: [any Analyzer] = ExtractorRegistry.analyzers) {
        self.options = options
        self.analyzers = analyzers
    }

    public func inventory(of inputs: [String]) -> Inventory {
        var planned: [Job] = []
        var issues: [ScanIssue] = []
        for input in inputs {
            plan(input, jobs: &planned, issues: &issues)
        }
        let walk = Walk(analyzers: analyzers, archive: ArchiveScanner(limits: options.archive, analyzers: analyzers, digester: options.digester))
        let jobs = planned
        let done = SharedCounter()
        let progress = options.progress
        let maxFileBytes = options.maxFileBytes
        // A large tree fans out over its files inside (extractors, secret rules); as one item of the
        // per-job parallelMap it would get one core, as libdispatch runs a nested apply serially.
        // So large trees run one after another, each on all cores, and the rest side by side.
        var slots = [Extraction?](repeating: nil, count: jobs.count)
        for i in jobs.indices where jobs[i].fileCount >= InventoryScanner.largeTree {
            slots[i] = walk.run(jobs[i], maxFileBytes: maxFileBytes)
            progress?("scanning", done.increment(), jobs.count)
        }
        let others = jobs.indices.filter { jobs[$0].fileCount < InventoryScanner.largeTree }
        let sideBySide = parallelMap(others.count, chunk: 1) { k -> Extraction in
            defer { progress?("scanning", done.increment(), jobs.count) }
            return walk.run(jobs[others[k]], maxFileBytes: maxFileBytes)
        }
        for (k, i) in others.enumerated() { slots[i] = sideBySide[k] }
        let results = slots.compactMap { $0 }
        var all = Extraction(issues: issues)
        for extraction in results { all += extraction }
        all.issues += InstalledVersusLocked.mismatches(all.packages)
        return Inventory(packages: PackageMerger.merge(all.packages), issues: all.issues,
                         unidentified: all.unidentified.sorted { $0.location < $1.location },
                         secrets: all.secrets.sorted { ($0.location, $0.rule) < ($1.location, $1.rule) },
                         functions: all.functions)
    }

    /// Trees with this many wanted files are worth all cores on their own.
    static let largeTree = 16

    /// One unit of work: the wanted files of a tree (or one file named on the command line), or an archive.
    enum Job: Sendable {
        case tree(root: URL, displayPrefix: String, files: [TreeFile])
        case archive(path: String, display: String)

        /// Files of a tree job; 0 for an archive.
        var fileCount: Int {
            if case .tree(_, _, let files) = self { return files.count }
            return 0
        }
    }

    private func plan(_ input: String, jobs: inout [Job], issues: inout [ScanIssue]) {
        let url = URL(fileURLWithPath: input)
        var info = stat()
        guard stat(url.path, &info) == 0 else {
            issues.append(ScanIssue(location: Location(path: input), message: "no such file or directory"))
            return
        }
        if info.st_mode & S_IFMT == S_IFDIR {
            let prefix = input.hasSuffix("/") ? input : input + "/"
            var files: [TreeFile] = []
            for candidate in DirectoryWalker.candidates(root: url, analyzers: analyzers, issues: &issues) {
                if candidate.isArchive {
                    jobs.append(.archive(path: url.appendingPathComponent(candidate.relativePath).path, display: prefix + candidate.relativePath))
                } else {
                    files.append(TreeFile(path: candidate.relativePath, wantedBy: candidate.wantedBy))
                }
            }
            if !files.isEmpty { jobs.append(.tree(root: url, displayPrefix: prefix, files: files)) }
            return
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            // A FIFO or a device (a link to /dev/zero named .zip) would block or never end.
            issues.append(ScanIssue(location: Location(path: input), message: "not a regular file or folder: not read"))
            return
        }
        let name = url.lastPathComponent
        let file = TreeFile(path: name, size: Int64(info.st_size))
        let wanted = analyzers.contains { $0.wants(file.info) }
        // An archive by its name, or by its bytes unless a package extractor wants it by name (the
        // secret rules want nearly every file, so they do not decide this).
        let byName = analyzers.contains { !($0 is SecretScanner) && $0.wants(file.info) }
        if ArchiveDetection.looksLikeArchiveName(name) || (!byName && ArchiveDetection.looksLikeArchive(head(of: url.path))) {
            jobs.append(.archive(path: url.path, display: input))
        } else if wanted {
            jobs.append(.tree(root: url.deletingLastPathComponent(), displayPrefix: String(input.dropLast(name.count)), files: [file]))
        } else {
            issues.append(ScanIssue(location: Location(path: input), message: "not a lockfile, manifest or archive fnaudit knows"))
        }
    }

    private func head(of path: String) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        return [UInt8]((try? handle.read(upToCount: 512)) ?? Data())
    }
}

/// A file of a tree job; its size is known for a file named on the command line (a walk does not stat).
struct TreeFile: Sendable {
    var path: String
    var size: Int64?
    /// Bit i set: analyzer i wants this file, as the walk already asked (nil: not asked yet).
    var wantedBy: UInt64? = nil
    var info: EntryInfo { EntryInfo(path: path, inArchive: false, size: size) }
}

/// Runs one job: a tree's files go to each analyzer that wants them; an archive is streamed once.
private struct Walk: Sendable {
    let analyzers: [any Analyzer]
    let archive: ArchiveScanner

    func run(_ job: InventoryScanner.Job, maxFileBytes: Int) -> Extraction {
        switch job {
        case .archive(let path, let display):
            return archive.scan(path: path, location: Location(path: display))
        case .tree(let root, let prefix, let files):
            var result = Extraction()
            let disk = DiskSiblings(root: root, maxBytes: maxFileBytes)
            for (index, analyzer) in analyzers.enumerated() {
                let wanted = files.filter { file in
                    if let mask = file.wantedBy, index < 64 { return mask & (1 << UInt64(index)) != 0 }
                    return analyzer.wants(file.info)
                }.map(\.path)
                guard !wanted.isEmpty else { continue }
                result += analyzer.analyze(Container(kind: .tree, location: Location(path: prefix), displayPrefix: prefix,
                                                     entries: wanted, files: disk))
            }
            return result
        }
    }
}

/// A lockfile that says one version while the installed copy next to it is another: the
/// installed one is what runs, so both are kept and the difference is reported.
enum InstalledVersusLocked {
    static func mismatches(_ packages: [Package]) -> [ScanIssue] {
        // By index: a loop variable would copy each package whole (a retain per field).
        func key(_ i: Int) -> String { "\(packages[i].ecosystem.rawValue) \(packages[i].normalizedName)" }
        var installed: [String: Set<String>] = [:]
        for i in packages.indices where packages[i].versionKind == .exact && packages[i].isInstalled {
            installed[key(i), default: []].insert(packages[i].version)
        }
        // A tree of lockfiles and manifests installs nothing: there is nothing to compare.
        guard !installed.isEmpty else { return [] }
        var locked: [String: (Set<String>, Location)] = [:]
        for i in packages.indices where packages[i].versionKind == .exact && !packages[i].isInstalled {
            guard let location = packages[i].locations.first else { continue }
            let name = key(i)
            guard installed[name] != nil else { continue }
            locked[name, default: ([], location)].0.insert(packages[i].version)   // in place, the first location kept
        }
        var issues: [ScanIssue] = []
        for (key, (lockedVersions, location)) in locked.sorted(by: { $0.key < $1.key }) {
            guard let installedVersions = installed[key], installedVersions.isDisjoint(with: lockedVersions) else { continue }
            issues.append(ScanIssue(location: location, message: "\(key): the lockfile says \(lockedVersions.sorted().joined(separator: ", ")) but \(installedVersions.sorted().joined(separator: ", ")) is installed (the installed copy is what runs)", severity: .warning))
        }
        return issues
    }
}
