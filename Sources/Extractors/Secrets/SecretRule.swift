import Foundation
import FnauditModel

/// One secret rule, as written in `Data/secret-rules.tsv` (embedded in the binary).
public struct SecretRule: Sendable {
    /// Stable id (`aws-access-key-id`): SARIF rule `secret/<id>`, allow-lists, fingerprints.
    public let id: String
    public let title: String
    public let severity: Severity
    /// The regex runs only near one of these. Matched as written when they hold an upper-case
    /// letter (`AKIA`), ignoring ASCII case when all lower case (`password`).
    public let keywords: [String]
    /// Capture groups that hold the secret (the first that took part in the match).
    public let groups: [Int]
    public let checks: Set<SecretCheck>
    /// Minimum Shannon entropy (bits per character) of the secret, when set.
    public let minEntropy: Double?
    /// How far past a keyword the regex looks; a window never starts before the keyword's line.
    public let window: Int
    public let pattern: String
    let regex: SharedRegex
    /// The regex starts with `\b`: a keyword hit right after a word character cannot match, and
    /// is dropped before the regex runs (`task-` holds `sk-`, base64 holds `AC1`).
    let startsAtWordBoundary: Bool

    /// The named checks a rule can ask for (see `SecretChecks`).
    public enum SecretCheck: String, Sendable {
        case mixed, jwt, pem, dbPassword = "db-password", generic, skipDocs = "skip-docs", lineStart = "line-start"
    }

    init(row: [String]) throws {
        guard row.count >= 7 else { throw ExtractionError("secret rule \(row.first ?? "?"): 7 columns expected, found \(row.count)") }
        id = row[0]
        guard let severity = Severity(rawValue: row[1]) else { throw ExtractionError("secret rule \(id): unknown severity \(row[1])") }
        self.severity = severity
        keywords = row[2].split(separator: ",").map(String.init)
        groups = row[3].split(separator: "|").compactMap { Int($0) }
        var checks = Set<SecretCheck>()
        var minEntropy: Double?
        var window = 1024
        for item in row[4].split(separator: ",") {
            let parts = item.split(separator: ":", maxSplits: 1).map(String.init)
            switch parts[0] {
            case "entropy": minEntropy = parts.count > 1 ? Double(parts[1]) : nil
            case "window": window = parts.count > 1 ? Int(parts[1]) ?? 1024 : 1024
            default:
                guard let check = SecretCheck(rawValue: parts[0]) else { throw ExtractionError("secret rule \(id): unknown check \(parts[0])") }
                checks.insert(check)
            }
        }
        self.checks = checks
        self.minEntropy = minEntropy
        self.window = window
        title = row[5]
        pattern = row[6]
        regex = SharedRegex(pattern)
        startsAtWordBoundary = pattern.hasPrefix(#"\b"#) || pattern.hasPrefix(#"(?i)\b"#)
        guard !keywords.isEmpty, !groups.isEmpty else { throw ExtractionError("secret rule \(id): needs keywords and capture groups") }
    }

    /// Compiles the regex now and checks its groups (the tests do this for every rule; a scan
    /// compiles a rule's regex only when one of its keywords first occurs).
    public func validate() throws {
        let compiled = try NSRegularExpression(pattern: pattern)
        guard groups.allSatisfy({ $0 >= 1 && $0 <= compiled.numberOfCaptureGroups }) else {
            throw ExtractionError("secret rule \(id): capture group \(groups) does not exist")
        }
    }

    /// The rules shipped in the binary, in priority order.
    public static let builtIn: [SecretRule] = {
        let text = String(decoding: PackageResources.secret_rules_tsv, as: UTF8.self)
        let rows = TextLines.split(text).dropFirst().filter { !$0.isEmpty && !$0.hasPrefix("#") }
            .map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        // A broken row is a build defect: the tests check that every row loads and compiles
        // (SecretRuleTests), so skipping one here never goes unnoticed.
        return rows.compactMap { row in try? SecretRule(row: row) }
    }()
}

/// A rule's regex, compiled on first use (most scans meet few rules' keywords, and the first
/// compile loads ICU). NSRegularExpression is immutable and thread-safe for matching.
final class SharedRegex: @unchecked Sendable {
    private let pattern: String
    private let lock = NSLock()
    private var compiled: NSRegularExpression?

    init(_ pattern: String) { self.pattern = pattern }

    /// nil only for a pattern that does not compile, which then matches nothing (validate(), run
    /// by the tests for every shipped rule, guarantees it does).
    var value: NSRegularExpression? {
        lock.lock()
        defer { lock.unlock() }
        if let compiled { return compiled }
        compiled = try? NSRegularExpression(pattern: pattern)
        return compiled
    }
}
