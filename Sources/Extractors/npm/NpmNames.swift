import Foundation
import FnauditModel

/// Helpers shared by the npm extractors.
enum NpmNames {
    /// `name@version` → (name, version), where the name may be scoped (`@scope/name@1.0.0`).
    static func splitNameAndVersion(_ spec: Substring) -> (name: String, version: String)? {
        let searchFrom = spec.hasPrefix("@") ? spec.index(after: spec.startIndex) : spec.startIndex
        guard let at = firstIndex(of: "@", in: spec[searchFrom...]) else { return nil }
        let name = spec[..<at], version = spec[spec.index(after: at)...]
        guard !name.isEmpty else { return nil }
        return (String(name), String(version))
    }

    /// `text.firstIndex(of: character)` for an ASCII character: by bytes when the text is ASCII (every
    /// byte a Character; searching by Characters per key was a tenth of a large pnpm lock's time), else
    /// by Characters, where a combining mark may join the character to make another.
    static func firstIndex(of character: Unicode.Scalar, in text: Substring) -> String.Index? {
        let utf8 = text.utf8
        guard character.isASCII, utf8.allSatisfy({ $0 < 0x80 }) else { return text.firstIndex(of: Character(character)) }
        return utf8.firstIndex(of: UInt8(character.value))
    }

    /// `text.lastIndex(of: character)`, as `firstIndex(of:in:)`.
    static func lastIndex(of character: Unicode.Scalar, in text: Substring) -> String.Index? {
        let utf8 = text.utf8
        guard character.isASCII, utf8.allSatisfy({ $0 < 0x80 }) else { return text.lastIndex(of: Character(character)) }
        return utf8.lastIndex(of: UInt8(character.value))
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
        var text = text   // native strings hand their bytes over without a copy
        let found = text.withUTF8 { bytes -> Int? in
            guard bytes.count >= pattern.count else { return nil }
            var i = bytes.count - pattern.count
            while i >= 0 {
                if bytes[i] == pattern[0], UnsafeBufferPointer(rebasing: bytes[i..<(i + pattern.count)]).elementsEqual(pattern) { return i }
                i -= 1
            }
            return nil
        }
        guard let found else { return nil }
        let lower = text.utf8.index(text.startIndex, offsetBy: found)
        return lower..<text.utf8.index(lower, offsetBy: pattern.count)
    }

    /// `text.contains(needle)` for an ASCII needle, by bytes when the text is ASCII too (else through Foundation).
    static func contains(_ needle: String, in text: String) -> Bool {
        lastRange(of: needle, in: text) != nil
    }

    /// Whether a version or resolution points outside the registry (git, file, link, tarball URL).
    static func isNonRegistry(_ text: String) -> Bool {
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            // ASCII: the prefixes compared on the bytes, case-folded (lowercasing a String per package was costly).
            let head = Array(text.utf8.prefix(10)).map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
            return nonRegistryPrefixes.contains { head.starts(with: $0.utf8) }
        }
        let lowered = text.lowercased()
        for prefix in nonRegistryPrefixes where lowered.hasPrefix(prefix) {
            return true
        }
        return false
    }

    private static let nonRegistryPrefixes = ["git+", "git:", "git@", "github:", "gitlab:", "bitbucket:", "gist:", "file:", "link:",
                                              "portal:", "exec:", "workspace:", "http:", "https:"]

    static func package(name: String, version: String, location: Location, isDev: Bool, extractor: ExtractorID,
                        resolved: String? = nil) -> Package {
        if isNonRegistry(version) {
            return Package(ecosystem: .npm, name: name, version: "", versionKind: .nonRegistry, versionNote: version,
                           locations: [location], isDev: isDev, extractor: extractor)
        }
        if let resolved, isNonRegistry(resolved), !contains("/-/", in: resolved) {
            // Registry tarballs (`…/name/-/name-1.0.0.tgz`) are ordinary releases; anything else is not.
            return Package(ecosystem: .npm, name: name, version: version, versionKind: .nonRegistry, versionNote: resolved,
                           locations: [location], isDev: isDev, extractor: extractor)
        }
        return Package(ecosystem: .npm, name: name, version: version, locations: [location], isDev: isDev, extractor: extractor)
    }
}
