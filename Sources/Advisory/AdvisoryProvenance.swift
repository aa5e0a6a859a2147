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

/// Where the advisory data behind a report came from.
public struct AdvisoryProvenance: Sendable {
    /// The database file (or another description of the source).
    public var path: String
    public var sources: [SourceFile]
    /// The newest date of the data (source commit dates, else newest `modified`).
    public var snapshotDate: String? { sources.compactMap(\.snapshotDate).max() }

    public init(path: String, sources: [SourceFile]) {
        self.path = path
        self.sources = sources
    }
}
