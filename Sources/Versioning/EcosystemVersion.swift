import FnauditModel

/// A version parsed by one scheme's rules. Versions of different schemes never compare.
public enum EcosystemVersion: Sendable, Hashable, CustomStringConvertible {
    /// npm's versions, and the versions of OSV `SEMVER` ranges in any ecosystem.
    case semver(SemanticVersion)
    case pypi(PEP440Version)
    case maven(MavenVersion)

    public var description: String {
        switch self {
        case .semver(let v): return v.description
        case .pypi(let v): return v.description
        case .maven(let v): return v.description
        }
    }
}

/// The outcome of parsing: a version the ecosystem accepts, or one it rejects.
///
/// The distinction is kept in the type because an invalid version must never be read as
/// "not affected": the matcher reports it as "could not be evaluated" instead.
public enum ParsedVersion: Sendable, Hashable {
    case valid(EcosystemVersion)
    case invalid(text: String, reason: String)

    public var version: EcosystemVersion? {
        if case .valid(let v) = self { return v }
        return nil
    }
}

extension Ecosystem {
    /// Parses `text` with this ecosystem's rules (node-semver strict, PEP 440 as `packaging`
    /// implements it, Maven's ComparableVersion).
    public func parseVersion(_ text: String) -> ParsedVersion {
        switch self {
        case .npm:
            if let v = SemanticVersion(text) { return .valid(.semver(v)) }
            return .invalid(text: text, reason: "not a valid semantic version (node-semver, strict)")
        case .pypi:
            if let v = PEP440Version(text) { return .valid(.pypi(v)) }
            return .invalid(text: text, reason: "not a valid PEP 440 version")
        case .maven:
            if let v = MavenVersion(text) { return .valid(.maven(v)) }
            return .invalid(text: text, reason: "nested deeper than \(MavenVersion.maxNesting) levels, which no Maven version does")
        }
    }

    /// Compares two version strings; nil when either is invalid in this ecosystem.
    public func compareVersions(_ a: String, _ b: String) -> Int? {
        guard let x = parseVersion(a).version, let y = parseVersion(b).version else { return nil }
        return EcosystemVersion.compare(x, y)
    }
}

extension EcosystemVersion {
    /// -1, 0 or 1; nil when the two belong to different ecosystems.
    public static func compare(_ a: EcosystemVersion, _ b: EcosystemVersion) -> Int? {
        switch (a, b) {
        case let (.semver(x), .semver(y)): return SemanticVersion.compare(x, y)
        case let (.pypi(x), .pypi(y)): return PEP440Version.compare(x, y)
        case let (.maven(x), .maven(y)): return MavenVersion.compare(x, y)
        default: return nil
        }
    }
}

/// Which ordering a version string is read with: the version format decides the comparator.
/// An OSV range's `type` names it: `SEMVER` ranges use Semantic Versioning whatever the package's
/// ecosystem, `ECOSYSTEM` ranges the ecosystem's own rules.
public enum VersionScheme: Sendable, Hashable {
    case semver
    case ecosystem(Ecosystem)

    /// The scheme of an OSV range type; nil for types that order no versions (`GIT`).
    public init?(osvRangeType: String, ecosystem: Ecosystem) {
        switch osvRangeType {
        case "SEMVER": self = ecosystem == .npm ? .ecosystem(.npm) : .semver
        case "ECOSYSTEM": self = .ecosystem(ecosystem)
        default: return nil
        }
    }

    /// Parses `text` by this scheme. Under `semver`, a version of another ecosystem that is only
    /// short of components (`2.0`, `3`) is read padded with zeros (`2.0.0`), as OSV tooling does;
    /// anything else SemVer rejects stays invalid, so it is never taken as "not affected".
    public func parse(_ text: String) -> ParsedVersion {
        switch self {
        case .ecosystem(let ecosystem):
            return ecosystem.parseVersion(text)
        case .semver:
            if let v = SemanticVersion(text) ?? VersionScheme.padded(text).flatMap(SemanticVersion.init) { return .valid(.semver(v)) }
            return .invalid(text: text, reason: "not a valid semantic version, which this SEMVER range needs")
        }
    }

    /// `2.0` → `2.0.0`, `3-rc.1` → `3.0.0-rc.1`: one or two numeric components before any `-`/`+`.
    private static func padded(_ text: String) -> String? {
        let end = text.firstIndex { $0 == "-" || $0 == "+" } ?? text.endIndex
        let core = text[..<end]
        let parts = core.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) else {
            return nil
        }
        return parts.joined(separator: ".") + String(repeating: ".0", count: 3 - parts.count) + text[end...]
    }
}
