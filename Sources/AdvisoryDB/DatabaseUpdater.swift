import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import FnauditAdvisory
import FnauditArchive
import FnauditModel

/// `fnaudit db update`: fetches osv.dev's exports (or a mirror's, same layout:
/// `<base>/<Ecosystem>/all.zip`, `<base>/<Ecosystem>/modified_id.csv`, `<base>/<Ecosystem>/<ID>.json`)
/// and imports them with the same atomic swap as `db import`. The only code in fnaudit that
/// touches the network, and only when asked.
public enum DatabaseUpdater {
    public static let osvBase = "https://osv-vulnerabilities.storage.googleapis.com"

    public struct Options: Sendable {
        public var base: String = DatabaseUpdater.osvBase
        public var ecosystems: [Ecosystem] = Ecosystem.allCases
        /// Above this many changed records, the whole export is cheaper than one request each.
        public var maxIncremental = 2_000
        public var timeout: TimeInterval = 300
        public init() {}
    }

    public struct Outcome: Sendable {
        public var refresh: RefreshSummary?
        /// Every URL fetched, in order, with what came of it.
        public var fetched: [String] = []
        /// Ecosystems that could not be updated, with the reason; the others were.
        public var failures: [(ecosystem: Ecosystem, reason: String)] = []
        /// How each ecosystem was brought up to date (`whole export`, `12 changed records`, `up to date`).
        public var methods: [(ecosystem: Ecosystem, method: String)] = []
    }

    public static func update(databasePath: String, options: Options, progress: ProgressHandler? = nil,
                              log: (String) -> Void = { _ in }) throws -> Outcome {
        var outcome = Outcome()
        let base = options.base.hasSuffix("/") ? String(options.base.dropLast()) : options.base
        let directory = (databasePath as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory.isEmpty ? "." : directory, withIntermediateDirectories: true)
        let work = (directory.isEmpty ? "." : directory) + "/.fnaudit-update-\(getpid())"
        try? FileManager.default.removeItem(atPath: work)
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }

        let local = (try? AdvisoryStore(path: databasePath).provenance().ecosystems) ?? []
        var inputs: [String] = []
        for ecosystem in options.ecosystems {
            let folder = "\(base)/\(ecosystem.rawValue.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? ecosystem.rawValue)"
            do {
                // Incremental when the local data is known and little changed since.
                if let newest = local.first(where: { $0.ecosystem == ecosystem.rawValue })?.newestModified {
                    let csv = try fetch("\(folder)/modified_id.csv", timeout: options.timeout, into: nil, outcome: &outcome, log: log)
                    let changed = ModifiedIDs.newer(than: newest, in: String(decoding: csv, as: UTF8.self))
                    if changed.isEmpty {
                        outcome.methods.append((ecosystem, "up to date"))
                        continue
                    }
                    if changed.count <= options.maxIncremental {
                        let target = "\(work)/\(ecosystem.rawValue)-changed"
                        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
                        for (index, id) in changed.enumerated() {
                            progress?("fetching \(ecosystem.rawValue)", index, changed.count)
                            let escaped = id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? id
                            _ = try fetch("\(folder)/\(escaped).json", timeout: options.timeout, into: "\(target)/\(id).json",
                                          outcome: &outcome, log: log)
                        }
                        inputs.append(target)
                        outcome.methods.append((ecosystem, "\(changed.count) changed record\(changed.count == 1 ? "" : "s")"))
                        continue
                    }
                }
                let zip = "\(work)/\(ecosystem.rawValue)-all.zip"
                _ = try fetch("\(folder)/all.zip", timeout: options.timeout, into: zip, outcome: &outcome, log: log)
                try verifyZip(zip)
                inputs.append(zip)
                outcome.methods.append((ecosystem, "whole export"))
            } catch {
                outcome.failures.append((ecosystem, "\(error)"))
            }
        }
        if !inputs.isEmpty {
            if !FileManager.default.fileExists(atPath: databasePath) {
                outcome.refresh = try DatabaseRefresher.build(databasePath: databasePath, inputs: inputs, progress: progress)
            } else {
                outcome.refresh = try DatabaseRefresher.importExports(databasePath: databasePath, inputs: inputs, progress: progress)
            }
        }
        return outcome
    }

    /// Reads every entry of a downloaded zip: a truncated or damaged download is refused whole,
    /// before any of it reaches the database.
    static func verifyZip(_ path: String) throws {
        var entries = 0
        do {
            let reader = try ArchiveReader(path: path)
            while try reader.nextEntry() != nil {
                _ = try reader.readEntry(limit: OSVSource.maxRecordBytes)
                entries += 1
            }
        } catch {
            throw RefreshError("the downloaded all.zip is damaged or truncated (\(error)): nothing of it was imported")
        }
        let tail = FileHandle(forReadingAtPath: path).map { handle -> [UInt8] in
            defer { try? handle.close() }
            let size = (try? handle.seekToEnd()) ?? 0
            try? handle.seek(toOffset: size > 66_000 ? size - 66_000 : 0)
            return [UInt8]((try? handle.readToEnd()) ?? Data())
        } ?? []
        guard entries > 0, ArchiveReader.zipHasCentralDirectory(tail: tail) else {
            throw RefreshError("the downloaded all.zip is damaged or truncated (\(entries) entries readable): nothing of it was imported")
        }
    }

    /// GETs `url`, into a file (`into`) or memory; a status other than 200 is an error naming it.
    static func fetch(_ url: String, timeout: TimeInterval, into file: String?, outcome: inout Outcome,
                      log: (String) -> Void) throws -> [UInt8] {
        guard let address = URL(string: url), let scheme = address.scheme, ["http", "https"].contains(scheme) else {
            throw RefreshError("not an http(s) URL: \(url)")
        }
        var request = URLRequest(url: address)
        request.timeoutInterval = timeout
        let result = Fetch(request: request, file: file).run()
        switch result {
        case .failure(let reason):
            outcome.fetched.append("\(url): \(reason)")
            log("\(url): \(reason)")
            throw RefreshError("\(url): \(reason)")
        case .success(let bytes, let size):
            outcome.fetched.append("\(url): \(size) bytes")
            log("fetched \(url) (\(size) bytes)")
            return bytes
        }
    }
}

/// One synchronous download (a command-line tool has nothing else to do meanwhile).
private final class Fetch: @unchecked Sendable {
    enum Result { case success([UInt8], Int), failure(String) }
    private let request: URLRequest
    private let file: String?
    private var result: Result = .failure("no answer")
    private let done = DispatchSemaphore(value: 0)

    init(request: URLRequest, file: String?) {
        self.request = request
        self.file = file
    }

    func run() -> Result {
        let session = URLSession(configuration: .ephemeral)
        defer { session.finishTasksAndInvalidate() }
        if let file {
            session.downloadTask(with: request) { location, response, error in
                defer { self.done.signal() }
                if let failure = Fetch.failure(response, error) {
                    // Foundation on Linux leaves the body of a failed download (an error page) in the temporary folder.
                    if let location { try? FileManager.default.removeItem(at: location) }
                    self.result = .failure(failure)
                    return
                }
                guard let location else { self.result = .failure("no data"); return }
                do {
                    try? FileManager.default.removeItem(atPath: file)
                    try FileManager.default.moveItem(at: location, to: URL(fileURLWithPath: file))
                    let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
                    self.result = .success([], size)
                } catch {
                    self.result = .failure("cannot store the download: \(error.localizedDescription)")
                }
            }.resume()
        } else {
            session.dataTask(with: request) { data, response, error in
                defer { self.done.signal() }
                if let failure = Fetch.failure(response, error) { self.result = .failure(failure); return }
                let bytes = [UInt8](data ?? Data())
                self.result = .success(bytes, bytes.count)
            }.resume()
        }
        done.wait()
        return result
    }

    private static func failure(_ response: URLResponse?, _ error: Error?) -> String? {
        if let error { return error.localizedDescription }
        guard let http = response as? HTTPURLResponse else { return "no HTTP response" }
        return http.statusCode == 200 ? nil : "HTTP \(http.statusCode)"
    }
}

/// osv.dev's `modified_id.csv`: `<modified>,<id>` per line, newest first (a header line may lead).
enum ModifiedIDs {
    static func newer(than newest: String, in csv: String) -> [String] {
        var ids: [String] = []
        // Compared to the second: exports differ in fractional digits; a record of the same second is fetched again (harmless).
        let cutoff = newest.prefix(19)
        for line in csv.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            let fields = line.split(separator: ",", maxSplits: 1)
            guard fields.count == 2 else { continue }
            let modified = fields[0].trimmingCharacters(in: .whitespaces)
            guard modified.first?.isNumber == true else { continue }   // a header
            if modified.prefix(19) >= cutoff { ids.append(fields[1].trimmingCharacters(in: .whitespaces)) }
        }
        return ids
    }
}
