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

    public static func load(_ path: String) throws -> [Suppression] {
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
        for key in root.keys where key != "ignore" {
            throw ConfigError(path: path, line: LineLocator(bytes).line(of: key), message: "unknown setting \"\(key)\" (known: [[ignore]])")
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
        return suppressions
    }
}
