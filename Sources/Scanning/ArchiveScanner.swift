import Foundation
import FnauditArchive
import FnauditExtractors
import FnauditModel

/// Scans an archive in one streaming pass, never writing to disk.
///
/// Each entry's name decides its fate: entries some analyzer wants (and nested archives) are
/// read into memory within the limits; everything else is skipped, which for zip means not even
/// decompressed. Nested archives are scanned from memory as they are met, so at most one of them
/// per nesting level is held at a time. After the pass, each analyzer gets the entries it wanted.
final class ArchiveScanner: @unchecked Sendable {
    let limits: ArchiveLimits
    let analyzers: [any Analyzer]
    let digester: (any FileDigester)?
    private let lock = NSLock()
    private var bytesRead: Int64 = 0

    init(limits: ArchiveLimits, analyzers: [any Analyzer], digester: (any FileDigester)? = nil) {
        self.limits = limits
        self.analyzers = analyzers
        self.digester = digester
    }

    /// Charges `n` bytes to the scan-wide budget; false once it is spent.
    private func charge(_ n: Int) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard bytesRead + Int64(n) <= limits.totalBytes else { return false }
        bytesRead += Int64(n)
        return true
    }

    /// Scans the archive file at `path`, reported as `location`.
    func scan(path: String, location: Location) -> Extraction {
        if let result = scanInParallel(path: path, location: location) { return result }
        do {
            let reader = try ArchiveReader(path: path)
            var counters = Counters()
            let digests = JavaArchiveExtractor.isJavaArchive(path) ? digester?.digests(ofFile: path) : nil
            let pipeline = analyzers.contains(where: \.readsEntriesAlone) ? EntryPipeline(analyzers: analyzers) : nil
            var result = scan(reader, location: location, depth: 1, counters: &counters, digests: digests, pipeline: pipeline)
            if let pipeline { result += pipeline.finish() }
            let head = ArchiveScanner.bytes(of: path, tail: false)
            if let issue = ArchiveScanner.truncatedZip(head: head, tail: ArchiveScanner.bytes(of: path, tail: true), location) {
                result.issues.append(issue)
            }
            if counters.entries == 0, let issue = ArchiveScanner.notAnArchive(head: head, location) { result.issues.append(issue) }
            return result
        } catch {
            return Extraction(issues: [ScanIssue(location: location, message: "not a readable archive: \(error)")])
        }
    }

    /// What one input's archives have used so far, nested ones included.
    struct Counters {
        var entries = 0
        var nestedArchives = 0
    }

    private func scan(_ reader: ArchiveReader, location: Location, depth: Int, counters: inout Counters,
                      digests: FileDigests?, pipeline: EntryPipeline?, share: ParallelShare? = nil) -> Extraction {
        var result = Extraction()
        var wanted = Array(repeating: [String](), count: analyzers.count)
        var called = Array(repeating: false, count: analyzers.count)
        var files = MemoryFiles()
        var lastEntry: String?
        // Workers of one outer zip each walk every entry header; only the first reports what is about
        // the archive itself (unreadable names, damage, the entry limit), and each entry (its name
        // checked, its bytes read and analysed) goes to whichever worker claims it first.
        let outerShare = depth == 1 ? share : nil
        let reportsArchive = outerShare?.worker ?? 0 == 0
        // This archive's own entries in order (`counters` also counts nested archives' entries).
        var ordinal = 0
        while true {
            let entry: ArchiveEntry?
            do {
                entry = try reader.nextEntry()
            } catch {
                let place = lastEntry.map { " after entry \($0)" } ?? ""
                if reportsArchive { result.issues.append(ScanIssue(location: location, message: "damaged or truncated archive\(place): \(error)")) }
                break
            }
            guard let entry else { break }
            guard let name = entry.name else {
                let place = lastEntry.map { "the entry after \($0)" } ?? "the first entry"
                if reportsArchive {
                    result.issues.append(ScanIssue(location: location, message: "\(place) has a name that is not valid text (\(entry.nameProblem ?? "unreadable")): not read"))
                }
                continue
            }
            lastEntry = name
            counters.entries += 1
            if counters.entries > limits.entryCount {
                if reportsArchive { result.issues.append(ScanIssue(location: location, message: "more than \(limits.entryCount) entries: the rest of the archive is not read")) }
                break
            }
            ordinal += 1
            if let outerShare, !outerShare.claim(ordinal) { continue }
            var here: Location { location.appending(entry: name) }
            if EntryName.isSuspicious(name) {
                result.issues.append(ScanIssue(location: here, message: "suspicious entry name (absolute or climbing with ..): read as data, never written", severity: .warning))
            }
            let normalized = EntryName.normalized(name)
            let info = EntryInfo(path: normalized, inArchive: true, size: entry.declaredSize)
            let wantedBy = analyzers.indices.filter { analyzers[$0].wants(info) }
            let isNested = ArchiveDetection.looksLikeArchiveName(normalized)
            guard !wantedBy.isEmpty || isNested else {
                // Skipping an entry of a compressed tar still inflates it: that counts too.
                if reader.skippingInflates, let size = entry.declaredSize, size > 0, !charge(Int(clamping: size)) {
                    result.issues.append(ScanIssue(location: here, message: "\(ArchiveReader.ReadFailure.budget): the rest of the archive is not read"))
                    break
                }
                continue
            }
            switch entry.kind {
            case .directory, .other:
                continue
            case .symlink:
                result.issues.append(ScanIssue(location: here, message: "symbolic link entry: not followed", severity: .warning))
                continue
            case .file:
                break
            }
            if entry.isEncrypted {
                result.issues.append(ScanIssue(location: here, message: "encrypted entry: not read"))
                continue
            }
            if let declared = entry.declaredSize, declared > Int64(limits.entryBytes) {
                result.issues.append(ScanIssue(location: here, message: "entry of \(declared) bytes is over the \(limits.entryBytes)-byte limit for entries read into memory; not read"))
                continue
            }
            if isNested {
                // Refused before anything is inflated: the depth, and how many archives one input may hold.
                guard depth <= limits.depth else {
                    result.issues.append(ScanIssue(location: here, message: "archive nested deeper than \(limits.depth) levels: not opened"))
                    continue
                }
                let opened = share?.countNestedArchive() ?? { counters.nestedArchives += 1; return counters.nestedArchives }()
                if opened > limits.nestedArchives {
                    if opened == limits.nestedArchives + 1 {
                        result.issues.append(ScanIssue(location: here, message: "more than \(limits.nestedArchives) archives inside one input: this one and the next are not opened"))
                    }
                    continue
                }
            }
            if isNested {
                let entryBytes: EntryBytes
                do {
                    entryBytes = try reader.readEntryBytes(limit: limits.entryBytes, maxRatio: limits.compressionRatio, budget: charge)
                } catch {
                    result.issues.append(ScanIssue(location: here, message: "\(error)"))
                    if case ArchiveReader.ReadFailure.budget = error { break }
                    continue
                }
                do {
                    let nested = try ArchiveReader(entry: entryBytes)
                    let entriesBefore = counters.entries
                    let digests = JavaArchiveExtractor.isJavaArchive(normalized) ? entryBytes.withUnsafeBytes { digester?.digests(of: $0) } : nil
                    let inner = scan(nested, location: here, depth: depth + 1, counters: &counters, digests: digests, pipeline: pipeline, share: share)
                    if counters.entries == entriesBefore, let issue = ArchiveScanner.notAnArchive(head: entryBytes.prefix(512), here) {
                        result.issues.append(issue)
                    }
                    result += inner
                    if let issue = ArchiveScanner.truncatedZip(head: entryBytes.prefix(4), tail: entryBytes.suffix(66_000), here) {
                        result.issues.append(issue)
                    }
                } catch {
                    result.issues.append(ScanIssue(location: here, message: "not a readable archive: \(error)"))
                }
                continue
            }
            let bytes: [UInt8]
            do {
                bytes = try reader.readEntry(limit: limits.entryBytes, maxRatio: limits.compressionRatio, budget: charge)
            } catch {
                result.issues.append(ScanIssue(location: here, message: "\(error)"))
                if case ArchiveReader.ReadFailure.budget = error { break }
                continue
            }
            // Analyzers that read entries alone get them now, on the pipeline's thread; the rest after the pass.
            let streamed = pipeline == nil ? [] : wantedBy.filter { analyzers[$0].readsEntriesAlone }
            if !streamed.isEmpty { pipeline?.add(normalized, bytes, location: location, analyzers: streamed) }
            let held = streamed.isEmpty ? wantedBy : wantedBy.filter { !analyzers[$0].readsEntriesAlone }
            guard !held.isEmpty else { continue }
            if files.byteCount + bytes.count > limits.heldBytes && files.byteCount > 0 {
                // Bound what one archive holds at once: hand what is held to the analyzers now.
                analyze(location: location, digests: digests, wanted: &wanted, files: &files, called: &called, into: &result)
            }
            files.add(normalized, bytes)
            for index in held { wanted[index].append(normalized) }
            outerShare?.order[normalized] = ordinal
        }
        if let outerShare {
            // The outer archive's entries are analysed once, by the coordinator, with all workers' entries.
            outerShare.held = (wanted, files, called)
            return result
        }
        // Analyze after the pass, so formats that refer to siblings (-r includes, parent POMs) see
        // them; every analyzer is called at least once per archive (a jar known only by its name).
        analyze(location: location, digests: digests, wanted: &wanted, files: &files, called: &called, into: &result, final: true)
        return result
    }

    /// A large zip on disk, read by one worker per core: each opens the file itself and walks every
    /// entry header (cheap: the central directory, no inflation), and each entry goes to the first
    /// worker to claim it, which checks its name and reads it if wanted, so name checks are done
    /// once and the inflation of nested jars and the analysis of what they hold spread over the cores. The outer archive's own
    /// entries are analysed once, together, so siblings see each other as in one pass.
    /// nil when the input is not such a zip: the single pass reads it.
    private func scanInParallel(path: String, location: Location) -> Extraction? {
        let workers = min(ProcessInfo.processInfo.activeProcessorCount, 4)
        var info = stat()
        guard workers > 1, stat(path, &info) == 0, Int64(info.st_size) >= limits.parallelFromBytes else { return nil }
        let head = ArchiveScanner.bytes(of: path, tail: false)
        let tail = ArchiveScanner.bytes(of: path, tail: true)
        // A zip whose central directory is intact: a truncated one is read by the single pass, which reports the damage.
        guard head.starts(with: [0x50, 0x4B, 0x03, 0x04]), ArchiveReader.zipHasCentralDirectory(tail: tail) else { return nil }
        let claims = ClaimSet()
        let nestedCount = SharedCounter()
        let shares = (0..<workers).map { ParallelShare(worker: $0, claims: claims, nested: nestedCount) }
        let results = parallelMap(workers, chunk: 1) { worker -> (Extraction, Int)? in
            guard let reader = try? ArchiveReader(path: path) else { return nil }
            var counters = Counters()
            let pipeline = analyzers.contains(where: \.readsEntriesAlone) ? EntryPipeline(analyzers: analyzers) : nil
            var result = scan(reader, location: location, depth: 1, counters: &counters, digests: nil, pipeline: pipeline, share: shares[worker])
            if let pipeline { result += pipeline.finish() }
            return (result, counters.entries)
        }
        guard results.allSatisfy({ $0 != nil }) else { return nil }
        var result = Extraction()
        for case let (extraction, _)? in results { result += extraction }
        // The outer archive's entries, in archive order, analysed once.
        var wanted = Array(repeating: [String](), count: analyzers.count)
        var called = Array(repeating: false, count: analyzers.count)
        var files = MemoryFiles()
        var order: [String: Int] = [:]
        for share in shares {
            order.merge(share.order) { a, _ in a }
            guard let held = share.held else { continue }
            files.merge(held.files)
            for index in analyzers.indices {
                wanted[index] += held.wanted[index]
                called[index] = called[index] || held.called[index]
            }
        }
        for index in analyzers.indices { wanted[index].sort { (order[$0] ?? 0) < (order[$1] ?? 0) } }
        let digests = JavaArchiveExtractor.isJavaArchive(path) ? digester?.digests(ofFile: path) : nil
        analyze(location: location, digests: digests, wanted: &wanted, files: &files, called: &called, into: &result, final: true)
        if results.first??.1 == 0, let issue = ArchiveScanner.notAnArchive(head: head, location) { result.issues.append(issue) }
        return result
    }

    /// Runs each analyzer on the entries it wanted so far, then lets go of them.
    private func analyze(location: Location, digests: FileDigests?, wanted: inout [[String]], files: inout MemoryFiles,
                         called: inout [Bool], into result: inout Extraction, final: Bool = false) {
        for (index, analyzer) in analyzers.enumerated() where !wanted[index].isEmpty || (final && !called[index] && !analyzer.readsEntriesAlone) {
            result += analyzer.analyze(Container(kind: .archive, location: location, entries: wanted[index], files: files,
                                                 digests: digests))
            called[index] = true
            wanted[index] = []
        }
        files = MemoryFiles()
    }
}

extension ArchiveScanner {
    /// A zip whose end-of-central-directory record is missing was cut short.
    static func truncatedZip(head: [UInt8], tail: [UInt8], _ location: Location) -> ScanIssue? {
        guard head.starts(with: [0x50, 0x4B, 0x03, 0x04]), !ArchiveReader.zipHasCentralDirectory(tail: tail) else { return nil }
        return ScanIssue(location: location, message: "truncated or damaged zip: no end-of-central-directory record (entries were read up to the damage)")
    }

    /// libarchive reads some non-archives as empty ones (a text file named `.zip`): no entries and no
    /// archive signature means the input was not read at all, which must not pass for "nothing found".
    static func notAnArchive(head: [UInt8], _ location: Location) -> ScanIssue? {
        guard !ArchiveDetection.looksLikeArchive(head) else { return nil }
        return ScanIssue(location: location, message: "not a readable archive: no entries and no archive signature")
    }

    /// The first 512 or last 66,000 bytes of a file (the EOCD record and its longest comment).
    static func bytes(of path: String, tail: Bool) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        if tail {
            let size = (try? handle.seekToEnd()) ?? 0
            try? handle.seek(toOffset: size > 66_000 ? size - 66_000 : 0)
            return [UInt8]((try? handle.readToEnd()) ?? Data())
        }
        return [UInt8]((try? handle.read(upToCount: 512)) ?? Data())
    }
}

/// Entries kept in memory during one archive's scan, readable as siblings.
struct MemoryFiles: SiblingFiles {
    private var storage: [String: [UInt8]] = [:]
    private(set) var byteCount = 0
    mutating func add(_ name: String, _ bytes: [UInt8]) {
        byteCount += bytes.count - (storage[name]?.count ?? 0)
        storage[name] = bytes
    }
    mutating func merge(_ other: MemoryFiles) {
        for (name, bytes) in other.storage { add(name, bytes) }
    }
    func read(_ path: String) throws -> [UInt8] {
        guard let bytes = storage[path] else { throw ExtractionError("not in the archive, or not read") }
        return bytes
    }
}

/// Entry names are untrusted data.
enum EntryName {
    static func isSuspicious(_ name: String) -> Bool {
        if !name.containsBytes("..") && !name.hasPrefixBytes("/") && !name.hasPrefixBytes("\\") && !name.containsBytes(":") { return false }
        return name.hasPrefixBytes("/") || name.hasPrefixBytes("\\") || name.split(separator: "/").contains("..")
            || name.split(separator: "\\").contains("..") || (name.count > 1 && name.dropFirst().hasPrefix(":"))
    }

    /// `./a//b` → `a/b`; leading slashes and `..` dropped, so matching sees a plain relative path.
    static func normalized(_ name: String) -> String {
        if isPlain(name) { return name }
        return name.replacingOccurrences(of: "\\", with: "/").split(separator: "/")
            .filter { $0 != "." && $0 != ".." && !$0.isEmpty }.joined(separator: "/")
    }

    /// No leading `/` or `./`, no `\\`, `..`, `//` or `/./`: one pass over the bytes (every entry name goes through here).
    static func isPlain(_ name: String) -> Bool {
        let slash = UInt8(ascii: "/"), dot = UInt8(ascii: "."), backslash = UInt8(ascii: "\\")
        return name.withUTF8Bytes { bytes in
            guard let first = bytes.first, first != slash else { return bytes.isEmpty }
            if first == dot, bytes.count > 1, bytes[1] == slash { return false }
            var previous: UInt8 = 0, beforePrevious: UInt8 = 0
            for byte in bytes {
                if byte == backslash { return false }
                if byte == dot, previous == dot { return false }
                if byte == slash, previous == slash || (previous == dot && beforePrevious == slash) { return false }
                beforePrevious = previous
                previous = byte
            }
            return true
        }
    }
}

/// Hands archive entries to the analyzers that read entries alone (`Analyzer.readsEntriesAlone`)
/// while the walk goes on inflating: batches of about 2 MiB go to one consumer thread, so reading
/// and analysing overlap on two cores. The walk waits when 8 MiB are pending, which bounds memory (a pipeline per worker).
/// A dedicated thread, not the shared dispatch pool, so a walk blocked here can never starve it.
final class EntryPipeline: @unchecked Sendable {
    private struct Batch {
        var location: Location
        var entries: [(name: String, bytes: [UInt8], analyzers: [Int])] = []
        var byteCount = 0
    }
    private let analyzers: [any Analyzer]
    private let condition = NSCondition()
    private var queue: [Batch] = []
    private var pendingBytes = 0
    private var closed = false
    private var finished = false
    private var result = Extraction()
    private var current: Batch?
    static let batchBytes = 2 << 20
    static let maxPendingBytes = 8 << 20

    init(analyzers: [any Analyzer]) {
        self.analyzers = analyzers
        let thread = Thread { [self] in consume() }
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Called on the walk's thread only.
    func add(_ name: String, _ bytes: [UInt8], location: Location, analyzers indices: [Int]) {
        if let batch = current, batch.location != location || batch.byteCount >= EntryPipeline.batchBytes { submit() }
        if current == nil { current = Batch(location: location) }
        current?.entries.append((name, bytes, indices))
        current?.byteCount += bytes.count
    }

    private func submit() {
        guard let batch = current, !batch.entries.isEmpty else { current = nil; return }
        current = nil
        condition.lock()
        while pendingBytes >= EntryPipeline.maxPendingBytes { condition.wait() }
        queue.append(batch)
        pendingBytes += batch.byteCount
        condition.broadcast()
        condition.unlock()
    }

    /// Everything the batches gave, once all are analysed.
    func finish() -> Extraction {
        submit()
        condition.lock()
        closed = true
        condition.broadcast()
        while !finished { condition.wait() }
        let out = result
        condition.unlock()
        return out
    }

    private func consume() {
        AlternateSignalStack.ensureForCurrentThread()
        while true {
            condition.lock()
            while queue.isEmpty && !closed { condition.wait() }
            if queue.isEmpty && closed {
                finished = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let batch = queue.removeFirst()
            condition.unlock()
            var files = MemoryFiles()
            for entry in batch.entries { files.add(entry.name, entry.bytes) }
            var extraction = Extraction()
            for (index, analyzer) in analyzers.enumerated() {
                let names = batch.entries.filter { $0.analyzers.contains(index) }.map(\.name)
                guard !names.isEmpty else { continue }
                extraction += analyzer.analyze(Container(kind: .archive, location: batch.location, entries: names, files: files))
            }
            condition.lock()
            result += extraction
            pendingBytes -= batch.byteCount
            condition.broadcast()
            condition.unlock()
        }
    }
}

/// What the workers of one outer zip share: who reads which entry, how many archives were opened,
/// and (per worker) the outer entries it read, for the coordinator to analyse together.
final class ParallelShare: @unchecked Sendable {
    let worker: Int
    private let claims: ClaimSet
    private let nested: SharedCounter
    /// Written by this share's worker only, read by the coordinator after the workers are done.
    var held: (wanted: [[String]], files: MemoryFiles, called: [Bool])?
    var order: [String: Int] = [:]

    init(worker: Int, claims: ClaimSet, nested: SharedCounter) {
        self.worker = worker
        self.claims = claims
        self.nested = nested
    }

    func claim(_ ordinal: Int) -> Bool { claims.claim(ordinal) }
    /// Archives opened across all workers, this one included (the `--max-archives` limit is per input).
    func countNestedArchive() -> Int { nested.increment() }
}

/// Entries by their ordinal in the archive: the first worker to ask gets each one.
final class ClaimSet: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 1
    private var taken = Set<Int>()

    func claim(_ ordinal: Int) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        // Workers meet entries in the same order, so most claims are for `next`; the set holds the rest.
        if ordinal < next { return false }
        if ordinal == next {
            next += 1
            while taken.remove(next) != nil { next += 1 }
            return true
        }
        return taken.insert(ordinal).inserted
    }
}
