import FnauditModel

/// An npm version, parsed and ordered exactly as node-semver 7 does in strict mode
/// (`new SemVer(v)` / `semver.compare(a, b)`).
///
/// node-semver details that matter and are easy to get wrong:
/// - the raw string may be at most 256 UTF-16 units long, and is trimmed of JavaScript whitespace;
/// - one leading `v` is allowed (`=` and spaces inside are not: those are loose mode);
/// - major, minor and patch have no leading zeros and must not exceed `Number.MAX_SAFE_INTEGER`;
/// - prerelease identifiers that are all digits and below `MAX_SAFE_INTEGER` become numbers;
///   larger ones stay strings but still compare as JavaScript numbers (doubles), and two that
///   round to the same double end the comparison as equal;
/// - build metadata is validated and then ignored.
public struct SemanticVersion: Hashable, Sendable, CustomStringConvertible {
    public enum Identifier: Hashable, Sendable {
        /// Numeric, below 2^53 - 1: an exact JavaScript number.
        case number(UInt64)
        /// Numeric but too large to be a safe integer: kept as its digits, compared as a double.
        case largeNumber(digits: [UInt8], approximation: Double)
        /// Alphanumeric (letters, digits, hyphens): compared by code unit.
        case text([UInt8])
    }

    public let major: UInt64
    public let minor: UInt64
    public let patch: UInt64
    public let prerelease: [Identifier]
    public let build: [String]

    static let maxLength = 256
    static let maxSafeInteger: UInt64 = 9_007_199_254_740_991

    public var description: String {
        var text = "\(major).\(minor).\(patch)"
        if !prerelease.isEmpty {
            text += "-" + prerelease.map { id -> String in
                switch id {
                case .number(let n): return String(n)
                case .largeNumber(let digits, _), .text(let digits): return String(decoding: digits, as: UTF8.self)
                }
            }.joined(separator: ".")
        }
        return text
    }

    /// Parses like `new SemVer(text)`; nil where node-semver throws.
    public init?(_ text: String) {
        guard text.utf16.count <= SemanticVersion.maxLength else { return nil }
        let bytes = Array(SemanticVersion.trimJavaScriptWhitespace(text).utf8)
        var i = 0
        if i < bytes.count, bytes[i] == UInt8(ascii: "v") { i += 1 }

        func mainNumber() -> UInt64? {
            let start = i
            while i < bytes.count, isDigit(bytes[i]) { i += 1 }
            let digits = bytes[start..<i]
            guard !digits.isEmpty else { return nil }
            if digits.count > 1, digits.first == UInt8(ascii: "0") { return nil }
            if digits.count > 16 { return nil }
            var value: UInt64 = 0
            for d in digits { value = value * 10 + UInt64(d - 0x30) }
            return value <= SemanticVersion.maxSafeInteger ? value : nil
        }
        func expect(_ char: Unicode.Scalar) -> Bool {
            guard i < bytes.count, bytes[i] == UInt8(ascii: char) else { return false }
            i += 1
            return true
        }
        /// A run of `[0-9A-Za-z-]`, the characters identifiers are made of.
        func identifierRun() -> ArraySlice<UInt8> {
            let start = i
            while i < bytes.count, isIdentifierByte(bytes[i]) { i += 1 }
            return bytes[start..<i]
        }

        guard let major = mainNumber(), expect("."),
              let minor = mainNumber(), expect("."),
              let patch = mainNumber() else { return nil }

        var prerelease: [Identifier] = []
        if expect("-") {
            repeat {
                let run = identifierRun()
                guard let id = SemanticVersion.prereleaseIdentifier(run) else { return nil }
                prerelease.append(id)
            } while expect(".")
        }
        var build: [String] = []
        if expect("+") {
            repeat {
                let run = identifierRun()
                guard !run.isEmpty else { return nil }
                build.append(String(decoding: run, as: UTF8.self))
            } while expect(".")
        }
        guard i == bytes.count else { return nil }
        self.major = major
        self.minor = minor
        self.patch = patch
        self.prerelease = prerelease
        self.build = build
    }

    /// `0|[1-9]\d*` or `\d*[a-zA-Z-][a-zA-Z0-9-]*`, then numberified like node-semver.
    private static func prereleaseIdentifier(_ run: ArraySlice<UInt8>) -> Identifier? {
        guard !run.isEmpty else { return nil }
        guard run.allSatisfy(isDigit) else { return .text(Array(run)) }
        if run.count > 1, run.first == UInt8(ascii: "0") { return nil }
        if run.count <= 16 {
            var value: UInt64 = 0
            for d in run { value = value * 10 + UInt64(d - 0x30) }
            if value < maxSafeInteger { return .number(value) }
        }
        // JavaScript's `+id`: the correctly rounded double, as Swift's parser also gives.
        let digits = Array(run)
        let approximation = Double(String(decoding: digits, as: UTF8.self)) ?? .infinity
        return .largeNumber(digits: digits, approximation: approximation)
    }

    /// `semver.compare(a, b)`: -1, 0 or 1.
    public static func compare(_ a: SemanticVersion, _ b: SemanticVersion) -> Int {
        if a.major != b.major { return a.major < b.major ? -1 : 1 }
        if a.minor != b.minor { return a.minor < b.minor ? -1 : 1 }
        if a.patch != b.patch { return a.patch < b.patch ? -1 : 1 }
        // Having no prerelease sorts after having one.
        switch (a.prerelease.isEmpty, b.prerelease.isEmpty) {
        case (true, true): return 0
        case (false, true): return -1
        case (true, false): return 1
        case (false, false): break
        }
        var index = 0
        while true {
            let left = index < a.prerelease.count ? a.prerelease[index] : nil
            let right = index < b.prerelease.count ? b.prerelease[index] : nil
            switch (left, right) {
            case (nil, nil): return 0
            case (_, nil): return 1
            case (nil, _): return -1
            case let (.some(l), .some(r)):
                if l == r { index += 1; continue }   // JavaScript's `a === b`
                return compareIdentifiers(l, r)
            }
        }
    }

    /// node-semver's `compareIdentifiers` for two identifiers that are not `===`.
    private static func compareIdentifiers(_ a: Identifier, _ b: Identifier) -> Int {
        switch (a, b) {
        case let (.number(x), .number(y)):
            return x < y ? -1 : 1
        case let (.text(x), .text(y)):
            return x.lexicographicallyPrecedes(y) ? -1 : 1
        case (.text, _):
            return 1
        case (_, .text):
            return -1
        default:
            // Both numeric, at least one beyond the safe range: JavaScript compares doubles, and
            // `a === b` on the converted values returns 0 for the whole comparison.
            let x = a.numericApproximation, y = b.numericApproximation
            return x == y ? 0 : (x < y ? -1 : 1)
        }
    }

    /// JavaScript's `String.prototype.trim` (WhiteSpace and LineTerminator code points).
    static func trimJavaScriptWhitespace(_ text: String) -> Substring {
        func isSpace(_ s: Unicode.Scalar) -> Bool {
            switch s.value {
            case 0x09...0x0D, 0x20, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF:
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
}

extension SemanticVersion.Identifier {
    var numericApproximation: Double {
        switch self {
        case .number(let n): return Double(n)
        case .largeNumber(_, let approximation): return approximation
        case .text: return .nan
        }
    }
}

@inline(__always) private func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

@inline(__always) private func isIdentifierByte(_ b: UInt8) -> Bool {
    (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2D
}
