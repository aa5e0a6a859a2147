import Foundation

/// A package ecosystem, spelled exactly as the OSV schema spells it.
public enum Ecosystem: String, CaseIterable, Codable, Sendable, Comparable {
    case npm = "npm"
    case pypi = "PyPI"
    case maven = "Maven"

    /// Accepts any case (`pypi`, `PYPI`, `Maven`), because users type these.
    public init?(caseInsensitive text: String) {
        let lowered = text.lowercased()
        guard let match = Ecosystem.allCases.first(where: { $0.rawValue.lowercased() == lowered }) else {
            return nil
        }
        self = match
    }

    /// The package-url type of this ecosystem.
    public var purlType: String {
        switch self {
        case .npm: return "npm"
        case .pypi: return "pypi"
        case .maven: return "maven"
        }
    }

    /// The name under which advisories file a package, so that lookups agree with the database.
    ///
    /// - PyPI: PEP 503 (`Foo__Bar.baz` -> `foo-bar-baz`): the index treats these spellings as one project.
    /// - npm: names are case-sensitive and kept as written (`@scope/name` included).
    /// - Maven: `groupId:artifactId`, case-sensitive, kept as written.
    public func normalizedName(_ name: String) -> String {
        let trimmed = name.trimmingASCIIWhitespace()
        switch self {
        case .npm, .maven:
            return trimmed
        case .pypi:
            return Ecosystem.pep503(trimmed)
        }
    }

    /// One bit per ecosystem, for compact sets.
    public var bit: UInt8 { UInt8(1) << UInt8(sortIndex) }

    public static func < (lhs: Ecosystem, rhs: Ecosystem) -> Bool {
        lhs.sortIndex < rhs.sortIndex
    }

    private var sortIndex: Int {
        switch self {
        case .npm: return 0
        case .pypi: return 1
        case .maven: return 2
        }
    }

    /// PEP 503 normalisation: lowercase, and every run of `-`, `_`, `.` becomes one `-`.
    static func pep503(_ name: String) -> String {
        // ASCII (every real project name): one pass over the bytes.
        if name.utf8.allSatisfy({ $0 < 0x80 }) {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(name.utf8.count)
            var inSeparatorRun = false
            for b in name.utf8 {
                if b == 0x2D || b == 0x5F || b == 0x2E {
                    if !inSeparatorRun { bytes.append(0x2D) }
                    inSeparatorRun = true
                } else {
                    inSeparatorRun = false
                    bytes.append(b >= 0x41 && b <= 0x5A ? b + 32 : b)
                }
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        // Other scripts: scalars collected once, then one String (appending to a String's scalar
        // view copies it each time, which made a long name quadratic).
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(name.unicodeScalars.count)
        var inSeparatorRun = false
        for scalar in name.unicodeScalars {
            if scalar == "-" || scalar == "_" || scalar == "." {
                if !inSeparatorRun { scalars.append("-") }
                inSeparatorRun = true
            } else {
                inSeparatorRun = false
                scalars.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            }
        }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }
}

extension String {
    /// Trims ASCII spaces, tabs and line breaks only: names and versions are ASCII in every
    /// ecosystem fnaudit knows, and Unicode-aware trimming would hide oddities worth reporting.
    public func trimmingASCIIWhitespace() -> String {
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == 0x0B || b == 0x0C }
        // Nearly every name has nothing to trim: said without copying its bytes (this runs per package sighting).
        guard let first = utf8.first, let last = utf8.last, isSpace(first) || isSpace(last) else { return self }
        let bytes = Array(utf8)
        var start = 0
        var end = bytes.count
        while start < end, isSpace(bytes[start]) { start += 1 }
        while end > start, isSpace(bytes[end - 1]) { end -= 1 }
        if start == 0 && end == bytes.count { return self }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}

extension String {
    /// The text without surrounding white space and line breaks, as Foundation's
    /// `trimmingCharacters(in: .whitespacesAndNewlines)` gives it. That bridges every string; most
    /// (`MIT`, `1.0`) end in printable ASCII at both ends, which says there is nothing to trim.
    /// ASCII white space around ASCII text (a POM's indented values and whitespace-only parents) is
    /// cut on the bytes too; only a non-ASCII character at either end goes to Foundation, whose set
    /// holds Unicode's spaces and line breaks.
    public var trimmingWhitespace: String {
        let printable = { (byte: UInt8) in byte > 0x20 && byte < 0x7F }
        if utf8.first.map(printable) == true, utf8.last.map(printable) == true { return self }
        let isSpace = { (byte: UInt8) in byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }
        let cut: String?? = utf8.withContiguousStorageIfAvailable { bytes -> String? in
            var start = 0, end = bytes.count
            while start < end, isSpace(bytes[start]) { start += 1 }
            while end > start, isSpace(bytes[end - 1]) { end -= 1 }
            if start == end { return "" }
            guard bytes[start] < 0x80, bytes[end - 1] < 0x80 else { return nil }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        }
        return (cut ?? nil) ?? trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

extension StringProtocol {
    /// Byte-wise substring test. Foundation's `contains` goes through CFString and Swift's
    /// Character-wise comparisons are slow: these run on every entry name of a large archive.
    @inlinable
    public func containsBytes(_ needle: String) -> Bool {
        withUTF8Bytes { hay in
            needle.withUTF8Bytes { pattern in
                guard let first = pattern.first, let patternBase = pattern.baseAddress else { return true }
                guard hay.count >= pattern.count, let base = hay.baseAddress else { return false }
                // memchr to each candidate first byte, memcmp for the rest (glibc's memmem is not exported to Swift).
                var offset = 0
                let last = hay.count - pattern.count
                while offset <= last {
                    guard let hit = memchr(base + offset, Int32(first), last - offset + 1) else { return false }
                    let at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                    if memcmp(base + at, patternBase, pattern.count) == 0 { return true }
                    offset = at + 1
                }
                return false
            }
        }
    }

    /// `hasPrefix` on UTF-8 bytes (no Character segmentation).
    @inlinable
    public func hasPrefixBytes(_ prefix: String) -> Bool {
        withUTF8Bytes { bytes in
            prefix.withUTF8Bytes { p in
                guard p.count <= bytes.count else { return false }
                guard let base = bytes.baseAddress, let pattern = p.baseAddress else { return true }
                return memcmp(base, pattern, p.count) == 0
            }
        }
    }

    /// `hasSuffix` on UTF-8 bytes (no Character segmentation).
    @inlinable
    public func hasSuffixBytes(_ suffix: String) -> Bool {
        withUTF8Bytes { bytes in
            suffix.withUTF8Bytes { s in
                guard s.count <= bytes.count else { return false }
                guard let base = bytes.baseAddress, let pattern = s.baseAddress else { return true }
                return memcmp(base + (bytes.count - s.count), pattern, s.count) == 0
            }
        }
    }

    /// Whether the name ends in `suffix` (given in lower case), ignoring ASCII case, without lowercasing a copy.
    @inlinable
    public func hasSuffixIgnoringASCIICase(_ lowercaseSuffix: String) -> Bool {
        withUTF8Bytes { bytes in
            lowercaseSuffix.withUTF8Bytes { s in
                guard s.count <= bytes.count else { return false }
                let offset = bytes.count - s.count
                for i in 0..<s.count {
                    var b = bytes[offset + i]
                    if b >= 0x41 && b <= 0x5A { b |= 0x20 }
                    if b != s[i] { return false }
                }
                return true
            }
        }
    }

    /// The UTF-8 bytes as one buffer: native strings and substrings lend theirs, others are copied once.
    @inlinable
    public func withUTF8Bytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let result = utf8.withContiguousStorageIfAvailable({ body($0) }) { return result }
        let copy = Array(utf8)
        return copy.withUnsafeBufferPointer(body)
    }
}
