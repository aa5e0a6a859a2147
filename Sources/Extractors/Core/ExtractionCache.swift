import Foundation
import FnauditModel

/// Monorepos hold many byte-identical copies of the same large lockfile: within one run it is
/// parsed at most twice and the result is moved to each other copy's location.
///
/// A file's bytes and result are kept from the second file of its size and sampled hash on: most
/// files have no copy, and holding every large file's bytes kept the allocator from reusing them
/// (page faults were a third of a run over distinct lockfiles).
///
/// Only results that depend on the bytes alone are kept: the extraction read no sibling (parent
/// POMs, `-r` includes, the package.json beside a yarn.lock), no message or note names the file's
/// path, and it found nothing but packages and issues. A hit compares the bytes in full, so a
/// hash collision cannot hand over another file's packages. Memory is bounded by `maxBytes`.
final class ExtractionCache: @unchecked Sendable {
    /// Smaller files parse faster than they hash and compare.
    static let minimumSize = 16 << 10
    private let maxBytes: Int
    private var held = 0
    private var entries: [Key: [(contents: [UInt8], base: Location, result: Extraction)]] = [:]
    /// Keys of files seen once: a second file with one of them may be a copy, and is kept.
    private var seen = Set<Key>()
    private let lock = NSLock()

    private struct Key: Hashable {
        var extractors: [String]
        var count: Int
        var hash: Int
    }

    init(maxBytes: Int = 256 << 20) {
        self.maxBytes = maxBytes
    }

    /// The extraction of `input` by `extractors`, from the cache or computed by `extract` (which
    /// must use `input` as given: its siblings are watched for reads).
    func extraction(of input: ExtractorInput, by extractors: [any Extractor],
                    _ extract: (ExtractorInput) -> Extraction) -> Extraction {
        guard input.contents.count >= ExtractionCache.minimumSize else { return extract(input) }
        let key = Key(extractors: extractors.map(\.id.displayName), count: input.contents.count, hash: ExtractionCache.sample(input.contents))
        lock.lock()
        let candidates = entries[key] ?? []
        let first = seen.insert(key).inserted
        lock.unlock()
        if let hit = candidates.first(where: { $0.contents == input.contents }) {
            return ExtractionCache.move(hit.result, from: hit.base, to: input.location)
        }
        if first { return extract(input) }
        let watched = WatchedSiblings(input.siblings)
        var watchedInput = input
        watchedInput.siblings = watched
        let result = extract(watchedInput)
        guard !watched.wasUsed, ExtractionCache.dependsOnBytesAlone(result, path: input.path) else { return result }
        lock.lock()
        defer { lock.unlock() }
        // A few files per key: same-size files that differ only between the samples are parsed each, not
        // compared with a growing list.
        if held + input.contents.count <= maxBytes, (entries[key]?.count ?? 0) < 4 {
            held += input.contents.count
            entries[key, default: []].append((input.contents, input.location, result))
        }
        return result
    }

    /// A hash of the size, both ends and bytes spread over the middle: a hit is confirmed by comparing
    /// the bytes in full anyway, and hashing every byte of every large file took as long as parsing
    /// a Pipfile.lock.
    static func sample(_ contents: [UInt8]) -> Int {
        var hasher = Hasher()
        contents.withUnsafeBytes { bytes in
            let edge = min(4096, bytes.count)
            hasher.combine(bytes: UnsafeRawBufferPointer(rebasing: bytes[..<edge]))
            hasher.combine(bytes: UnsafeRawBufferPointer(rebasing: bytes[(bytes.count - edge)...]))
            let step = max(1, bytes.count / 256)
            var i = 0
            while i < bytes.count {
                hasher.combine(bytes[i])
                i += step
            }
        }
        return hasher.finalize()
    }

    private static func dependsOnBytesAlone(_ result: Extraction, path: String) -> Bool {
        guard result.unidentified.isEmpty, result.secrets.isEmpty, result.functions.isEmpty else { return false }
        let base = String(PathName.base(path))
        func names(_ text: String?) -> Bool { text.map { $0.contains(path) || (!base.isEmpty && $0.contains(base)) } ?? false }
        return !result.issues.contains { names($0.message) } && !result.packages.contains { names($0.versionNote) }
    }

    /// The same extraction at another file: locations at the cached file move, their lines kept.
    private static func move(_ result: Extraction, from base: Location, to target: Location) -> Extraction {
        func moved(_ location: Location) -> Location {
            guard location.path == base.path, location.entryChain == base.entryChain else { return location }
            var copy = target
            copy.line = location.line
            return copy
        }
        var copy = result
        for i in copy.packages.indices { copy.packages[i].locations = copy.packages[i].locations.map(moved) }
        for i in copy.issues.indices { copy.issues[i].location = moved(copy.issues[i].location) }
        return copy
    }
}

/// Siblings that remember whether an extractor asked for any.
private final class WatchedSiblings: SiblingFiles, @unchecked Sendable {
    private let inner: SiblingFiles
    private let lock = NSLock()
    private var used = false

    init(_ inner: SiblingFiles) { self.inner = inner }

    var wasUsed: Bool {
        lock.lock()
        defer { lock.unlock() }
        return used
    }

    private func mark() {
        lock.lock()
        used = true
        lock.unlock()
    }

    func read(_ path: String) throws -> [UInt8] {
        mark()
        return try inner.read(path)
    }

    func read(_ path: String, atMost limit: Int) throws -> [UInt8] {
        mark()
        return try inner.read(path, atMost: limit)
    }

    func kind(of path: String) -> SiblingKind? {
        mark()
        return inner.kind(of: path)
    }
}
