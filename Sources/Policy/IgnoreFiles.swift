import Foundation
import FnauditExtractors
import FnauditModel

/// The ignore files of the tools a team may already use, applied like `.fnaudit.toml` entries:
/// Trivy's `.trivyignore` (https://trivy.dev/latest/docs/configuration/filtering/#trivyignore) and
/// osv-scanner's `osv-scanner.toml` `[[IgnoredVulns]]` (https://google.github.io/osv-scanner/configuration/).
/// Both tools stop ignoring on the date itself (`exp:`/`ignoreUntil` is the first day it counts
/// again), so the fnaudit `until` (the last day it applies) is the day before.
public enum IgnoreFiles {
    public static let trivyIgnore = ".trivyignore"
    public static let osvScanner = "osv-scanner.toml"

    /// The ignore files at the scan root: in each folder input, and beside each file input.
    public static func locate(inputs: [String]) -> [String] {
        var found: [String] = []
        for input in inputs {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory) else { continue }
            let folder = isDirectory.boolValue ? input : (input as NSString).deletingLastPathComponent
            for name in [trivyIgnore, osvScanner] {
                let candidate = folder.isEmpty ? name : (folder as NSString).appendingPathComponent(name)
                if FileManager.default.fileExists(atPath: candidate), !found.contains(candidate) { found.append(candidate) }
            }
        }
        return found
    }

    public struct Result: Sendable {
        public var suppressions: [Suppression] = []
        public var warnings: [ScanIssue] = []
    }

    /// Reads one ignore file; a malformed one throws (one line naming it), like `.fnaudit.toml`.
    public static func read(_ path: String) throws -> Result {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PolicyConfig.ConfigError(path: path, line: nil, message: "cannot be read")
        }
        if (path as NSString).lastPathComponent == osvScanner { return try osvScannerConfig([UInt8](data), path: path) }
        return try trivy(String(decoding: data, as: UTF8.self), path: path)
    }

    /// One id per line, optional `exp:YYYY-MM-DD`; `#` comments. The comment lines just above an
    /// id (the usual way to say why) become its reason.
    static func trivy(_ text: String, path: String) throws -> Result {
        var result = Result()
        var comment: [String] = []
        for (index, raw) in TextLines.split(text).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { comment = []; continue }
            if line.hasPrefix("#") {
                comment.append(line.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces))
                continue
            }
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let id = fields.first.map(String.init) else { continue }
            let stated = comment.filter { !$0.isEmpty }.joined(separator: " ")
            var suppression = Suppression(id: id, reason: stated.isEmpty ? "listed in .trivyignore" : stated,
                                          location: Location(path: path, line: index + 1))
            suppression.origin = .trivyIgnore
            for field in fields.dropFirst() where field.hasPrefix("exp:") {
                let date = String(field.dropFirst(4))
                guard let until = dayBefore(date) else {
                    throw PolicyConfig.ConfigError(path: path, line: index + 1, message: "exp: must be a date (YYYY-MM-DD), not \(date.debugDescription)")
                }
                suppression.until = until
            }
            result.suppressions.append(suppression)
            comment = []
        }
        return result
    }

    static func osvScannerConfig(_ bytes: [UInt8], path: String) throws -> Result {
        let root: [String: Any]
        do {
            root = try StructuredDocument.toml(bytes)
        } catch {
            throw PolicyConfig.ConfigError(path: path, line: nil, message: "\(error)")
        }
        var result = Result()
        for key in root.keys.sorted() where key != "IgnoredVulns" {
            result.warnings.append(ScanIssue(location: Location(path: path), message: "\(key) is osv-scanner's own setting: not applied by fnaudit (only [[IgnoredVulns]] is)", severity: .warning))
        }
        guard root["IgnoredVulns"] == nil || root["IgnoredVulns"] is [Any] else {
            throw PolicyConfig.ConfigError(path: path, line: nil, message: "IgnoredVulns must be an array of tables: [[IgnoredVulns]]")
        }
        let headers = LineLocator.arrayTableLines(bytes, name: "IgnoredVulns")
        for (index, item) in ((root["IgnoredVulns"] as? [Any]) ?? []).enumerated() {
            let line = index < headers.count ? headers[index] : nil
            guard let table = item as? [String: Any], let id = table.string("id"), !id.isEmpty else {
                throw PolicyConfig.ConfigError(path: path, line: line, message: "each [[IgnoredVulns]] needs an id")
            }
            let reason = table.string("reason").flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
            var suppression = Suppression(id: id, reason: reason ?? "listed in osv-scanner.toml", location: Location(path: path, line: line))
            suppression.origin = .osvScanner
            if let date = table.string("ignoreUntil") {
                guard let until = dayBefore(String(date.prefix(10))) else {
                    throw PolicyConfig.ConfigError(path: path, line: line, message: "ignoreUntil must be a date, not \(date.debugDescription)")
                }
                suppression.until = until
            }
            result.suppressions.append(suppression)
        }
        return result
    }

    static func dayBefore(_ date: String) -> String? { CalendarDay.dayBefore(date) }
}
