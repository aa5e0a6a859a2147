import Crypto
import Foundation
import FnauditArchive
import FnauditAdvisory
import FnauditModel

/// One OSV document read from an export, with where it came from.
public struct OSVDocument: Sendable {
    public var source: String
    /// The entry inside a zip, or nil for a loose JSON file.
    public var entry: String?
    public var bytes: [UInt8]

    public var displayName: String { entry.map { "\(source)!/\($0)" } ?? source }
}

/// A problem with one file or record of an export; the rest of the export still imports.
public struct ImportProblem: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var message: String
    public var description: String { "\(file): \(message)" }
}

/// Reads OSV exports: osv.dev's `all.zip`, a folder of `*.json` (at any depth, zips included),
/// or a single record — streamed in batches, so an export of any size is never held whole.
public enum OSVSource {
    /// Largest record accepted: real records are a few KiB; the longest GHSA ones are ~1 MiB.
    public static let maxRecordBytes = 32 << 20

    /// Hands `body` the documents of every input, `batchSize` at a time (zips are read entry by
    /// entry from disk). Unreadable files and entries become problems; the rest goes on.
    public static func stream(_ inputs: [String], batchSize: Int, sources: inout [SourceFile], problems: inout [ImportProblem],
                              _ body: ([OSVDocument]) throws -> Void) throws {
        var batch: [OSVDocument] = []
        func add(_ document: OSVDocument) throws {
            batch.append(document)
            if batch.count >= batchSize {
                try body(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        for path in inputs {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                problems.append(ImportProblem(file: path, message: "no such file or directory"))
                continue
            }
            let files = isDirectory.boolValue ? jsonAndZipFiles(under: path) : [path]
            if isDirectory.boolValue && files.isEmpty {
                problems.append(ImportProblem(file: path, message: "no *.json or *.zip files in this folder"))
            }
            for file in files {
                try readFile(file, sources: &sources, problems: &problems, add)
            }
        }
        if !batch.isEmpty { try body(batch) }
    }

    static func jsonAndZipFiles(under root: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var found: [String] = []
        while let relative = walker.nextObject() as? String {
            let lower = relative.lowercased()
            if lower.hasSuffix(".json") || lower.hasSuffix(".zip") {
                found.append((root as NSString).appendingPathComponent(relative))
            }
        }
        return found.sorted()
    }

    static func readFile(_ path: String, sources: inout [SourceFile], problems: inout [ImportProblem],
                         _ add: (OSVDocument) throws -> Void) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            problems.append(ImportProblem(file: path, message: "cannot be read"))
            return
        }
        let head = [UInt8]((try? handle.read(upToCount: 2)) ?? Data())
        try? handle.close()
        guard let digest = sha256Hex(ofFile: path) else {
            problems.append(ImportProblem(file: path, message: "cannot be read"))
            return
        }
        var records = 0
        if head == [0x50, 0x4B] {
            // A zip: one OSV record per entry, as osv.dev publishes them, read from disk entry by entry.
            do {
                let reader = try ArchiveReader(path: path)
                while let entry = try reader.nextEntry() {
                    guard entry.kind == .file else { continue }
                    guard let name = entry.name else {
                        problems.append(ImportProblem(file: path, message: "an entry whose name is not valid text was skipped"))
                        continue
                    }
                    guard name.lowercased().hasSuffix(".json") else { continue }
                    do {
                        let content = try reader.readEntry(limit: maxRecordBytes)
                        try add(OSVDocument(source: path, entry: name, bytes: content))
                        records += 1
                    } catch let error as ArchiveReader.ReadFailure {
                        problems.append(ImportProblem(file: "\(path)!/\(name)", message: "\(error)"))
                    }
                }
            } catch let error as ArchiveError {
                problems.append(ImportProblem(file: path, message: "damaged zip: \(error)"))
            }
        } else if let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil, size > maxRecordBytes {
            problems.append(ImportProblem(file: path, message: "larger than \(maxRecordBytes) bytes: not an OSV record"))
        } else if let data = FileManager.default.contents(atPath: path) {
            try add(OSVDocument(source: path, entry: nil, bytes: [UInt8](data)))
            records += 1
        } else {
            problems.append(ImportProblem(file: path, message: "cannot be read"))
        }
        sources.append(SourceFile(name: path, ecosystem: nil, sha256: digest, records: records))
    }

    public static func sha256(_ bytes: [UInt8]) -> Data {
        Data(SHA256.hash(data: bytes))
    }

    /// The file's SHA-256, read 1 MiB at a time.
    static func sha256Hex(ofFile path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
