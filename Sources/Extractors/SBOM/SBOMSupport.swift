import FnauditModel

/// What the two SBOM extractors share: which names they claim, and how a purl becomes a package.
enum SBOMSupport {
    /// Names either format may use: the extractors look inside and keep their own format.
    /// `bom.json`, `sbom.json`, and any name ending so (`app.sbom.json`, `app-sbom.json`, `image_bom.json`).
    static func isGenericSBOMName(_ base: Substring) -> Bool {
        base.hasSuffixIgnoringASCIICase("bom.json")
    }

    /// A package for an npm, PyPI or Maven purl (nil for other types); `fallbackVersion` when the purl has none.
    static func package(purl: String, fallbackVersion: String?, location: Location, isDev: Bool, licenses: [String],
                        extractor: ExtractorID) -> Package? {
        guard let parsed = ParsedPackageURL(purl) else { return nil }
        let version = parsed.version ?? fallbackVersion.flatMap { $0.isEmpty ? nil : $0 }
        var package: Package
        if let version {
            package = Package(ecosystem: parsed.ecosystem, name: parsed.name, version: version, locations: [location],
                              isDev: isDev, extractor: extractor)
        } else {
            // Never matched by guesswork: listed as unpinned.
            package = Package(ecosystem: parsed.ecosystem, name: parsed.name, version: "", versionKind: .unpinned,
                              versionNote: "no version in the SBOM", locations: [location], isDev: isDev, extractor: extractor)
        }
        package.licenses = licenses
        return package
    }

    /// Whether a purl's type is one fnaudit matches (others are counted, not read).
    static func isKnownType(_ purl: String) -> Bool { ParsedPackageURL(purl) != nil }

    /// The line of the first `"key": "value"` pair per value (one pass; a minified SBOM is all line 1).
    static func valueLines(_ bytes: [UInt8], key: String) -> [String: Int] {
        let needle = Array("\"\(key)\"".utf8)
        var lines: [String: Int] = [:]
        var line = 1, i = 0
        let n = bytes.count
        while i < n {
            if bytes[i] == 0x0A { line += 1; i += 1; continue }
            if bytes[i] == 0x22, i + needle.count <= n, Array(bytes[i..<(i + needle.count)]) == needle {
                var j = i + needle.count
                while j < n, bytes[j] == 0x20 || bytes[j] == 0x09 || bytes[j] == 0x3A { j += 1 }
                if j < n, bytes[j] == 0x22 {
                    var k = j + 1
                    while k < n, bytes[k] != 0x22, bytes[k] != 0x0A { k += bytes[k] == 0x5C ? 2 : 1 }
                    if k <= n {
                        let value = String(decoding: bytes[(j + 1)..<min(k, n)], as: UTF8.self).replacingOccurrences(of: "\\/", with: "/")
                        if lines[value] == nil { lines[value] = line }
                    }
                    i = min(k, n)
                    continue
                }
                i = j
                continue
            }
            i += 1
        }
        return lines
    }

    static func otherTypesWarning(_ count: Int, examples: [String], location: Location) -> ScanIssue? {
        guard count > 0 else { return nil }
        return ScanIssue(location: location, message: "\(count) component(s) with purl types fnaudit does not match (npm, pypi and maven only), e.g. \(examples.prefix(3).joined(separator: ", "))", severity: .warning)
    }
}
