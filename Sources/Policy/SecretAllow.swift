import Foundation
import FnauditModel

/// One `[[secrets.allow]]` entry of `.fnaudit.toml`: secrets the team has looked at and accepted
/// (a test key, a public demo token). Named by rule, path glob and/or fingerprint (all that are
/// given must match), never by value. Allowed secrets stay listed, marked, and never gate.
public struct SecretAllow: Sendable, Equatable {
    /// A rule id (`jwt`, `generic-secret`).
    public var rule: String?
    /// A glob over where the secret is: `*` within a path segment, `**` across them, `?` one
    /// character. Without `/` it matches the file name anywhere; with one, the whole location
    /// (`fn.zip!/config/.env`), its innermost entry or file path, or any `/`-suffix of them.
    public var path: String?
    /// The SHA-256 fingerprint a report shows for one secret.
    public var fingerprint: String?
    public var reason: String
    /// `YYYY-MM-DD`: from the day after, the entry no longer applies and a warning says so.
    public var until: String?
    /// Where it was written, for messages.
    public var location: Location

    public init(rule: String? = nil, path: String? = nil, fingerprint: String? = nil, reason: String, until: String? = nil,
                location: Location) {
        self.rule = rule
        self.path = path
        self.fingerprint = fingerprint
        self.reason = reason
        self.until = until
        self.location = location
    }

    /// What the entry names, for messages (`rule jwt, path **/test/**`).
    public var label: String {
        [rule.map { "rule \($0)" }, path.map { "path \($0)" }, fingerprint.map { "fingerprint \($0.prefix(12))…" }]
            .compactMap { $0 }.joined(separator: ", ")
    }

    public func matches(_ secret: SecretFinding) -> Bool {
        if let rule, rule != secret.rule { return false }
        if let fingerprint, fingerprint.lowercased() != secret.fingerprint { return false }
        if let path, !SecretAllow.pathMatches(path, secret.location) { return false }
        return rule != nil || fingerprint != nil || path != nil
    }

    func isExpired(today: String) -> Bool {
        guard let until else { return false }
        return until < today
    }

    static func pathMatches(_ glob: String, _ location: Location) -> Bool {
        var where_ = location
        where_.line = nil
        let full = where_.description
        let inner = location.entryChain.last ?? location.path
        if !glob.contains("/") {
            return Glob.matches(glob, PathName(inner).base)
        }
        for candidate in [full, inner] {
            if Glob.matches(glob, candidate) { return true }
            var index = candidate.startIndex
            while let slash = candidate[index...].firstIndex(of: "/") {
                index = candidate.index(after: slash)
                if Glob.matches(glob, String(candidate[index...])) { return true }
            }
        }
        return false
    }
}

private struct PathName {
    let path: String
    init(_ path: String) { self.path = path }
    var base: String { path.split(separator: "/").last.map(String.init) ?? path }
}

/// `*`, `**` and `?` over `/`-separated paths.
enum Glob {
    static func matches(_ pattern: String, _ text: String) -> Bool {
        matches(Array(pattern.unicodeScalars), 0, Array(text.unicodeScalars), 0)
    }

    private static func matches(_ p: [Unicode.Scalar], _ pi: Int, _ t: [Unicode.Scalar], _ ti: Int) -> Bool {
        var pi = pi, ti = ti
        while pi < p.count {
            let c = p[pi]
            if c == "*" {
                let double = pi + 1 < p.count && p[pi + 1] == "*"
                let next = pi + (double ? 2 : 1)
                // `**/` also matches no folder at all.
                if double, next < p.count, p[next] == "/" {
                    if matches(p, next + 1, t, ti) { return true }
                }
                var k = ti
                while true {
                    if matches(p, next, t, k) { return true }
                    guard k < t.count, double || t[k] != "/" else { return false }
                    k += 1
                }
            }
            guard ti < t.count, c == "?" ? t[ti] != "/" : c == t[ti] else { return false }
            pi += 1
            ti += 1
        }
        return ti == t.count
    }
}
