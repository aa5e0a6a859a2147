/// A finding's severity, in the four GitHub/CVSS bands plus UNKNOWN.
public enum Severity: String, Codable, Sendable, CaseIterable, Comparable {
    case unknown = "UNKNOWN"
    case low = "LOW"
    case medium = "MEDIUM"
    case high = "HIGH"
    case critical = "CRITICAL"

    /// GHSA's `database_specific.severity` words; MODERATE is shown as MEDIUM.
    public init?(advisoryLabel: String) {
        switch advisoryLabel.uppercased() {
        case "LOW": self = .low
        case "MODERATE", "MEDIUM": self = .medium
        case "HIGH": self = .high
        case "CRITICAL": self = .critical
        default: return nil
        }
    }

    /// The CVSS v3 qualitative rating of a base score (0.0 rates NONE, shown as LOW).
    public init(cvssScore: Double) {
        switch cvssScore {
        case 9.0...: self = .critical
        case 7.0..<9.0: self = .high
        case 4.0..<7.0: self = .medium
        default: self = .low
        }
    }

    /// 0 for UNKNOWN up to 4 for CRITICAL.
    public var rank: Int {
        switch self {
        case .unknown: return 0
        case .low: return 1
        case .medium: return 2
        case .high: return 3
        case .critical: return 4
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}
