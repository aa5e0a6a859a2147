import Foundation
import FnauditModel

/// The secret rules as one analyzer: every text file of a tree and every text entry of an archive,
/// at any depth, in the walk's single pass (it asks for entries by name, like the package
/// extractors, so an entry both want is inflated once).
///
/// Per file: files over `maxFileBytes` and binaries (a NUL in the first 8 KiB) are skipped; every
/// rule's keywords are found in one pass over the bytes (`KeywordTable`); a rule's regex runs
/// anchored at each of its keyword hits (after a byte-level test for the generic rule), on a window
/// from there; each candidate passes `SecretChecks`; the value is turned into `redacted` and
/// `fingerprint` here and dropped, so no secret leaves this type.
public struct SecretScanner: Analyzer {
    public let rules: [SecretRule]
    public let fingerprinter: any SecretFingerprinter
    /// Larger files are not read for secrets (2 MiB by default).
    public let maxFileBytes: Int
    private let keywords: KeywordTable

    public init(rules: [SecretRule] = SecretRule.builtIn, fingerprinter: any SecretFingerprinter, maxFileBytes: Int = 2 << 20) {
        self.rules = rules
        self.fingerprinter = fingerprinter
        self.maxFileBytes = maxFileBytes
        keywords = KeywordTable(rules)
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

    /// Each file is read on its own: archives hand entries over while they are still being read.
    public var readsEntriesAlone: Bool { true }

    public func analyze(_ container: Container) -> Extraction {
        let results = parallelMap(container.entries.count, chunk: 4) { i -> [SecretFinding] in
            let path = container.entries[i]
            guard let bytes = try? container.files.read(path, atMost: maxFileBytes) else { return [] }
            return scan(bytes, path: path, location: container.location(of: path))
        }
        return Extraction(secrets: results.flatMap { $0 })
    }

    /// The secrets in one file's bytes, reported at `location` (its line set per secret).
    public func scan(_ bytes: [UInt8], path: String, location: Location) -> [SecretFinding] {
        guard !bytes.isEmpty, bytes.count <= maxFileBytes, !bytes.prefix(8192).contains(0) else { return [] }
        let lowered = SecretScanner.asciiLowercased(bytes)
        let hits = keywords.hits(bytes, lowered, ruleCount: rules.count)
        var accepted: [(range: Range<Int>, finding: SecretFinding)] = []
        let documentation = SecretChecks.isDocumentation(path)
        let code = SecretChecks.isCode(PathName.base(path))
        for (index, rule) in rules.enumerated() where !hits[index].isEmpty {
            if documentation && rule.checks.contains(.skipDocs) { continue }
            var covered = 0
            for (hit, length) in hits[index] where hit >= covered {
                if rule.startsAtWordBoundary, hit > 0, SecretScanner.isWordByte(bytes[hit - 1]), SecretScanner.isWordByte(bytes[hit]) { continue }
                if rule.checks.contains(.generic) {
                    // In code only a quoted literal is a value (`token = options.token` is not).
                    guard let value = SecretScanner.assignedValue(lowered, at: hit + length),
                          !code || SecretScanner.isQuote(lowered[value]),
                          SecretScanner.genericValueIsLongEnough(lowered, at: value),
                          SecretScanner.nameStandsAlone(bytes, keywordAt: hit) else { continue }
                }
                if rule.checks.contains(.lineStart), !SecretScanner.startsLineOrFollowsColon(bytes, at: hit) { continue }
                if let end = match(rule, in: bytes, at: hit, path: path, location: location, into: &accepted) { covered = end }
            }
        }
        return accepted.map(\.finding).sorted { ($0.location.line ?? 0, $0.rule) < ($1.location.line ?? 0, $1.rule) }
    }

    /// Runs `rule`'s regex anchored at a keyword hit, on the text from just before it to the rule's
    /// window past it (the keyword's line for single-line rules); returns where a reported match ended.
    private func match(_ rule: SecretRule, in bytes: [UInt8], at hit: Int, path: String, location: Location,
                       into accepted: inout [(range: Range<Int>, finding: SecretFinding)]) -> Int? {
        // The byte before the hit comes too, so `\b` sees what precedes the keyword.
        var windowStart = hit
        if hit > 0 {
            windowStart -= 1
            while windowStart > 0, bytes[windowStart] & 0xC0 == 0x80 { windowStart -= 1 }   // a whole UTF-8 character
        }
        let ceiling = min(bytes.count, hit + rule.window)
        var end = hit
        if rule.window > 1024 {
            end = ceiling
        } else {
            while end < ceiling, bytes[end] != 0x0A { end += 1 }
        }
        let text = String(decoding: bytes[windowStart..<end], as: UTF8.self)
        let ns = text as NSString
        let lead = (String(decoding: bytes[windowStart..<hit], as: UTF8.self) as NSString).length
        guard lead <= ns.length,
              let result = rule.regex.value?.firstMatch(in: text, options: [.anchored, .withTransparentBounds],
                                                       range: NSRange(location: lead, length: ns.length - lead)),
              let group = rule.groups.first(where: { result.range(at: $0).location != NSNotFound }) else { return nil }
        let valueRange = result.range(at: group)
        let value = ns.substring(with: valueRange)
        var key: String?
        if rule.checks.contains(.generic) {
            key = SecretScanner.assignmentName(bytes, keywordAt: hit, matched: ns.substring(with: NSRange(location: lead, length: valueRange.location - lead)))
        }
        // The generic rule's first group is a quoted value, its second an unquoted one.
        let quoted = group == rule.groups.first && rule.groups.count > 1
        guard let secret = SecretChecks.accepts(rule, value: value, key: key, quoted: quoted, path: path) else { return nil }
        let start = windowStart + ns.substring(to: valueRange.location).utf8.count
        let range = start..<(start + max(1, value.utf8.count))
        if accepted.contains(where: { $0.range.overlaps(range) }) { return nil }
        var here = location
        here.line = SecretScanner.line(of: start, in: bytes)
        accepted.append((range, SecretFinding(rule: rule.id, title: rule.title, severity: rule.severity, location: here,
                                              redacted: SecretFinding.redact(secret),
                                              fingerprint: fingerprinter.fingerprint(rule: rule.id, value: secret))))
        return windowStart + ns.substring(to: result.range.location + result.range.length).utf8.count
    }

    static func asciiLowercased(_ bytes: [UInt8]) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: bytes.count) { out, count in
            bytes.withUnsafeBufferPointer { input in
                for i in 0..<input.count {
                    let byte = input[i]
                    out[i] = byte &- 0x41 < 26 ? byte | 0x20 : byte
                }
            }
            count = bytes.count
        }
    }

    /// After a credential word: `"`/`'`, blanks, then `=`, `:`, `:=` or `=>` — a byte test before the
    /// generic regex, which most occurrences of "token" in code fail (`options.token;`, `tokens`).
    /// Where the value starts, or nil when no assignment follows.
    static func assignedValue(_ lowered: [UInt8], at position: Int) -> Int? {
        var i = position
        if i < lowered.count, lowered[i] == UInt8(ascii: "s") { i += 1 }   // credentials
        if i < lowered.count, lowered[i] == UInt8(ascii: "\"") || lowered[i] == UInt8(ascii: "'") { i += 1 }
        while i < lowered.count, lowered[i] == 0x20 || lowered[i] == 0x09 { i += 1 }
        guard i < lowered.count, lowered[i] == UInt8(ascii: "=") || lowered[i] == UInt8(ascii: ":") else { return nil }
        i += 1
        if i < lowered.count, lowered[i] == UInt8(ascii: "=") || lowered[i] == UInt8(ascii: ">") { i += 1 }   // :=, =>
        while i < lowered.count, lowered[i] == 0x20 || lowered[i] == 0x09 { i += 1 }
        return i < lowered.count ? i : nil
    }

    static func isQuote(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") || byte == UInt8(ascii: "`")
    }

    /// `\w` for an ASCII byte.
    static func isWordByte(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == 0x5F
    }

    /// The generic rule's value is at least 12 characters: inside quotes, anything but a quote or a
    /// blank; unquoted, its own character class. Counted in bytes, which are never fewer than the
    /// characters the regex counts, so a value this rejects the regex would reject too
    /// (SecretPretestTests holds it to the regex).
    static func genericValueIsLongEnough(_ lowered: [UInt8], at value: Int) -> Bool {
        var i = value, run = 0
        // The regex may also take `:=`'s or `==`'s second `=` as the value's first character.
        if !isQuote(lowered[i]), i > 0, lowered[i - 1] == UInt8(ascii: "=") { i -= 1 }
        if isQuote(lowered[i]) {
            i += 1
            while i < lowered.count, run < 12, !isQuote(lowered[i]), !(0x09...0x0D).contains(lowered[i]), lowered[i] != 0x20 { i += 1; run += 1 }
        } else {
            while i < lowered.count, run < 12, isWordByte(lowered[i]) || genericUnquoted.contains(lowered[i]) { i += 1; run += 1 }
        }
        return run >= 12
    }

    /// The generic rule's unquoted value characters besides `\w`: `+/=-.~!@#%^&*`.
    private static let genericUnquoted: Set<UInt8> = Set("+/=-.~!@#%^&*".utf8)

    /// `.npmrc` keys: at the start of a line (after blanks) or right after `:` (`//host/:_authToken`).
    static func startsLineOrFollowsColon(_ bytes: [UInt8], at position: Int) -> Bool {
        var i = position - 1
        if i >= 0, bytes[i] == UInt8(ascii: ":") { return true }
        while i >= 0, bytes[i] == 0x20 || bytes[i] == 0x09 { i -= 1 }
        return i < 0 || bytes[i] == 0x0A || bytes[i] == 0x0D
    }

    /// The whole assignment name a generic match's keyword ends (`DB_PASSWORD`, `NextToken`): the
    /// name characters before the keyword, then the keyword as matched.
    static func assignmentName(_ bytes: [UInt8], keywordAt hit: Int, matched: String) -> String {
        var i = hit
        while i > 0, hit - i < 40, isNameByte(bytes[i - 1]) { i -= 1 }
        let keyword = matched.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
        return String(decoding: bytes[i..<hit], as: UTF8.self) + keyword
    }

    /// The assignment name starts a line or follows a blank, a quote, `{`, `,`, `(`, `;` or `$`:
    /// not `AWS::IAM::AccessKey` (a type name) or `x/token`.
    static func nameStandsAlone(_ bytes: [UInt8], keywordAt hit: Int) -> Bool {
        var i = hit
        while i > 0, hit - i < 40, isNameByte(bytes[i - 1]) { i -= 1 }
        guard i > 0 else { return true }
        return [0x20, 0x09, 0x0A, 0x0D, 0x22, 0x27, 0x60, 0x7B, 0x2C, 0x28, 0x3B, 0x24].contains(bytes[i - 1])
    }

    static func isNameByte(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == 0x5F || byte == 0x2D || byte == 0x2E
    }

    /// The 1-based line of a byte offset.
    static func line(of offset: Int, in bytes: [UInt8]) -> Int {
        var line = 1
        for byte in bytes[..<min(offset, bytes.count)] where byte == 0x0A { line += 1 }
        return line
    }
}

/// Every rule's keywords, found in one pass over a file: a filter on each position's next three
/// (lower-cased) bytes, then a table from the first two to the keywords that start with them,
/// compared in full only there. Flat arrays, so the inner loop touches no reference counts.
struct KeywordTable: Sendable {
    /// All keywords' lower-cased bytes, then (for case-sensitive ones) their bytes as written, back to back.
    private var lowered: [UInt8] = []
    private var exact: [UInt8] = []
    private var offset: [Int] = []
    private var length: [Int] = []
    private var caseSensitive: [Bool] = []
    private var rules: [[Int]] = []
    /// CSR layout: the keywords starting with byte pair p are `index[start[p]..<start[p + 1]]`.
    private var start: [Int32] = []
    private var index: [Int] = []
    /// Which three-byte prefixes start a keyword, hashed into 64 Ki bits (8 KiB, in L1): about one
    /// position in 200 of real code passes, against one in 18 for a filter on two bytes. A two-byte
    /// keyword sets the bits of every third byte (a file's last position sees a zero byte there).
    private var tripleBits = [UInt64](repeating: 0, count: 1024)
    /// Hits kept per keyword and file (a file of ten thousand "token"s is not worth more).
    static let limit = 4096

    init(_ secretRules: [SecretRule]) {
        var byText: [String: Int] = [:]
        for (ruleIndex, rule) in secretRules.enumerated() {
            for keyword in rule.keywords where keyword.utf8.count >= 2 {
                let sensitive = keyword.contains { $0.isUppercase }
                let text = sensitive ? keyword : keyword.lowercased()
                if let existing = byText[text] {
                    rules[existing].append(ruleIndex)
                    continue
                }
                byText[text] = rules.count
                offset.append(lowered.count)
                length.append(text.utf8.count)
                caseSensitive.append(sensitive)
                lowered += Array(text.lowercased().utf8)
                exact += Array(text.utf8)
                rules.append([ruleIndex])
            }
        }
        var buckets: [Int: [Int]] = [:]
        for k in rules.indices {
            let first = Int(lowered[offset[k]]) << 8 | Int(lowered[offset[k] + 1])
            buckets[first, default: []].append(k)
            let thirds = length[k] >= 3 ? [Int(lowered[offset[k] + 2])] : Array(0..<256)
            for third in thirds {
                let bit = KeywordTable.hash(first << 8 | third)
                tripleBits[bit >> 6] |= 1 << UInt64(bit & 63)
            }
        }
        start = [Int32](repeating: 0, count: 65_537)
        for pair in 0..<65_536 {
            if let bucket = buckets[pair] { index += bucket }
            start[pair + 1] = Int32(index.count)
        }
    }

    /// Three bytes (as 0x00aabbcc) to one of 64 Ki bits: Fibonacci hashing.
    @inline(__always)
    private static func hash(_ triple: Int) -> Int {
        Int(truncatingIfNeeded: (UInt32(truncatingIfNeeded: triple) &* 0x9E37_79B1) >> 16)
    }

    /// For each rule, the (offset, length) of its keywords' occurrences, in file order.
    func hits(_ bytes: [UInt8], _ text: [UInt8], ruleCount: Int) -> [[(Int, Int)]] {
        var result = Array(repeating: [(Int, Int)](), count: ruleCount)
        var counts = Array(repeating: 0, count: rules.count)
        let n = text.count
        guard n >= 2 else { return result }
        var found: [(keyword: Int, at: Int)] = []
        text.withUnsafeBufferPointer { low in
            bytes.withUnsafeBufferPointer { raw in
                start.withUnsafeBufferPointer { start in
                    index.withUnsafeBufferPointer { index in
                        lowered.withUnsafeBufferPointer { kLow in
                            exact.withUnsafeBufferPointer { kExact in
                                offset.withUnsafeBufferPointer { offset in
                                    length.withUnsafeBufferPointer { length in
                                        caseSensitive.withUnsafeBufferPointer { sensitive in
                                            counts.withUnsafeMutableBufferPointer { counts in
                                              tripleBits.withUnsafeBufferPointer { tripleBits in
                                                var triple = Int(low[0]) << 8 | Int(low[1])
                                                for i in 0..<(n - 1) {
                                                    triple = (triple << 8 | (i + 2 < n ? Int(low[i + 2]) : 0)) & 0xFF_FFFF
                                                    let bit = KeywordTable.hash(triple)
                                                    if tripleBits[bit >> 6] & (1 << UInt64(bit & 63)) == 0 { continue }
                                                    let pair = triple >> 8
                                                    let from = Int(start[pair]), to = Int(start[pair + 1])
                                                    if from == to { continue }
                                                    for slot in from..<to {
                                                        let k = index[slot]
                                                        let count = length[k], base = offset[k]
                                                        guard i + count <= n, counts[k] < KeywordTable.limit else { continue }
                                                        var same = true
                                                        if sensitive[k] {
                                                            for j in 0..<count where raw[i + j] != kExact[base + j] { same = false; break }
                                                        } else {
                                                            for j in 2..<count where low[i + j] != kLow[base + j] { same = false; break }
                                                        }
                                                        if same {
                                                            counts[k] += 1
                                                            found.append((k, i))
                                                        }
                                                    }
                                                }
                                              }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        for (k, at) in found {
            for rule in rules[k] { result[rule].append((at, length[k])) }
        }
        return result
    }
}
