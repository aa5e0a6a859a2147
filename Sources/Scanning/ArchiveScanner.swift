import Foundation
import FnauditArchive
import FnauditExtractors
import FnauditModel

/// Scans an archive in one streaming pass, never writing to disk.
///
/// Each entry's name decides its fate: entries some extractor wants (and Java evidence, and
/// nested archives) are read into memory within the limits; everything else is skipped, which
/// for zip means not even decompressed. Nested archives are scanned from memory as they are met,
/// so at most one of them per nesting level is held at a time.
final class ArchiveScanner: @unchecked Sendable {
    let limits: ArchiveLimits
    private let lock = NSLock()
    private var bytesRead: Int64 = 0

    init(limits: ArchiveLimits) {
        self.limits = limits
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
        do {
            let reader = try ArchiveReader(path: path)
            var entries = 0
            var result = scan(reader, location: location, depth: 1, entryCount: &entries)
            if let issue = ArchiveScanner.truncatedZip(head: ArchiveScanner.bytes(of: path, tail: false),
                                                      tail: ArchiveScanner.bytes(of: path, tail: true), location) {
                result.issues.append(issue)
            }
            return result
        } catch {
            return Extraction(issues: [ScanIssue(location: location, message: "not a readable archive: \(error)")])
        }
    }

    private func scan(_ reader: ArchiveReader, location: Location, depth: Int, entryCount: inout Int) -> Extraction {
        var result = Extraction()
        var wanted: [(name: String, extractors: [any Extractor])] = []
        var files = MemoryFiles()
        let java = JavaArchiveEvidence(archiveLocation: location)
        var lastEntry: String?
        while true {
            let entry: ArchiveEntry?
            do {
                entry = try reader.nextEntry()
            } catch {
                let place = lastEntry.map { " after entry \($0)" } ?? ""
                result.issues.append(ScanIssue(location: location, message: "damaged or truncated archive\(place): \(error)"))
                break
            }
            guard let entry else { break }
            lastEntry = entry.name
            entryCount += 1
            if entryCount > limits.entryCount {
                result.issues.append(ScanIssue(location: location, message: "more than \(limits.entryCount) entries: the rest of the archive is not read"))
                break
            }
            let name = entry.name
            var here: Location { location.appending(entry: name) }
            if EntryName.isSuspicious(name) {
                result.issues.append(ScanIssue(location: here, message: "suspicious entry name (absolute or climbing with ..): read as data, never written", severity: .warning))
            }
            let normalized = EntryName.normalized(name)
            let extractors = ExtractorRegistry.extractors(for: normalized)
            let isNested = ArchiveDetection.looksLikeArchiveName(normalized)
            let isEvidence = java.wants(normalized)
            guard !extractors.isEmpty || isNested || isEvidence else { continue }
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
            let bytes: [UInt8]
            do {
                bytes = try reader.readEntry(limit: limits.entryBytes, maxRatio: limits.compressionRatio, budget: charge)
            } catch {
                result.issues.append(ScanIssue(location: here, message: "\(error)"))
                if case ArchiveReader.ReadFailure.budget = error { break }
                continue
            }
            if isNested {
                guard depth < limits.depth else {
                    result.issues.append(ScanIssue(location: here, message: "archive nested deeper than \(limits.depth) levels: not opened"))
                    continue
                }
                do {
                    let nested = try ArchiveReader(bytes: bytes)
                    let inner = scan(nested, location: here, depth: depth + 1, entryCount: &entryCount)
                    result.packages += inner.packages
                    result.issues += inner.issues
                    if let issue = ArchiveScanner.truncatedZip(head: Array(bytes.prefix(4)), tail: Array(bytes.suffix(66_000)), here) {
                        result.issues.append(issue)
                    }
                } catch {
                    result.issues.append(ScanIssue(location: here, message: "not a readable archive: \(error)"))
                }
                continue
            }
            if isEvidence { java.record(normalized, bytes, at: here) }
            if !extractors.isEmpty {
                files.add(normalized, bytes)
                wanted.append((normalized, extractors))
            }
        }
        // Extract after the pass, so formats that refer to siblings (-r includes, parent POMs) see
        // them; on all cores, since a bundle can hold thousands of installed packages.
        let siblings = files
        let extractions = parallelMap(wanted.count) { i -> Extraction in
            let (name, extractors) = wanted[i]
            var extraction = Extraction()
            guard let bytes = siblings.contents(of: name) else { return extraction }
            let input = ExtractorInput(path: name, location: location.appending(entry: name), contents: bytes, siblings: siblings)
            Extraction.run(extractors, on: input, into: &extraction)
            return extraction
        }
        for extraction in extractions {
            result.packages += extraction.packages
            result.issues += extraction.issues
        }
        result.packages += java.packages()
        result.issues += java.issues
        return result
    }
}

extension ArchiveScanner {
    /// A zip whose end-of-central-directory record is missing was cut short.
    static func truncatedZip(head: [UInt8], tail: [UInt8], _ location: Location) -> ScanIssue? {
        guard head.starts(with: [0x50, 0x4B, 0x03, 0x04]), !ArchiveReader.zipHasCentralDirectory(tail: tail) else { return nil }
        return ScanIssue(location: location, message: "truncated or damaged zip: no end-of-central-directory record (entries were read up to the damage)")
    }

    /// The first 4 or last 66,000 bytes of a file (the EOCD record and its longest comment).
    static func bytes(of path: String, tail: Bool) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        if tail {
            let size = (try? handle.seekToEnd()) ?? 0
            try? handle.seek(toOffset: size > 66_000 ? size - 66_000 : 0)
            return [UInt8]((try? handle.readToEnd()) ?? Data())
        }
        return [UInt8]((try? handle.read(upToCount: 4)) ?? Data())
    }
}

/// Entries kept in memory during one archive's scan, readable as siblings.
struct MemoryFiles: SiblingFiles {
    private var storage: [String: [UInt8]] = [:]
    mutating func add(_ name: String, _ bytes: [UInt8]) { storage[name] = bytes }
    func contents(of path: String) -> [UInt8]? { storage[path] }
}

/// Entry names are untrusted data.
enum EntryName {
    static func isSuspicious(_ name: String) -> Bool {
        if !name.containsBytes("..") && !name.hasPrefix("/") && !name.hasPrefix("\\") && !name.containsBytes(":") { return false }
        return name.hasPrefix("/") || name.hasPrefix("\\") || name.split(separator: "/").contains("..")
            || name.split(separator: "\\").contains("..") || (name.count > 1 && name.dropFirst().hasPrefix(":"))
    }

    /// `./a//b` → `a/b`; leading slashes and `..` dropped, so matching sees a plain relative path.
    static func normalized(_ name: String) -> String {
        if !name.hasPrefix("/") && !name.hasPrefix("./") && !name.containsBytes("..") && !name.containsBytes("//")
            && !name.containsBytes("\\") && !name.containsBytes("/./") { return name }
        return name.replacingOccurrences(of: "\\", with: "/").split(separator: "/")
            .filter { $0 != "." && $0 != ".." && !$0.isEmpty }.joined(separator: "/")
    }
}

extension Extraction {
    /// Runs extractors on one input; a failing extractor becomes one error line naming the file.
    static func run(_ extractors: [any Extractor], on input: ExtractorInput, into result: inout Extraction) {
        for extractor in extractors {
            do {
                let extraction = try extractor.extract(input)
                result.packages += extraction.packages
                result.issues += extraction.issues
            } catch {
                result.issues.append(ScanIssue(location: input.location, message: "\(extractor.name): \(error)"))
            }
        }
    }
}
