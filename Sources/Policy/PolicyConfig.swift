import Foundation
import FnauditExtractors
import FnauditModel

/// `.fnaudit.toml`: suppressions, read from the scan root or `--config FILE`.
///
/// ```toml
/// [[ignore]]
/// id = "GHSA-p6mc-m468-83gw"        # any id or alias of the finding
/// package = "npm:lodash@4.17.15"    # optional: ecosystem:name, optionally @version
/// reason = "merge() is never called with user input"
/// until = 2026-12-31                # optional; afterwards it stops applying, with a warning
///
/// [[secrets.allow]]                 # secrets: by rule, path glob and/or fingerprint (all given must match)
/// rule = "jwt"
/// path = "**/test/**"
/// fingerprint = "9f2c…"             # the SHA-256 a report shows; never the secret itself
/// reason = "expired token used by the integration tests"
/// until = 2026-12-31                # optional
/// ```
public enum PolicyConfig {
    public static let fileName = ".fnaudit.toml"

    public struct ConfigError: Error, CustomStringConvertible {
        public var path: String
        public var line: Int?
        public var message: String
        public var description: String { "\(path)\(line.map { ":\($0)" } ?? ""): \(message)" }
    }

    /// The config of the first directory input that has one, unless a file is named.
    public static func locate(explicit: String?, inputs: [String]) -> String? {
        if let explicit { return explicit }
        for input in inputs {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory), isDirectory.boolValue {
                let candidate = (input as NSString).appendingPathComponent(fileName)
                if FileManager.default.fileExists(atPath: candidate) { return candidate }
            }
        }
        return nil
    }

    /// Everything a config file says.
    public struct Contents: Sendable {
        public var suppressions: [Suppression] = []
        public var secretAllows: [SecretAllow] = []
        public init(suppressions: [Suppression] = [], secretAllows: [SecretAllow] = []) {
            self.suppressions = suppressions
            self.secretAllows = secretAllows
        }
    }

    /// The vulnerability suppressions of a config file.
    public static func load(_ path: String) throws -> [Suppression] {
        try read(path).suppressions
    }

    /// Suppressions and secret allow-list entries.
    public static func read(_ path: String) throws -> Contents {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(path: path, line: nil, message: "cannot be read")
        }
        let bytes = [UInt8](data)
        let root: [String: Any]
        do {
            root = try StructuredDocument.toml(bytes)
        } catch {
            let text = "\(error)"
            let line = text.range(of: "at line ").flatMap { Int(text[$0.upperBound...].prefix { $0.isNumber }) }
            throw ConfigError(path: path, line: line, message: text)
        }
        for key in root.keys.sorted() where key != "ignore" && key != "secrets" {
            throw ConfigError(path: path, line: LineLocator(bytes).line(of: key), message: "unknown setting \"\(key)\" (known: [[ignore]], [[secrets.allow]])")
        }
        guard root["ignore"] == nil || root["ignore"] is [Any] else {
            throw ConfigError(path: path, line: LineLocator(bytes).line(of: "ignore"), message: "ignore must be an array of tables: [[ignore]]")
        }
        let headers = LineLocator.arrayTableLines(bytes, name: "ignore")
        var suppressions: [Suppression] = []
        for (index, item) in ((root["ignore"] as? [Any]) ?? []).enumerated() {
            let line = index < headers.count ? headers[index] : nil
            func fail(_ message: String) -> ConfigError { ConfigError(path: path, line: line, message: message) }
            guard let table = item as? [String: Any] else { throw fail("each [[ignore]] must be a table") }
            for key in table.keys where !["id", "package", "reason", "until"].contains(key) {
                throw fail("unknown key \"\(key)\" in [[ignore]] (known: id, package, reason, until)")
            }
            guard let id = table.string("id"), !id.isEmpty else { throw fail("[[ignore]] needs an id") }
            guard let reason = table.string("reason"), !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw fail("[[ignore]] of \(id) needs a reason")
            }
            var suppression = Suppression(id: id, reason: reason, location: Location(path: path, line: line))
            if let until = table.string("until") {
                guard until.range(of: #"^\d{4}-\d{2}-\d{2}$"#, options: .regularExpression) != nil else {
                    throw fail("until must be a date (YYYY-MM-DD), not \(until.debugDescription)")
                }
                suppression.until = until
            }
            if let package = table.string("package") {
                guard let colon = package.firstIndex(of: ":"),
                      let ecosystem = Ecosystem(caseInsensitive: String(package[..<colon])) else {
                    throw fail("package must be ecosystem:name[@version] with ecosystem npm, PyPI or Maven, not \(package.debugDescription)")
                }
                var rest = package[package.index(after: colon)...]
                if let at = rest.lastIndex(of: "@"), at != rest.startIndex {
                    suppression.packageVersion = String(rest[rest.index(after: at)...])
                    rest = rest[..<at]
                }
                suppression.ecosystem = ecosystem
                suppression.packageName = String(rest)
            }
            suppressions.append(suppression)
        }
        return Contents(suppressions: suppressions, secretAllows: try secretAllows(root["secrets"], path: path, bytes: bytes))
    }

    private static func secretAllows(_ section: Any?, path: String, bytes: [UInt8]) throws -> [SecretAllow] {
        guard let section else { return [] }
        let sectionLine = LineLocator(bytes).line(of: "secrets")
        guard let table = section as? [String: Any] else {
            throw ConfigError(path: path, line: sectionLine, message: "secrets must be a table: [[secrets.allow]]")
        }
        for key in table.keys.sorted() where key != "allow" {
            throw ConfigError(path: path, line: LineLocator(bytes).line(of: key), message: "unknown setting \"secrets.\(key)\" (known: [[secrets.allow]])")
        }
        guard let items = table["allow"] as? [Any] else {
            if table["allow"] == nil { return [] }
            throw ConfigError(path: path, line: sectionLine, message: "secrets.allow must be an array of tables: [[secrets.allow]]")
        }
        let headers = LineLocator.arrayTableLines(bytes, name: "secrets.allow")
        var allows: [SecretAllow] = []
        for (index, item) in items.enumerated() {
            let line = index < headers.count ? headers[index] : nil
            func fail(_ message: String) -> ConfigError { ConfigError(path: path, line: line, message: message) }
            guard let entry = item as? [String: Any] else { throw fail("each [[secrets.allow]] must be a table") }
            for key in entry.keys.sorted() where !["rule", "path", "fingerprint", "reason", "until"].contains(key) {
                throw fail("unknown key \"\(key)\" in [[secrets.allow]] (known: rule, path, fingerprint, reason, until)")
            }
            for key in ["rule", "path", "fingerprint", "reason"] where entry[key] != nil && entry.string(key) == nil {
                throw fail("\(key) in [[secrets.allow]] must be a string")
            }
            let rule = entry.string("rule"), glob = entry.string("path"), fingerprint = entry.string("fingerprint")
            guard rule != nil || glob != nil || fingerprint != nil else {
                throw fail("[[secrets.allow]] needs a rule, a path or a fingerprint")
            }
            guard let reason = entry.string("reason"), !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw fail("[[secrets.allow]] (\([rule, glob, fingerprint].compactMap { $0 }.joined(separator: ", "))) needs a reason")
            }
            if let fingerprint, fingerprint.range(of: "^[0-9a-fA-F]{64}$", options: .regularExpression) == nil {
                throw fail("fingerprint must be the 64 hex digits of a report's fingerprint, not \(fingerprint.debugDescription)")
            }
            var allow = SecretAllow(rule: rule, path: glob, fingerprint: fingerprint?.lowercased(), reason: reason,
                                    location: Location(path: path, line: line))
            if let until = entry.string("until") {
                guard until.range(of: #"^\d{4}-\d{2}-\d{2}$"#, options: .regularExpression) != nil else {
                    throw fail("until must be a date (YYYY-MM-DD), not \(until.debugDescription)")
                }
                allow.until = until
            }
            allows.append(allow)
        }
        return allows
    }
}
