import Foundation
import FnauditExtractors
import FnauditModel

/// Everything found in the inputs of one scan, before matching.
public struct Inventory: Sendable {
    /// De-duplicated: one entry per package and version, with every location.
    public var packages: [Package]
    /// Unreadable files and entries (errors) and things worth knowing (warnings).
    public var issues: [ScanIssue]
    public var filesRead: Int
    public var archivesRead: Int
}

/// Finds packages in source trees, single lockfiles and archives (the analyzers, in Trivy's
/// terms); matching them against advisories is the matcher's job.
public struct Scanner: Sendable {
    public let options: ScanOptions

    public init(options: ScanOptions = ScanOptions()) {
        self.options = options
    }

    public func inventory(of inputs: [String]) -> Inventory {
        var planned: [Job] = []
        var issues: [ScanIssue] = []
        for input in inputs {
            plan(input, jobs: &planned, issues: &issues)
        }
        let archiveScanner = ArchiveScanner(limits: options.archive)
        let jobs = planned
        let done = SharedCounter()
        let progress = options.progress
        let results = parallelMap(jobs.count, chunk: 1) { i -> Extraction in
            defer { progress?("scanning", done.increment(), jobs.count) }
            return run(jobs[i], archiveScanner: archiveScanner)
        }
        var packages: [Package] = []
        for extraction in results {
            packages += extraction.packages
            issues += extraction.issues
        }
        issues += InstalledVersusLocked.mismatches(packages)
        return Inventory(packages: PackageMerger.merge(packages), issues: issues,
                         filesRead: jobs.filter { !$0.isArchive }.count, archivesRead: jobs.filter(\.isArchive).count)
    }

    /// One file to read: a lockfile or manifest with the extractors that want it, or an archive.
    struct Job: Sendable {
        var root: URL
        var relativePath: String
        var displayPath: String
        var isArchive: Bool
    }

    private func plan(_ input: String, jobs: inout [Job], issues: inout [ScanIssue]) {
        let url = URL(fileURLWithPath: input)
        var info = stat()
        guard stat(url.path, &info) == 0 else {
            issues.append(ScanIssue(location: Location(path: input), message: "no such file or directory"))
            return
        }
        if info.st_mode & S_IFMT == S_IFDIR {
            for candidate in DirectoryWalker.candidates(root: url, issues: &issues) {
                let display = input.hasSuffix("/") ? input + candidate.relativePath : input + "/" + candidate.relativePath
                jobs.append(Job(root: url, relativePath: candidate.relativePath, displayPath: display, isArchive: candidate.isArchive))
            }
            return
        }
        let name = url.lastPathComponent
        let isArchive = ArchiveDetection.looksLikeArchiveName(name)
            || (ExtractorRegistry.extractors(for: name).isEmpty && ArchiveDetection.looksLikeArchive(head(of: url.path)))
        if !isArchive && ExtractorRegistry.extractors(for: name).isEmpty {
            issues.append(ScanIssue(location: Location(path: input), message: "not a lockfile, manifest or archive fnaudit knows"))
            return
        }
        jobs.append(Job(root: url.deletingLastPathComponent(), relativePath: name, displayPath: input, isArchive: isArchive))
    }

    private func head(of path: String) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        return [UInt8]((try? handle.read(upToCount: 512)) ?? Data())
    }

    private func run(_ job: Job, archiveScanner: ArchiveScanner) -> Extraction {
        let location = Location(path: job.displayPath)
        let fileURL = job.root.appendingPathComponent(job.relativePath)
        if job.isArchive {
            return archiveScanner.scan(path: fileURL.path, location: location)
        }
        var info = stat()
        guard stat(fileURL.path, &info) == 0 else {
            return Extraction(issues: [ScanIssue(location: location, message: "cannot be read")])
        }
        guard Int(info.st_size) <= options.maxFileBytes else {
            return Extraction(issues: [ScanIssue(location: location, message: "\(info.st_size) bytes is over the \(options.maxFileBytes)-byte limit for lockfiles and manifests; not read")])
        }
        guard let data = FileManager.default.contents(atPath: fileURL.path) else {
            return Extraction(issues: [ScanIssue(location: location, message: "cannot be read")])
        }
        var result = Extraction()
        let input = ExtractorInput(path: job.relativePath, location: location, contents: [UInt8](data),
                                   siblings: DiskSiblings(root: job.root, maxBytes: options.maxFileBytes))
        Extraction.run(ExtractorRegistry.extractors(for: job.relativePath), on: input, into: &result)
        return result
    }
}

/// A lockfile that says one version while the installed copy next to it is another: the
/// installed one is what runs, so both are kept and the difference is reported.
enum InstalledVersusLocked {
    static let installedExtractors: Set<String> = ["node_modules package.json", "Python package metadata", "pom.properties"]

    static func mismatches(_ packages: [Package]) -> [ScanIssue] {
        var installed: [String: Set<String>] = [:], locked: [String: (Set<String>, Location)] = [:]
        for package in packages where package.versionKind == .exact {
            let key = "\(package.ecosystem.rawValue) \(package.normalizedName)"
            if installedExtractors.contains(package.extractor) {
                installed[key, default: []].insert(package.version)
            } else if let location = package.locations.first {
                var entry = locked[key] ?? ([], location)
                entry.0.insert(package.version)
                locked[key] = entry
            }
        }
        var issues: [ScanIssue] = []
        for (key, (lockedVersions, location)) in locked.sorted(by: { $0.key < $1.key }) {
            guard let installedVersions = installed[key], installedVersions.isDisjoint(with: lockedVersions) else { continue }
            issues.append(ScanIssue(location: location, message: "\(key): the lockfile says \(lockedVersions.sorted().joined(separator: ", ")) but \(installedVersions.sorted().joined(separator: ", ")) is installed (the installed copy is what runs)", severity: .warning))
        }
        return issues
    }
}

