/// A credential found in what ships (a key in a `.env`, a token in a jar's properties file).
///
/// The secret itself is never held here, nor anywhere after the analyzer that found it: only
/// `redacted` (at most four leading characters and the length) and `fingerprint` (SHA-256 of
/// `rule + ":" + value`, so an allow-list can name one secret without holding it).
public struct SecretFinding: Hashable, Codable, Sendable {
    /// The rule's stable id (`aws-access-key-id`, `generic-secret`).
    public var rule: String
    public var title: String
    public var severity: Severity
    /// The file or archive entry chain, with the 1-based line where the secret starts.
    public var location: Location
    /// `AKIA…(20)`: at most four leading characters, then the length.
    public var redacted: String
    /// Lowercase hex SHA-256 of `rule + ":" + value`.
    public var fingerprint: String

    public init(rule: String, title: String, severity: Severity, location: Location, redacted: String, fingerprint: String) {
        self.rule = rule
        self.title = title
        self.severity = severity
        self.location = location
        self.redacted = redacted
        self.fingerprint = fingerprint
    }

    /// `AKIA…(20)`; a value of eight characters or fewer keeps none of them (`…(8)`), so a short
    /// password is never half shown.
    public static func redact(_ value: String) -> String {
        let count = value.count
        let kept = count >= 16 ? 4 : count > 8 ? 2 : 0
        return String(value.prefix(kept)) + "…(\(count))"
    }
}

/// SHA-256 of a few bytes, lowercase hex. Injected into the secret analyzer (Audit passes its
/// swift-crypto digester), so the walk and the analyzers link no crypto library and no secret
/// value ever leaves the analyzer that read it.
public protocol SecretFingerprinter: Sendable {
    func sha256Hex(_ bytes: [UInt8]) -> String
}

extension SecretFingerprinter {
    /// The fingerprint of `value` found by `rule`: SHA-256 of `rule:value`.
    public func fingerprint(rule: String, value: String) -> String {
        sha256Hex(Array((rule + ":" + value).utf8))
    }
}

/// Which scanners a run includes: `--scanners vuln,secret,permissions`.
public enum ScannerKind: String, Sendable, CaseIterable, Hashable, Codable {
    /// Packages and their known vulnerabilities.
    case vuln
    /// Credentials in every text file and entry.
    case secret
    /// What each function's role may do, from its SAM/CDK/Serverless descriptor (Docs/IAM.md).
    case permissions
}
