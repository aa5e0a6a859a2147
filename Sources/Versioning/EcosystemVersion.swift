import FnauditModel

/// A version parsed by its ecosystem's rules. Versions of different ecosystems never compare.
public enum EcosystemVersion: Sendable, Hashable, CustomStringConvertible {
    case npm(SemanticVersion)
    case pypi(PEP440Version)
    case maven(MavenVersion)

    public var description: String {
        switch self {
        case .npm(let v): return v.description
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
            if let v = SemanticVersion(text) { return .valid(.npm(v)) }
            return .invalid(text: text, reason: "not a valid semantic version (node-semver, strict)")
        case .pypi:
            if let v = PEP440Version(text) { return .valid(.pypi(v)) }
            return .invalid(text: text, reason: "not a valid PEP 440 version")
        case .maven:
            return .valid(.maven(MavenVersion(text)))
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
        case let (.npm(x), .npm(y)): return SemanticVersion.compare(x, y)
        case let (.pypi(x), .pypi(y)): return PEP440Version.compare(x, y)
        case let (.maven(x), .maven(y)): return MavenVersion.compare(x, y)
        default: return nil
        }
    }
}
