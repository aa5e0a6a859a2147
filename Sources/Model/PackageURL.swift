import Foundation

/// Renders package-urls (https://github.com/package-url/purl-spec) for the three ecosystems.
public enum PackageURL {
    /// `pkg:npm/%40scope/name@1.0.0`, `pkg:pypi/name@1.0`, `pkg:maven/group/artifact@1.0`.
    /// The version is left out when it is empty (an unpinned or unresolved dependency).
    public static func render(ecosystem: Ecosystem, name: String, version: String) -> String {
        var namespace: String?
        var shortName: String
        switch ecosystem {
        case .npm:
            // The scope is the namespace; the purl spec asks for npm names in lowercase.
            let lowered = name.lowercased()
            if lowered.hasPrefix("@"), let slash = lowered.firstIndex(of: "/") {
                namespace = String(lowered[..<slash])
                shortName = String(lowered[lowered.index(after: slash)...])
            } else {
                shortName = lowered
            }
        case .pypi:
            // The spec: lowercase, `_` becomes `-`.
            shortName = name.lowercased().replacingAll("_", with: "-")
        case .maven:
            if let colon = name.firstIndex(of: ":") {
                namespace = String(name[..<colon])
                shortName = String(name[name.index(after: colon)...])
            } else {
                shortName = name
            }
        }
        var purl = "pkg:" + ecosystem.purlType + "/"
        if let namespace {
            purl += namespace.split(separator: "/", omittingEmptySubsequences: false)
                .map { percentEncode(String($0)) }.joined(separator: "/") + "/"
        }
        purl += percentEncode(shortName)
        if !version.isEmpty {
            purl += "@" + percentEncode(version)
        }
        return purl
    }

    /// Percent-encodes everything but the purl spec's unreserved characters.
    public static func percentEncode(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out = [UInt8]()
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "-"),
                 UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(byte)
            default:
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: Character) -> String {
        String(map { $0 == target ? replacement : $0 })
    }
}

/// A parsed package-url, for matching SBOM components and VEX products against packages.
public struct ParsedPackageURL: Sendable, Hashable {
    public var ecosystem: Ecosystem
    /// The name as fnaudit spells it: `@scope/name` (npm), `group:artifact` (Maven).
    public var name: String
    /// Percent-decoded; nil when the purl names no version.
    public var version: String?

    /// `pkg:type/namespace/name@version?qualifiers#subpath` for npm, pypi and maven; nil for other
    /// types or a string that is not a purl. Qualifiers and subpath are dropped: they tell files
    /// of one release apart (a Maven classifier), not releases.
    public init?(_ text: String) {
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        guard rest.lowercased().hasPrefix("pkg:") else { return nil }
        rest = rest.dropFirst(4)
        while rest.hasPrefix("/") { rest = rest.dropFirst() }
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        if let question = rest.firstIndex(of: "?") { rest = rest[..<question] }
        guard let slash = rest.firstIndex(of: "/") else { return nil }
        let type = rest[..<slash].lowercased()
        var path = rest[rest.index(after: slash)...]
        var version: String?
        // The version follows the last '@' after the last '/': an npm scope's %40 is encoded, a raw '@scope' is not.
        let lastSlash = path.lastIndex(of: "/") ?? path.startIndex
        if let at = path[lastSlash...].lastIndex(of: "@"), at != path.startIndex, path[path.index(before: at)] != "/" {
            version = ParsedPackageURL.decode(path[path.index(after: at)...])
            path = path[..<at]
        }
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).map { ParsedPackageURL.decode($0) }
        guard let last = segments.last, !last.isEmpty else { return nil }
        let namespace = segments.dropLast().joined(separator: "/")
        switch type {
        case "npm":
            ecosystem = .npm
            name = namespace.isEmpty ? last : (namespace.hasPrefix("@") ? namespace : "@" + namespace) + "/" + last
        case "pypi":
            ecosystem = .pypi
            name = last
        case "maven":
            guard !namespace.isEmpty else { return nil }
            ecosystem = .maven
            name = namespace.replacingAll("/", with: ".") + ":" + last
        default:
            return nil
        }
        self.version = version.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Whether `package` is this purl: same ecosystem, same normalised name, and the same version
    /// when the purl names one (a purl without a version stands for every version).
    public func matches(_ package: Package) -> Bool {
        guard package.ecosystem == ecosystem, ecosystem.normalizedName(name) == package.normalizedName else { return false }
        guard let version else { return true }
        return version == package.version
    }

    private static func decode(_ text: Substring) -> String {
        guard text.contains("%") else { return String(text) }
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.first {
            utf8 = utf8.dropFirst()
            if byte == UInt8(ascii: "%"), utf8.count >= 2,
               let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
