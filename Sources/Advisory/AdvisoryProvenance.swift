import FnauditModel

/// A file that fed the database, for provenance (`fnaudit db status`, every report).
public struct SourceFile: Sendable, Codable {
    public var name: String
    public var ecosystem: String?
    public var sha256: String
    public var records: Int
    /// Commit or other origin of the data, when a manifest names it.
    public var origin: String?
    /// The date of the data: the source commit's date, else the newest `modified` of its records.
    public var snapshotDate: String?
    public var license: String?

    public init(name: String, ecosystem: String?, sha256: String, records: Int, origin: String? = nil,
                snapshotDate: String? = nil, license: String? = nil) {
        self.name = name
        self.ecosystem = ecosystem
        self.sha256 = sha256
        self.records = records
        self.origin = origin
        self.snapshotDate = snapshotDate
        self.license = license
    }
}

/// How fresh one ecosystem's advisories are.
public struct EcosystemData: Sendable, Codable, Equatable {
    public var ecosystem: String
    public var advisories: Int
    /// The newest `modified` of its records: the data's own date.
    public var newestModified: String?
    /// When a build or import last brought records of it.
    public var importedAt: String
    /// What they came from (files or URLs).
    public var source: String?

    public init(ecosystem: String, advisories: Int, newestModified: String?, importedAt: String, source: String?) {
        self.ecosystem = ecosystem
        self.advisories = advisories
        self.newestModified = newestModified
        self.importedAt = importedAt
        self.source = source
    }

    /// Whole days since `newestModified` (nil without one).
    public var ageDays: Int? { newestModified.flatMap(CalendarDay.daysSince) }
}

/// Where the advisory data behind a report came from.
public struct AdvisoryProvenance: Sendable {
    /// The database file (or another description of the source).
    public var path: String
    public var sources: [SourceFile]
    public var ecosystems: [EcosystemData]
    /// The newest date of the data (source commit dates, else newest `modified`).
    public var snapshotDate: String? { sources.compactMap(\.snapshotDate).max() }

    public init(path: String, sources: [SourceFile], ecosystems: [EcosystemData] = []) {
        self.path = path
        self.sources = sources
        self.ecosystems = ecosystems
    }

    /// Ecosystems whose newest record is older than `maxAgeDays`.
    public func stale(maxAgeDays: Int) -> [EcosystemData] {
        ecosystems.filter { ($0.ageDays ?? Int.max) > maxAgeDays }
    }
}
