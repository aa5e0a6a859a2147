import FnauditModel

/// Limits and switches for one scan. Every limit has a safe default and can be raised.
public struct ScanOptions: Sendable {
    /// Largest lockfile or manifest read from disk (a 1 GB "package-lock.json" is refused, not read).
    public var maxFileBytes: Int = 256 << 20
    /// Archive limits (see `ArchiveLimits`).
    public var archive = ArchiveLimits()
    public var progress: (@Sendable (_ phase: String, _ done: Int, _ total: Int) -> Void)?
    /// Computes the digests of every jar met (CycloneDX hashes, unidentified jars); none without it.
    public var digester: (any FileDigester)?

    public init() {}
}

/// Bounds on what reading one untrusted archive may cost.
public struct ArchiveLimits: Sendable {
    /// Total uncompressed bytes read from all archives of a scan.
    public var totalBytes: Int64 = 2 << 30
    /// Largest entry read into memory (lockfiles, metadata, nested archives).
    public var entryBytes: Int = 64 << 20
    /// Entries of one archive held in memory at once; past it, the analyzers get what is held
    /// and it is let go (so an archive of many large lockfiles never sits whole in memory).
    public var heldBytes: Int = 256 << 20
    /// Largest uncompressed:compressed ratio accepted for an entry that is read.
    public var compressionRatio: Int = 200
    /// Entries per archive, nested ones included.
    public var entryCount: Int = 1_000_000
    /// Archives inside archives: how deep nesting may go (an archive inside the input is at depth 1).
    public var depth: Int = 8
    /// Archives opened inside one input, at every depth (a fat jar holds hundreds; a fan-out bomb millions).
    public var nestedArchives: Int = 20_000
    /// A zip on disk at least this large is read by one worker per core (nested archives inflated
    /// in parallel); smaller ones in a single pass. Entry counts are then per worker.
    public var parallelFromBytes: Int64 = 8 << 20

    public init() {}
}
