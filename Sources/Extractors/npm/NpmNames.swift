import Foundation
import FnauditModel

/// Helpers shared by the npm extractors.
enum NpmNames {
    /// `name@version` → (name, version), where the name may be scoped (`@scope/name@1.0.0`).
    static func splitNameAndVersion(_ spec: Substring) -> (name: String, version: String)? {
        let searchFrom = spec.hasPrefix("@") ? spec.index(after: spec.startIndex) : spec.startIndex
        guard let at = spec[searchFrom...].firstIndex(of: "@") else { return nil }
        let name = spec[..<at], version = spec[spec.index(after: at)...]
        guard !name.isEmpty else { return nil }
        return (String(name), String(version))
    }

    /// The package name from a path like `node_modules/a/node_modules/@s/b`: `@s/b`.
    static func nameFromInstallPath(_ path: String) -> String? {
        guard let range = lastRange(of: "node_modules/", in: path) else { return nil }
        let tail = path[range.upperBound...]
        return tail.isEmpty ? nil : String(tail)
    }

    /// `text.range(of: needle, options: .backwards)` for an ASCII needle: by bytes when the text is
    /// ASCII too (install paths nearly always are; Foundation's search bridged through NSString and was
    /// a third of a large package-lock's time), else through Foundation, whose matching then differs.
    static func lastRange(of needle: String, in text: String) -> Range<String.Index>? {
        let pattern = Array(needle.utf8)
        guard !pattern.isEmpty, text.utf8.allSatisfy({ $0 < 0x80 }), needle.utf8.allSatisfy({ $0 < 0x80 }) else {
            return text.range(of: needle, options: .backwards)
        }
        let bytes = Array(text.utf8)
        guard bytes.count >= pattern.count else { return nil }
        var i = bytes.count - pattern.count
        while i >= 0 {
            if bytes[i] == pattern[0], bytes[i..<(i + pattern.count)].elementsEqual(pattern) {
                let lower = text.utf8.index(text.startIndex, offsetBy: i)
                return lower..<text.utf8.index(lower, offsetBy: pattern.count)
            }
            i -= 1
        }
        return nil
    }

    /// Whether a version or resolution points outside the registry (git, file, link, tarball URL).
    static func isNonRegistry(_ text: String) -> Bool {
        let lowered = text.lowercased()
        for prefix in ["git+", "git:", "git@", "github:", "gitlab:", "bitbucket:", "gist:", "file:", "link:",
                       "portal:", "exec:", "workspace:", "http:", "https:"] where lowered.hasPrefix(prefix) {
            return true
        }
        return false
    }

    static func package(name: String, version: String, location: Location, isDev: Bool, extractor: ExtractorID,
                        resolved: String? = nil) -> Package {
        if isNonRegistry(version) {
            return Package(ecosystem: .npm, name: name, version: "", versionKind: .nonRegistry, versionNote: version,
                           locations: [location], isDev: isDev, extractor: extractor)
        }
        if let resolved, isNonRegistry(resolved), !resolved.contains("/-/") {
            // Registry tarballs (`…/name/-/name-1.0.0.tgz`) are ordinary releases; anything else is not.
            return Package(ecosystem: .npm, name: name, version: version, versionKind: .nonRegistry, versionNote: resolved,
                           locations: [location], isDev: isDev, extractor: extractor)
        }
        return Package(ecosystem: .npm, name: name, version: version, locations: [location], isDev: isDev, extractor: extractor)
    }
}
