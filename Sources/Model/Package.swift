/// How far a package's version can be trusted for matching.
public enum VersionKind: String, Codable, Sendable, Hashable {
    /// An exact version from a lockfile, an installed package or a pinned manifest: matched.
    case exact
    /// A range or no version at all (`requests>=2`): reported, never matched by guesswork.
    case unpinned
    /// Installed from git, a file, a URL or a tarball: the registry's version rules do not apply.
    case nonRegistry
    /// A version that could not be worked out offline (a Maven property with no value).
    case unresolved
}

/// One package of the common model, whichever file or archive it came from.
public struct Package: Hashable, Codable, Sendable {
    public var ecosystem: Ecosystem
    /// The name as found (`Django`, `@types/node`, `org.apache.logging.log4j:log4j-core`).
    public var name: String
    /// The version as found; empty when unpinned or unresolved.
    public var version: String
    public var versionKind: VersionKind
    /// For `versionKind != .exact`: what was written instead (`>=2.0`, `git+https://…`, `${revision}`).
    public var versionNote: String?
    public var locations: [Location]
    /// Dev, test, provided or optional-dev dependency: excluded from reports unless asked for.
    public var isDev: Bool
    /// Every extractor that found it, in the order they did (`package-lock.json`, `pom.properties`, …).
    public var extractors: [ExtractorID]
    /// A PEP 508 environment marker that conditions the requirement (`python_version < "3.8"`).
    public var environmentMarker: String?
    /// How the name was worked out when no file states it (a jar known by its manifest or file name).
    public var identification: Identification?
    /// Digests of the file that is this package (a jar), when it holds exactly this one package.
    public var digests: FileDigests?
    /// Whether the project depends on it itself; nil when the lockfile records no graph.
    public var isDirect: Bool?
    /// Shortest chains of package names from a direct dependency to this one (itself last), up to five.
    public var dependencyPaths: [[String]] = []
    /// Declared licences as the metadata states them, each an SPDX id or expression where the
    /// text is unambiguous, else the text as written (`LicenseText.normalize`); empty when none is stated.
    public var licenses: [String] = []

    public init(
        ecosystem: Ecosystem, name: String, version: String, versionKind: VersionKind = .exact,
        versionNote: String? = nil, locations: [Location], isDev: Bool = false, extractor: ExtractorID
    ) {
        self.ecosystem = ecosystem
        self.name = name
        self.version = version
        self.versionKind = versionKind
        self.versionNote = versionNote
        self.locations = locations
        self.isDev = isDev
        self.extractors = [extractor]
    }

    /// Whether some extractor read it from an installed copy rather than a lockfile or manifest.
    public var isInstalled: Bool { extractors.contains { $0.source == .installed } }

    /// The name advisories are filed under (see `Ecosystem.normalizedName`).
    public var normalizedName: String { ecosystem.normalizedName(name) }

    public var purl: String { PackageURL.render(ecosystem: ecosystem, name: name, version: version) }

    /// Two findings of the same package in different places are one package with several locations.
    public var identity: PackageIdentity {
        // Without an exact version, what was written instead (a git URL, a range) tells packages apart.
        PackageIdentity(ecosystem: ecosystem, name: normalizedName, version: versionKind == .exact ? version : version + " " + (versionNote ?? ""),
                        versionKind: versionKind)
    }
}

/// A package name inferred from evidence that does not state Maven coordinates, so users can judge it.
public struct Identification: Hashable, Codable, Sendable {
    /// `manifest:Bundle-SymbolicName`, `manifest:Automatic-Module-Name`, `manifest:Implementation-Title`,
    /// `file-name`, or `advisory-database` (the only Maven name in the advisories with that artifactId).
    public var method: String
    /// The value it was read from (`org.apache.log4j`, `log4j-1.2.17.jar`).
    public var evidence: String

    public init(method: String, evidence: String) {
        self.method = method
        self.evidence = evidence
    }
}

/// SHA-1 (what Maven Central indexes) and SHA-256 of a file, lowercase hex.
public struct FileDigests: Hashable, Codable, Sendable {
    public var sha1: String
    public var sha256: String

    public init(sha1: String, sha256: String) {
        self.sha1 = sha1
        self.sha256 = sha256
    }
}

/// Computes `FileDigests`. Injected into the walk, so the inventory layer needs no crypto library.
public protocol FileDigester: Sendable {
    func digests(of bytes: UnsafeRawBufferPointer) -> FileDigests
    func digests(ofFile path: String) -> FileDigests?
}

/// A file that holds code (a jar) but whose package could not be identified: listed, never
/// matched, never given a made-up name.
public struct UnidentifiedArtifact: Hashable, Codable, Sendable {
    public var location: Location
    public var digests: FileDigests?
    /// What was looked at and why it was not enough.
    public var reason: String
    /// The artifactId and version the file name suggests, for a lookup in the advisory database.
    public var artifactHint: String?
    public var versionHint: String?

    public init(location: Location, digests: FileDigests?, reason: String, artifactHint: String? = nil, versionHint: String? = nil) {
        self.location = location
        self.digests = digests
        self.reason = reason
        self.artifactHint = artifactHint
        self.versionHint = versionHint
    }
}

/// What makes two package sightings the same package.
public struct PackageIdentity: Hashable, Codable, Sendable, Comparable {
    public var ecosystem: Ecosystem
    public var name: String
    public var version: String
    public var versionKind: VersionKind

    public static func < (lhs: PackageIdentity, rhs: PackageIdentity) -> Bool {
        if lhs.ecosystem != rhs.ecosystem { return lhs.ecosystem < rhs.ecosystem }
        if lhs.name != rhs.name { return lhs.name < rhs.name }
        if lhs.version != rhs.version { return lhs.version < rhs.version }
        return lhs.versionKind.rawValue < rhs.versionKind.rawValue
    }
}

/// A file or archive entry that could not be read; the scan goes on without it.
public struct ScanIssue: Hashable, Codable, Sendable {
    public enum Severity: String, Codable, Sendable {
        /// Input that could not be read: it makes the exit code 2 unless findings make it 1.
        case error
        /// Worth knowing (a suspicious entry name, an unpinned requirement), not a failure.
        case warning
    }
    public var location: Location
    public var message: String
    public var severity: Severity

    public init(location: Location, message: String, severity: Severity = .error) {
        self.location = location
        self.message = message
        self.severity = severity
    }
}
