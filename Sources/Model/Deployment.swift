/// Which tool described a function: its deployment descriptor, or the command line.
public enum DeploymentFramework: String, Codable, Sendable, Hashable, CaseIterable {
    case sam, cdk, serverless, cli
}

/// Where a function's code or a layer's content is, as the scan shows paths (`proj/.aws-sam/build/Orders`,
/// `proj/.serverless/svc.zip`), or why it is not on disk.
public struct CodeArtifact: Hashable, Codable, Sendable {
    public enum Kind: String, Codable, Sendable {
        case directory, archive
        /// `PackageType: Image`: the code is a container image, not read here.
        case image
        /// An S3 location, a layer ARN from another account or stack: not on disk.
        case remote
        /// `ZipFile` code written into the template itself.
        case inline
        /// A path the descriptor names that does not exist (not built yet, a typo).
        case missing
    }
    public var kind: Kind
    /// The display path for `directory`/`archive` (matching `Location.path` of what is inside); else what the descriptor says.
    public var path: String
    /// Why it is not scanned, for the kinds that are not.
    public var reason: String?
    /// Folders whose content was packaged into this artifact (a layer's `ContentUri` or `path` when
    /// its build output is read): their copies are this artifact's copies, not code outside every function.
    public var sources: [String] = []

    public init(kind: Kind, path: String, reason: String? = nil, sources: [String] = []) {
        self.kind = kind
        self.path = path
        self.reason = reason
        self.sources = sources
    }

    public var isOnDisk: Bool { kind == .directory || kind == .archive }
}

/// A layer as one function uses it, in the function's merge order.
public struct LayerReference: Hashable, Codable, Sendable {
    /// The layer's logical id, Serverless key, ARN or file name.
    public var name: String
    public var artifact: CodeArtifact

    public init(name: String, artifact: CodeArtifact) {
        self.name = name
        self.artifact = artifact
    }
}

/// One function as its deployment descriptor (or the command line) defines it.
public struct FunctionDefinition: Hashable, Codable, Sendable {
    /// SAM/CDK logical id, Serverless function key, or the artifact's file name (`--layer`).
    public var name: String
    public var framework: DeploymentFramework
    /// CDK's `aws:cdk:path` (`Shop/Orders/Resource`); the stack or service otherwise, when known.
    public var path: String?
    /// `python3.12`, `nodejs20.x`, `java21`; nil when the descriptor does not say (or says it through a variable).
    public var runtime: String?
    public var handler: String?
    public var artifact: CodeArtifact
    /// In merge order: a later layer overwrites an earlier one's files.
    public var layers: [LayerReference]
    /// The template or file that defines the function, with the line of its definition when known.
    public var descriptor: Location
    /// The role and the risks of what it may do, when the descriptor says.
    public var permissions: FunctionPermissions?

    public init(name: String, framework: DeploymentFramework, path: String? = nil, runtime: String?, handler: String?,
                artifact: CodeArtifact, layers: [LayerReference], descriptor: Location, permissions: FunctionPermissions? = nil) {
        self.name = name
        self.framework = framework
        self.path = path
        self.runtime = runtime
        self.handler = handler
        self.artifact = artifact
        self.layers = layers
        self.descriptor = descriptor
        self.permissions = permissions
    }
}

/// What a function's role may do, and what is risky about it (see Docs/IAM.md).
public struct FunctionPermissions: Hashable, Codable, Sendable {
    /// The role's logical id or ARN; nil when the framework creates one implicitly.
    public var role: String?
    /// Where the role or its statements are written.
    public var source: Location
    public var risks: [PermissionRisk]

    public init(role: String?, source: Location, risks: [PermissionRisk]) {
        self.role = role
        self.source = source
        self.risks = risks
    }
}

/// One risky grant, under a stable rule id (`wildcard-action`, `public-url`, …).
public struct PermissionRisk: Hashable, Codable, Sendable {
    public var rule: String
    public var severity: Severity
    public var detail: String
    public var location: Location

    public init(rule: String, severity: Severity, detail: String, location: Location) {
        self.rule = rule
        self.severity = severity
        self.detail = detail
        self.location = location
    }
}

/// A copy of a package that can never load in a function: another copy of the same name comes
/// first on the runtime's search path, or its folder is not on that path at all.
public struct ShadowedCopy: Hashable, Codable, Sendable {
    public var package: PackageIdentity
    public var purl: String
    public var location: Location
    /// The copy that loads instead, when one does.
    public var byPurl: String?
    public var byLocation: Location?
    public var reason: String

    public init(package: PackageIdentity, purl: String, location: Location, byPurl: String?, byLocation: Location?, reason: String) {
        self.package = package
        self.purl = purl
        self.location = location
        self.byPurl = byPurl
        self.byLocation = byLocation
        self.reason = reason
    }
}

/// A function with what really runs in it: its code plus its layers, resolved by its runtime.
public struct FunctionView: Sendable {
    public var definition: FunctionDefinition
    /// Packages with at least one copy that loads, in the inventory's order.
    public var effective: [PackageIdentity]
    public var shadowed: [ShadowedCopy]
    /// Things worth knowing about this function (a Java artifact at two versions, a layer not on disk).
    public var notes: [String]
    /// Where each effective package's loading copies are, in this function.
    public var effectiveLocations: [PackageIdentity: [Location]]

    public init(definition: FunctionDefinition, effective: [PackageIdentity], shadowed: [ShadowedCopy], notes: [String],
                effectiveLocations: [PackageIdentity: [Location]] = [:]) {
        self.definition = definition
        self.effective = effective
        self.shadowed = shadowed
        self.notes = notes
        self.effectiveLocations = effectiveLocations
    }

    /// Whether the function's code could be read at all.
    public var isScanned: Bool { definition.artifact.isOnDisk }
}
