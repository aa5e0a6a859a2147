import Foundation
import FnauditModel

/// The secret rules as one analyzer: every text file of a tree and every text entry of an archive,
/// at any depth, in the walk's single pass (it asks for entries by name, like the package
/// extractors, so an entry both want is inflated once).
///
/// Per file: files over `maxFileBytes` and binaries (a NUL in the first 8 KiB) are skipped; each
/// rule's keywords are searched on the bytes (`memmem`, on an ASCII-lower-cased copy for
/// case-insensitive ones); a rule's regex runs only on windows around its keyword hits; each
/// candidate passes `SecretChecks`; the value is turned into `redacted` and `fingerprint` here and
/// dropped, so no secret leaves this type.
public struct SecretScanner: Analyzer {
    public let rules: [SecretRule]
    public let fingerprinter: any SecretFingerprinter
    /// Larger files are not read for secrets (2 MiB by default).
    public let maxFileBytes: Int
    private let keywords: [Keyword]

    struct Keyword: Sendable {
        var bytes: [UInt8]
        var caseSensitive: Bool
        var rules: [Int]
    }

    public init(rules: [SecretRule] = SecretRule.builtIn, fingerprinter: any SecretFingerprinter, maxFileBytes: Int = 2 << 20) {
        self.rules = rules
        self.fingerprinter = fingerprinter
        self.maxFileBytes = maxFileBytes
        var byText: [String: Keyword] = [:]
        var order: [String] = []
        for (index, rule) in rules.enumerated() {
            for keyword in rule.keywords {
                let caseSensitive = keyword.contains { $0.isUppercase }
                let text = caseSensitive ? keyword : keyword.lowercased()
                if byText[text] == nil {
                    byText[text] = Keyword(bytes: Array(text.utf8), caseSensitive: caseSensitive, rules: [])
                    order.append(text)
                }
                byText[text]?.rules.append(index)
            }
        }
        keywords = order.compactMap { byText[$0] }
    }

    /// File types that are never text (or are archives, which the walk opens itself).
    static let binaryExtensions: Set<String> = [
        "png", "jpg", "jpeg", "gif", "bmp", "ico", "icns", "webp", "tif", "tiff", "psd", "avif", "heic",
        "woff", "woff2", "ttf", "otf", "eot", "class", "pyc", "pyo", "so", "dylib", "dll", "exe", "o", "a", "lib", "obj",
        "node", "wasm", "bin", "dex", "mp3", "mp4", "m4a", "wav", "ogg", "flac", "avi", "mov", "mkv", "webm", "pdf",
        "sqlite", "sqlite3", "db", "gz", "bz2", "xz", "zst", "zip", "jar", "war", "ear", "whl", "egg", "tgz", "tar",
        "7z", "rar", "lz4", "br", "nupkg", "apk", "aar", "jmod", "pack", "idx", "ser", "npy", "parquet", "onnx", "pt",
    ]

    public func wants(_ entry: EntryInfo) -> Bool {
        if let size = entry.size, size <= 0 || size > Int64(maxFileBytes) { return false }
        let base = PathName.base(entry.path)
        guard let dot = base.utf8.lastIndex(of: UInt8(ascii: ".")) else { return true }
        let ext = base[base.index(after: dot)...]
        guard ext.utf8.count <= 8 else { return true }
        return !SecretScanner.binaryExtensions.contains(ext.lowercased())
    }

    public func analyze(_ container: Container) -> Extraction {
        let results = parallelMap(container.entries.count, chunk: 4) { i -> [SecretFinding] in
            let path = container.entries[i]
            guard let bytes = try? container.files.read(path) else { return [] }
            return scan(bytes, path: path, location: container.location(of: path))
        }
        return Extraction(secrets: results.flatMap { $0 })
    }

    /// The secrets in one file's bytes, reported at `location` (its line set per secret).
    public func scan(_ bytes: [UInt8], path: String, location: Location) -> [SecretFinding] {
        guard !bytes.isEmpty, bytes.count <= maxFileBytes, !bytes.prefix(8192).contains(0) else { return [] }
        let lowered = bytes.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }
        var hits = Array(repeating: [Int](), count: rules.count)
        for keyword in keywords {
            let found = SecretScanner.occurrences(of: keyword.bytes, in: keyword.caseSensitive ? bytes : lowered, limit: 4096)
            guard !found.isEmpty else { continue }
            for rule in keyword.rules { hits[rule] += found }
        }
        var accepted: [(range: Range<Int>, finding: SecretFinding)] = []
        let documentation = SecretChecks.isDocumentation(path)
        for (index, rule) in rules.enumerated() where !hits[index].isEmpty {
            if documentation && rule.checks.contains(.skipDocs) { continue }
            for window in SecretScanner.windows(hits[index], in: bytes, forward: rule.window) {
                match(rule, in: bytes, window: window, path: path, location: location, into: &accepted)
            }
        }
        return accepted.map(\.finding).sorted { ($0.location.line ?? 0, $0.rule) < ($1.location.line ?? 0, $1.rule) }
    }

    private func match(_ rule: SecretRule, in bytes: [UInt8], window: Range<Int>, path: String, location: Location,
                       into accepted: inout [(range: Range<Int>, finding: SecretFinding)]) {
        let text = String(decoding: bytes[window], as: UTF8.self)
        let ns = text as NSString
        for result in rule.regex.value.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
            guard let group = rule.groups.first(where: { result.range(at: $0).location != NSNotFound }) else { continue }
            let valueRange = result.range(at: group)
            let value = ns.substring(with: valueRange)
            var key: String?
            if rule.checks.contains(.generic), result.numberOfRanges > 1, result.range(at: 1).location != NSNotFound {
                key = ns.substring(with: result.range(at: 1))
            }
            // The generic rule's group 2 is a quoted value, group 3 an unquoted one.
            let quoted = group == rule.groups.first && rule.groups.count > 1
            guard let secret = SecretChecks.accepts(rule, value: value, key: key, quoted: quoted, path: path) else { continue }
            let prefix = ns.substring(to: valueRange.location)
            let start = window.lowerBound + prefix.utf8.count
            let range = start..<(start + max(1, value.utf8.count))
            if accepted.contains(where: { $0.range.overlaps(range) }) { continue }
            var here = location
            here.line = SecretScanner.line(of: start, in: bytes)
            accepted.append((range, SecretFinding(rule: rule.id, title: rule.title, severity: rule.severity, location: here,
                                                  redacted: SecretFinding.redact(secret),
                                                  fingerprint: fingerprinter.fingerprint(rule: rule.id, value: secret))))
        }
    }

    /// Offsets of `needle` in `haystack`, at most `limit` of them (`memchr` for the first byte, then `memcmp`).
    static func occurrences(of needle: [UInt8], in haystack: [UInt8], limit: Int) -> [Int] {
        var found: [Int] = []
        haystack.withUnsafeBytes { hay in
            needle.withUnsafeBytes { pin in
                guard let base = hay.baseAddress, let pinBase = pin.baseAddress, pin.count > 0, hay.count >= pin.count else { return }
                let first = Int32(pin[0])
                let last = hay.count - pin.count
                var offset = 0
                while offset <= last, found.count < limit,
                      let hit = memchr(base + offset, first, last - offset + 1) {
                    let position = base.distance(to: UnsafeRawPointer(hit))
                    if memcmp(base + position, pinBase, pin.count) == 0 { found.append(position) }
                    offset = position + 1
                }
            }
        }
        return found
    }

    /// Where a rule's regex runs: from up to 256 bytes before each keyword (never before its line)
    /// to `forward` bytes after it (never past its line for single-line rules), merged.
    static func windows(_ hits: [Int], in bytes: [UInt8], forward: Int) -> [Range<Int>] {
        let multiLine = forward > 1024
        var ranges: [Range<Int>] = []
        for hit in hits.sorted() {
            var start = hit
            let floor = max(0, hit - 256)
            while start > floor, bytes[start - 1] != 0x0A { start -= 1 }
            var end = hit
            let ceiling = min(bytes.count, hit + forward)
            while end < ceiling, multiLine || bytes[end] != 0x0A { end += 1 }
            if let last = ranges.last, start <= last.upperBound {
                ranges[ranges.count - 1] = last.lowerBound..<max(last.upperBound, end)
            } else {
                ranges.append(start..<end)
            }
        }
        return ranges
    }

    /// The 1-based line of a byte offset.
    static func line(of offset: Int, in bytes: [UInt8]) -> Int {
        var line = 1
        for byte in bytes[..<min(offset, bytes.count)] where byte == 0x0A { line += 1 }
        return line
    }
}
