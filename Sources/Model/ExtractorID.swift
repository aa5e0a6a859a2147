/// What kind of evidence a package was read from.
public enum PackageSource: String, Codable, Sendable {
    /// A lockfile or manifest: what a build resolved or asked for.
    case declared
    /// Metadata of a package that is really there (`node_modules/*/package.json`, `*.dist-info`, a jar's own files).
    case installed
}

/// Which extractor (and so which file format) found a package: a stable `id` for code and
/// machines, a `displayName` for people (the file format as users know it).
public struct ExtractorID: Hashable, Codable, Sendable, CustomStringConvertible {
    public let id: String
    public let displayName: String
    public let source: PackageSource

    public init(id: String, displayName: String, source: PackageSource) {
        self.id = id
        self.displayName = displayName
        self.source = source
    }

    public var description: String { displayName }

    public static func == (lhs: ExtractorID, rhs: ExtractorID) -> Bool { lhs.id == rhs.id }
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }
}
