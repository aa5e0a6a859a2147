/// A non-negative integer of any size, written in decimal, compared by value.
///
/// Python's `int`, Java's `BigInteger` and Maven's Int/Long/BigInteger items all compare by
/// value with no upper bound; version strings with 20-digit date stamps are real. Values
/// that fit in 19 digits stay in a `UInt64` so the common case costs one integer compare.
public struct DecimalInteger: Hashable, Sendable, Comparable, CustomStringConvertible {
    // Invariant: `large` is nil, or holds the value's digits (no leading zero, count >= 20).
    @usableFromInline let small: UInt64
    @usableFromInline let large: [UInt8]?

    public static let zero = DecimalInteger(small: 0, large: nil)

    @usableFromInline init(small: UInt64, large: [UInt8]?) {
        self.small = small
        self.large = large
    }

    /// `digitValues` are the digits' values (0...9), most significant first, leading zeros allowed.
    public init<C: Collection>(digitValues: C) where C.Element == UInt8 {
        var digits = digitValues.drop(while: { $0 == 0 })
        if digits.count <= 19 {
            var value: UInt64 = 0
            for d in digits { value = value &* 10 &+ UInt64(d) }
            self.init(small: value, large: nil)
        } else {
            var stored = [UInt8]()
            stored.reserveCapacity(digits.count)
            while let d = digits.popFirst() { stored.append(d) }
            self.init(small: 0, large: stored)
        }
    }

    /// From ASCII digits; nil if any byte is not `0`...`9` or the text is empty.
    public init?<C: Collection>(asciiDigits: C) where C.Element == UInt8 {
        if asciiDigits.isEmpty { return nil }
        var values = [UInt8]()
        values.reserveCapacity(asciiDigits.count)
        for byte in asciiDigits {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            values.append(byte - 0x30)
        }
        self.init(digitValues: values)
    }

    public init(_ value: UInt64) {
        self.init(small: value, large: nil)
    }

    public var isZero: Bool { large == nil && small == 0 }

    /// The value, if it fits in a UInt64 with at most 19 digits.
    public var uint64Value: UInt64? { large == nil ? small : nil }

    @inlinable
    public static func < (lhs: DecimalInteger, rhs: DecimalInteger) -> Bool {
        compare(lhs, rhs) < 0
    }

    @inlinable
    public static func compare(_ lhs: DecimalInteger, _ rhs: DecimalInteger) -> Int {
        switch (lhs.large, rhs.large) {
        case (nil, nil):
            return lhs.small < rhs.small ? -1 : (lhs.small == rhs.small ? 0 : 1)
        case (nil, .some):
            return -1
        case (.some, nil):
            return 1
        case let (.some(a), .some(b)):
            if a.count != b.count { return a.count < b.count ? -1 : 1 }
            for (x, y) in zip(a, b) where x != y { return x < y ? -1 : 1 }
            return 0
        }
    }

    public var description: String {
        if let large { return String(decoding: large.map { $0 + 0x30 }, as: UTF8.self) }
        return String(small)
    }
}
