import FnauditModel

/// How findings fail a run.
public struct GatePolicy: Sendable {
    public enum Threshold: String, Sendable, CaseIterable {
        case any = "ANY", low = "LOW", medium = "MEDIUM", high = "HIGH", critical = "CRITICAL", none = "NONE"

        public func fails(_ severity: Severity) -> Bool {
            switch self {
            case .any: return true
            case .none: return false
            case .low: return severity >= .low
            case .medium: return severity >= .medium
            case .high: return severity >= .high
            case .critical: return severity >= .critical
            }
        }
    }
    public var threshold: Threshold
    /// Ignore findings with no fixed version when deciding the exit code.
    public var onlyFixable: Bool
    /// Advisories older than this (each ecosystem's newest record) are stale.
    public var maxDatabaseAgeDays: Int
    /// A stale database makes the run incomplete (exit 2) instead of only warning.
    public var failOnStale: Bool
    /// An incomplete scan exits 2 even when findings would make it 1 (for CI that needs completeness).
    public var failOnIncomplete: Bool

    public init(threshold: Threshold = .any, onlyFixable: Bool = false, maxDatabaseAgeDays: Int = 30, failOnStale: Bool = false,
                failOnIncomplete: Bool = false) {
        self.failOnIncomplete = failOnIncomplete
        self.threshold = threshold
        self.onlyFixable = onlyFixable
        self.maxDatabaseAgeDays = maxDatabaseAgeDays
        self.failOnStale = failOnStale
    }
}
