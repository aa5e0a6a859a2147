import FnauditModel

/// A PyPI version, parsed and ordered exactly as Python's `packaging.version.Version` (26.x) does.
///
/// Accepted forms follow `packaging`'s regular expression, which is more lenient than PEP 440's
/// canonical form: surrounding whitespace, a leading `v`, any case, `alpha`/`beta`/`c`/`pre`/
/// `preview`/`rev`/`r` spellings, optional separators (`1.0-rc.1`), implicit post releases
/// (`1.0-1`) and implicit numbers (`1.0a` = `1.0a0`). Ordering follows `_cmpkey`: epoch, release
/// without trailing zeros, then pre/post/dev ranks, then the local segment.
public struct PEP440Version: Hashable, Sendable, CustomStringConvertible {
    public enum LocalSegment: Hashable, Sendable {
        case text([UInt8])          // lowercased
        case number(DecimalInteger)
    }

    public let epoch: DecimalInteger
    /// The release segment as written (`1.0.0`).
    public let release: [DecimalInteger]
    /// How many release numbers count for ordering: trailing zeros do not (`1.0.0` = `1`).
    let significantReleaseCount: Int
    /// dev-only = -1, a = 0, b = 1, rc = 2, none = 3.
    let preRank: Int8
    let preNumber: DecimalInteger
    let hasPost: Bool
    let postNumber: DecimalInteger
    let hasDev: Bool
    let devNumber: DecimalInteger
    public let local: [LocalSegment]?

    /// Python's `int()` refuses longer digit strings (`sys.int_info.default_max_str_digits`).
    static let maxDigits = 4300

    public var isPrerelease: Bool { preRank < 3 || hasDev }

    public var description: String {
        var text = ""
        if !epoch.isZero { text += "\(epoch)!" }
        text += release.map(\.description).joined(separator: ".")
        if preRank >= 0 && preRank <= 2 { text += ["a", "b", "rc"][Int(preRank)] + preNumber.description }
        if hasPost { text += ".post\(postNumber)" }
        if hasDev { text += ".dev\(devNumber)" }
        if let local {
            text += "+" + local.map { segment -> String in
                switch segment {
                case .text(let bytes): return String(decoding: bytes, as: UTF8.self)
                case .number(let n): return n.description
                }
            }.joined(separator: ".")
        }
        return text
    }

    /// Parses like `packaging.version.Version(text)`; nil where it raises.
    public init?(_ text: String) {
        var parser = Parser(Array(PEP440Version.trimPythonWhitespace(text).utf8))
        guard let parsed = parser.parse() else { return nil }
        self = parsed
    }

    init(epoch: DecimalInteger, release: [DecimalInteger], pre: (Int8, DecimalInteger)?,
         post: DecimalInteger?, dev: DecimalInteger?, local: [LocalSegment]?) {
        var significant = release.count
        while significant > 0, release[significant - 1].isZero { significant -= 1 }
        self.epoch = epoch
        self.release = release
        self.significantReleaseCount = significant
        if let pre {
            (preRank, preNumber) = pre
        } else {
            preRank = (post == nil && dev != nil) ? -1 : 3
            preNumber = .zero
        }
        hasPost = post != nil
        postNumber = post ?? .zero
        hasDev = dev != nil
        devNumber = dev ?? .zero
        self.local = local
    }

    public static func compare(_ a: PEP440Version, _ b: PEP440Version) -> Int {
        var c = DecimalInteger.compare(a.epoch, b.epoch)
        if c != 0 { return c }
        let n = min(a.significantReleaseCount, b.significantReleaseCount)
        for i in 0..<n {
            c = DecimalInteger.compare(a.release[i], b.release[i])
            if c != 0 { return c }
        }
        if a.significantReleaseCount != b.significantReleaseCount {
            return a.significantReleaseCount < b.significantReleaseCount ? -1 : 1
        }
        if a.preRank != b.preRank { return a.preRank < b.preRank ? -1 : 1 }
        c = DecimalInteger.compare(a.preNumber, b.preNumber)
        if c != 0 { return c }
        if a.hasPost != b.hasPost { return a.hasPost ? 1 : -1 }
        c = DecimalInteger.compare(a.postNumber, b.postNumber)
        if c != 0 { return c }
        if a.hasDev != b.hasDev { return a.hasDev ? -1 : 1 }
        c = DecimalInteger.compare(a.devNumber, b.devNumber)
        if c != 0 { return c }
        switch (a.local, b.local) {
        case (nil, nil): return 0
        case (nil, _): return -1
        case (_, nil): return 1
        case let (.some(x), .some(y)):
            for (l, r) in zip(x, y) {
                switch (l, r) {
                case let (.text(s), .text(t)):
                    if s != t { return s.lexicographicallyPrecedes(t) ? -1 : 1 }
                case let (.number(p), .number(q)):
                    c = DecimalInteger.compare(p, q)
                    if c != 0 { return c }
                case (.text, .number): return -1   // strings sort before numbers
                case (.number, .text): return 1
                }
            }
            return x.count == y.count ? 0 : (x.count < y.count ? -1 : 1)
        }
    }

    /// Python's `\s` for str patterns (`Py_UNICODE_ISSPACE`).
    static func trimPythonWhitespace(_ text: String) -> Substring {
        func isSpace(_ s: Unicode.Scalar) -> Bool {
            switch s.value {
            case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
                return true
            default:
                return false
            }
        }
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }),
              let last = scalars.lastIndex(where: { !isSpace($0) }) else { return "" }
        return Substring(scalars[first...last])
    }

    /// A hand-written matcher for `packaging`'s VERSION_PATTERN. Its optional groups are
    /// possessive (atomic), so a single left-to-right pass decides exactly what the regex decides.
    private struct Parser {
        let b: [UInt8]
        var i = 0
        init(_ bytes: [UInt8]) { b = bytes }

        var atEnd: Bool { i >= b.count }

        func lower(_ at: Int) -> UInt8? {
            guard at < b.count else { return nil }
            let c = b[at]
            return (c >= 0x41 && c <= 0x5A) ? c + 0x20 : c
        }

        /// `[._-]`, consumed when present.
        mutating func separator() -> Bool {
            guard i < b.count, b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: "_") || b[i] == UInt8(ascii: "-")
            else { return false }
            i += 1
            return true
        }

        /// Case-insensitive literal at the cursor; consumes it when present.
        mutating func word(_ w: String) -> Bool {
            let bytes = Array(w.utf8)
            for (k, c) in bytes.enumerated() where lower(i + k) != c { return false }
            i += bytes.count
            return true
        }

        mutating func digits() -> ArraySlice<UInt8>? {
            let start = i
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { i += 1 }
            return i > start ? b[start..<i] : nil
        }

        mutating func number(_ slice: ArraySlice<UInt8>) -> DecimalInteger? {
            guard slice.count <= PEP440Version.maxDigits else { return nil }
            return DecimalInteger(asciiDigits: slice)
        }

        mutating func parse() -> PEP440Version? {
            if b.isEmpty { return nil }
            if lower(0) == UInt8(ascii: "v") { i = 1 }
            // Epoch: digits followed by `!`, else rewind.
            var epoch = DecimalInteger.zero
            let epochStart = i
            if let d = digits(), i < b.count, b[i] == UInt8(ascii: "!") {
                guard let e = number(d) else { return nil }
                epoch = e
                i += 1
            } else {
                i = epochStart
            }
            // Release: N(.N)*
            var release: [DecimalInteger] = []
            guard let first = digits(), let firstValue = number(first) else { return nil }
            release.append(firstValue)
            while i + 1 < b.count, b[i] == UInt8(ascii: "."), b[i + 1] >= 0x30, b[i + 1] <= 0x39 {
                i += 1
                guard let d = digits(), let value = number(d) else { return nil }
                release.append(value)
            }
            // Pre-release: [._-]? (alpha|a|beta|b|preview|pre|c|rc) [._-]? N?
            var pre: (Int8, DecimalInteger)?
            let preStart = i
            _ = separator()
            let preSpellings: [(String, Int8)] = [("alpha", 0), ("a", 0), ("beta", 1), ("b", 1),
                                                  ("preview", 2), ("pre", 2), ("c", 2), ("rc", 2)]
            if let (_, rank) = preSpellings.first(where: { word($0.0) }) {
                _ = separator()
                var n = DecimalInteger.zero
                if let d = digits() {
                    guard let value = number(d) else { return nil }
                    n = value
                }
                pre = (rank, n)
            } else {
                i = preStart
            }
            // Post-release: -N | [._-]? (post|rev|r) [._-]? N?
            var post: DecimalInteger?
            let postStart = i
            if i < b.count, b[i] == UInt8(ascii: "-"), i + 1 < b.count, b[i + 1] >= 0x30, b[i + 1] <= 0x39 {
                i += 1
                guard let d = digits(), let value = number(d) else { return nil }
                post = value
            } else {
                _ = separator()
                if word("post") || word("rev") || word("r") {
                    _ = separator()
                    var n = DecimalInteger.zero
                    if let d = digits() {
                        guard let value = number(d) else { return nil }
                        n = value
                    }
                    post = n
                } else {
                    i = postStart
                }
            }
            // Dev release: [._-]? dev [._-]? N?
            var dev: DecimalInteger?
            let devStart = i
            _ = separator()
            if word("dev") {
                _ = separator()
                var n = DecimalInteger.zero
                if let d = digits() {
                    guard let value = number(d) else { return nil }
                    n = value
                }
                dev = n
            } else {
                i = devStart
            }
            // Local: + [a-z0-9]+ ([._-][a-z0-9]+)*
            var local: [LocalSegment]?
            if i < b.count, b[i] == UInt8(ascii: "+") {
                i += 1
                var segments: [LocalSegment] = []
                func alnumRun(from start: Int) -> Int {
                    var j = start
                    while let c = lower(j), (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7A) { j += 1 }
                    return j
                }
                var end = alnumRun(from: i)
                guard end > i else { return nil }
                while true {
                    let part = b[i..<end]
                    if part.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
                        guard let value = number(part) else { return nil }
                        segments.append(.number(value))
                    } else {
                        segments.append(.text(part.map { ($0 >= 0x41 && $0 <= 0x5A) ? $0 + 0x20 : $0 }))
                    }
                    i = end
                    guard let c = lower(i), c == UInt8(ascii: ".") || c == UInt8(ascii: "_") || c == UInt8(ascii: "-")
                    else { break }
                    let next = alnumRun(from: i + 1)
                    guard next > i + 1 else { break }
                    i += 1
                    end = next
                }
                local = segments
            }
            guard atEnd else { return nil }
            return PEP440Version(epoch: epoch, release: release, pre: pre, post: post, dev: dev, local: local)
        }
    }
}
