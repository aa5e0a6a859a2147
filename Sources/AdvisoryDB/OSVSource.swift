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
/// or a single record.
public enum OSVSource {
    /// Largest record accepted: real records are a few KiB; the longest GHSA ones are ~1 MiB.
    public static let maxRecordBytes = 32 << 20

    public static func read(path: String, into documents: inout [OSVDocument], sources: inout [SourceFile],
                            problems: inout [ImportProblem]) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            problems.append(ImportProblem(file: path, message: "no such file or directory"))
            return
        }
        if isDirectory.boolValue {
            let files = jsonAndZipFiles(under: path)
            if files.isEmpty {
                problems.append(ImportProblem(file: path, message: "no *.json or *.zip files in this folder"))
            }
            for file in files {
                readFile(file, into: &documents, sources: &sources, problems: &problems)
            }
        } else {
            readFile(path, into: &documents, sources: &sources, problems: &problems)
        }
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

    static func readFile(_ path: String, into documents: inout [OSVDocument], sources: inout [SourceFile],
                         problems: inout [ImportProblem]) {
        guard let data = FileManager.default.contents(atPath: path) else {
            problems.append(ImportProblem(file: path, message: "cannot be read"))
            return
        }
        let bytes = [UInt8](data)
        let digest = sha256Hex(bytes)
        let before = documents.count
        if bytes.starts(with: [0x50, 0x4B]) {
            // A zip: one OSV record per entry, as osv.dev publishes them.
            do {
                let reader = try ArchiveReader(bytes: bytes)
                while let entry = try reader.nextEntry() {
                    guard entry.kind == .file else { continue }
                    guard let name = entry.name else {
                        problems.append(ImportProblem(file: path, message: "an entry whose name is not valid text was skipped"))
                        continue
                    }
                    guard name.lowercased().hasSuffix(".json") else { continue }
                    do {
                        let content = try reader.readEntry(limit: maxRecordBytes)
                        documents.append(OSVDocument(source: path, entry: name, bytes: content))
                    } catch {
                        problems.append(ImportProblem(file: "\(path)!/\(name)", message: "\(error)"))
                    }
                }
            } catch {
                problems.append(ImportProblem(file: path, message: "damaged zip: \(error)"))
            }
        } else if bytes.count > maxRecordBytes {
            problems.append(ImportProblem(file: path, message: "larger than \(maxRecordBytes) bytes: not an OSV record"))
        } else {
            documents.append(OSVDocument(source: path, entry: nil, bytes: bytes))
        }
        sources.append(SourceFile(name: path, ecosystem: nil, sha256: digest, records: documents.count - before))
    }

    public static func sha256(_ bytes: [UInt8]) -> Data {
        Data(SHA256.hash(data: bytes))
    }

    public static func sha256Hex(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }
}
