import CArchive
import Foundation
import FnauditAdvisory
import FnauditArchive
import FnauditExtractors
import FnauditModel
import FnauditPolicy
import FnauditScanning
import FnauditVersioning

/// One parser fed with untrusted bytes. `FNAUDIT_FUZZ_TARGET` names it; `fnaudit-fuzz --list` lists them.
/// Every target calls the real parser the scanner calls, never a copy of it; a thrown error is a
/// correct answer to hostile input, only a crash, hang or memory error is a finding.
enum FuzzTarget: String, CaseIterable, Sendable {
    case packageLock = "package-lock"
    case yarnLock = "yarn-lock"
    case pnpmLock = "pnpm-lock"
    /// pnpm's line reader against the general YAML parser: whenever it reads a file, both trees, and the documents the extractor reads from them, must be the same.
    case pnpmReader = "pnpm-reader"
    /// package-lock.json and Pipfile.lock byte readers against JSONSerialization's tree (byte 0 picks which):
    /// whenever a reader reads a file, both must give the same entries.
    case jsonReaders = "json-readers"
    /// The TOML lockfile reader against toml++: whenever it reads a file, both trees must be the same.
    case tomlReader = "toml-reader"
    case requirements
    case pipfileLock = "pipfile-lock"
    /// poetry.lock, uv.lock, pdm.lock, pylock.toml: the first byte picks the extractor, the rest is the file.
    case tomlLockfiles = "toml-lockfiles"
    case pythonMetadata = "python-metadata"
    case pomXML = "pom-xml"
    case gradleLockfile = "gradle-lockfile"
    case policyConfig = "policy-config"
    case archive
    case zipDirectory = "zip-directory"
    case osvRecord = "osv-record"
    /// Two version strings (split at the first newline or tab, else in the middle), parsed and
    /// compared by every ecosystem's rules and by SemVer.
    case versions
    /// template.yaml (SAM/CloudFormation YAML with short tags), serverless.yml, cdk.out/manifest.json:
    /// the first byte picks the file name, the rest is the file.
    case deployment

    /// Seeds for the corpus: fixture files whose relative path matches, and how to turn each into an input.
    var seedPattern: String {
        switch self {
        case .packageLock: return #"(package-lock|npm-shrinkwrap)\.json$"#
        case .yarnLock: return #"yarn\.lock$"#
        case .pnpmLock, .pnpmReader: return #"pnpm-lock\.yaml$"#
        case .jsonReaders: return #"((package-lock|npm-shrinkwrap)\.json|Pipfile\.lock)$"#
        case .tomlReader: return #"(poetry\.lock|uv\.lock|pdm\.lock)$"#
        case .requirements: return #"(requirements[^/]*|constraints)\.txt$|requirements/[^/]+\.txt$"#
        case .pipfileLock: return #"Pipfile\.lock$"#
        case .tomlLockfiles: return #"(poetry\.lock|uv\.lock|pdm\.lock|pylock[^/]*\.toml)$"#
        case .pythonMetadata: return #"(METADATA|PKG-INFO|\.egg-info)$"#
        case .pomXML: return #"(pom\.xml|\.pom)$"#
        case .gradleLockfile: return #"gradle\.lockfile$"#
        case .policyConfig: return #"\.fnaudit\.toml$"#
        case .archive: return #"\.(zip|jar|tar\.gz|tgz|whl)$"#
        case .zipDirectory: return #"\.(zip|jar|whl)$"#
        case .osvRecord: return #"osv/.*\.json$"#
        case .versions: return #"versions/.*-pairs\.tsv$"#
        case .deployment: return #"(template\.(yaml|yml|json)|serverless\.ya?ml|manifest\.json|\.template\.json)$"#
        }
    }

    func run(_ bytes: [UInt8]) {
        switch self {
        case .packageLock: extract(PackageLockExtractor(), "package-lock.json", bytes)
        case .yarnLock: extract(YarnLockExtractor(), "yarn.lock", bytes)
        case .pnpmLock: extract(PnpmLockExtractor(), "pnpm-lock.yaml", bytes)
        case .pnpmReader: pnpmReader(bytes)
        case .jsonReaders: jsonReaders(bytes)
        case .tomlReader: tomlReader(bytes)
        case .requirements: extract(RequirementsExtractor(), "requirements.txt", bytes)
        case .pipfileLock: extract(PipfileLockExtractor(), "Pipfile.lock", bytes)
        case .tomlLockfiles:
            guard let selector = bytes.first else { return }
            let body = Array(bytes.dropFirst())
            let (extractor, path) = FuzzTarget.tomlExtractors[Int(selector) % FuzzTarget.tomlExtractors.count]
            extract(extractor, path, body)
        case .pythonMetadata: extract(PythonMetadataExtractor(), "pkg-1.0.dist-info/METADATA", bytes)
        case .pomXML:
            // POMs' plain XML reader must give XMLParser's tree whenever it reads a file (a disagreement traps).
            if PomXMLExtractor.xmlReadersAgree(bytes) == false { fatalError("plain XML reader and XMLParser disagree") }
            extract(PomXMLExtractor(), "pom.xml", bytes)
        case .gradleLockfile: extract(GradleLockfileExtractor(), "gradle.lockfile", bytes)
        case .policyConfig: policyConfig(bytes)
        case .archive: archive(bytes)
        case .zipDirectory:
            // Where the central-directory reader takes a zip, it must read what libarchive reads (a disagreement traps).
            if ArchiveReader.readersAgree(bytes) == false { fatalError("zip central-directory reader and libarchive disagree") }
        case .osvRecord: _ = try? OSVRecord.parse(bytes)
        case .versions: versions(bytes)
        case .deployment: deployment(bytes)
        }
    }

    /// A disagreement is a finding: the reader must give the general parser's tree or leave the file to it
    /// (and it keeps the limits itself, so a file it reads passes them).
    private func pnpmReader(_ bytes: [UInt8]) {
        guard let fast = PnpmLockReader.tree(bytes) else { return }
        guard (try? DocumentLimits.checkYAML(bytes)) != nil, let general = try? StructuredDocument.yaml(bytes),
              PnpmLockReader.sameTree(fast, general), PnpmLockReader.documentAgreesWithTree(bytes) else {
            fatalError("pnpm line reader and YAML parser disagree")
        }
    }

    /// Byte 0 even: package-lock.json's reader, odd: Pipfile.lock's; the rest is the file.
    private func jsonReaders(_ bytes: [UInt8]) {
        guard let selector = bytes.first else { return }
        let body = Array(bytes.dropFirst())
        let agrees = selector % 2 == 0 ? PackageLockExtractor.readerAgreesWithTree(body) : PipfileLockExtractor.readerAgreesWithTree(body)
        precondition(agrees, "JSON lockfile reader and JSONSerialization disagree")
    }

    private func tomlReader(_ bytes: [UInt8]) {
        guard (try? DocumentLimits.checkTOML(bytes)) != nil, let fast = TOMLLockReader.tree(bytes) else { return }
        let general = try? StructuredDocument.toml(bytes)
        precondition(general.map { TOMLLockReader.sameTree(fast, $0) } == true, "TOML lockfile reader and toml++ disagree")
    }

    static let descriptorNames = ["template.yaml", "serverless.yml", "cdk.out/manifest.json", "template.json"]

    /// The descriptor analyzer as a tree scan calls it; the file is its only sibling.
    private func deployment(_ bytes: [UInt8]) {
        guard let selector = bytes.first else { return }
        let path = FuzzTarget.descriptorNames[Int(selector) % FuzzTarget.descriptorNames.count]
        let body = Array(bytes.dropFirst())
        let analyzer = DeploymentDescriptors()
        precondition(analyzer.wants(EntryInfo(path: path, inArchive: false)), "\(path) is not a descriptor")
        _ = analyzer.analyze(Container(kind: .tree, location: Location(path: ""), entries: [path], files: OneFile(path: path, bytes: body)))
    }

    /// The TOML lockfiles, in selector order: byte 0 of the input modulo 4.
    static let tomlExtractors: [(any Extractor, String)] = [
        (PoetryLockExtractor(), "poetry.lock"), (UvLockExtractor(), "uv.lock"),
        (PdmLockExtractor(), "pdm.lock"), (PylockExtractor(), "pylock.toml"),
    ]

    /// Runs one extractor as `PackageExtractors` does. The file is its only sibling, so a
    /// self-include (`-r requirements.txt`) or a self-parent is exercised too.
    private func extract(_ extractor: any Extractor, _ path: String, _ bytes: [UInt8]) {
        precondition(extractor.fileRequired(path), "\(path) is not a file \(extractor.id.id) reads")
        let input = ExtractorInput(path: path, location: Location(path: path), contents: bytes,
                                   siblings: OneFile(path: path, bytes: bytes))
        _ = try? extractor.extract(input)
    }

    /// `PolicyConfig.load` takes a path (no in-memory entry point), so the bytes go to a tmpfs file.
    private func policyConfig(_ bytes: [UInt8]) {
        let path = FuzzScratch.store(bytes, as: PolicyConfig.fileName)
        _ = try? PolicyConfig.load(path)
    }

    /// The archive path of a scan: the bytes opened in memory as a nested archive is
    /// (`ArchiveReader(bytes:)`, every entry read within the scan's limits), then the whole
    /// archive scan (`ArchiveScanner` through `InventoryScanner`, all analyzers, nested
    /// archives from memory). `ArchiveScanner` is internal and only scans paths, so that half
    /// goes through a tmpfs file.
    private func archive(_ bytes: [UInt8]) {
        if FuzzTarget.archivePreopen, !FuzzTarget.libarchiveOpens(bytes) { return }
        let limits = ArchiveLimits()
        if let reader = try? ArchiveReader(bytes: bytes) {
            var entries = 0
            while let entry = try? reader.nextEntry(), entries < limits.entryCount {
                entries += 1
                if entry.kind == .file, !entry.isEncrypted {
                    _ = try? reader.readEntry(limit: limits.entryBytes, maxRatio: limits.compressionRatio)
                }
            }
        }
        let path = FuzzScratch.store(bytes, as: "input.zip")
        _ = InventoryScanner().inventory(of: [path])
    }

    /// `FNAUDIT_FUZZ_ARCHIVE_PREOPEN=1`: skip inputs libarchive cannot open at all, so a run gets past
    /// the double free of `ArchiveReader`'s failing initializers to what lies behind it.
    static let archivePreopen = ProcessInfo.processInfo.environment["FNAUDIT_FUZZ_ARCHIVE_PREOPEN"] == "1"

    private static func libarchiveOpens(_ bytes: [UInt8]) -> Bool {
        guard !bytes.isEmpty, let a = archive_read_new() else { return false }
        defer { archive_read_free(a) }
        archive_read_support_filter_all(a)
        archive_read_support_format_all(a)
        return bytes.withUnsafeBytes { archive_read_open_memory(a, $0.baseAddress, $0.count) == ARCHIVE_OK }
    }

    private func versions(_ bytes: [UInt8]) {
        let split = bytes.firstIndex { $0 == 0x0A || $0 == 0x09 }
        let cut = split ?? bytes.count / 2
        let a = String(decoding: bytes[..<cut], as: UTF8.self)
        let b = String(decoding: bytes[(split.map { $0 + 1 } ?? cut)...], as: UTF8.self)
        let schemes = Ecosystem.allCases.map(VersionScheme.ecosystem) + [.semver]
        for scheme in schemes {
            let x = scheme.parse(a), y = scheme.parse(b)
            if case .ecosystem(let ecosystem) = scheme { _ = ecosystem.compareVersions(a, b) }
            guard let x = x.version, let y = y.version else { continue }
            _ = x.description
            let forward = EcosystemVersion.compare(x, y), backward = EcosystemVersion.compare(y, x)
            if FuzzTarget.checkInvariants {
                // Not crashes, but wrong answers: an order must be antisymmetric and reflexive.
                precondition(forward == backward.map { -$0 }, "\(scheme): compare(\(a.debugDescription), \(b.debugDescription)) = \(String(describing: forward)) but the reverse is \(String(describing: backward))")
                precondition(EcosystemVersion.compare(x, x) == 0, "\(scheme): \(a.debugDescription) is not equal to itself")
            }
        }
    }

    /// `FNAUDIT_FUZZ_INVARIANTS=1`: the versions target also traps on an order that is not antisymmetric or reflexive.
    static let checkInvariants = ProcessInfo.processInfo.environment["FNAUDIT_FUZZ_INVARIANTS"] == "1"
}

/// The siblings of the fuzzed file: only the file itself.
struct OneFile: SiblingFiles {
    let path: String
    let bytes: [UInt8]
    func read(_ path: String) throws -> [UInt8] {
        guard path == self.path else { throw ExtractionError("not found") }
        return bytes
    }
}

/// Where the targets that can only read paths write their input: one directory per process
/// (`-fork`/`-jobs` workers each get their own), on tmpfs when there is one.
enum FuzzScratch {
    static let directory: String = {
        let environment = ProcessInfo.processInfo.environment
        let base = environment["FNAUDIT_FUZZ_TMP"]
            ?? (FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory())
        let path = (base as NSString).appendingPathComponent("fnaudit-fuzz-\(getpid())")
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: FuzzScratch.directory) }
        return path
    }()

    static func store(_ bytes: [UInt8], as name: String) -> String {
        let path = (directory as NSString).appendingPathComponent(name)
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        precondition(fd >= 0, "cannot write \(path): errno \(errno)")
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            precondition(n > 0, "cannot write \(path): errno \(errno)")
            offset += n
        }
        return path
    }
}
