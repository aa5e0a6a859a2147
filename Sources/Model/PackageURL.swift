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
