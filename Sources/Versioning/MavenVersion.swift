import FnauditModel

/// A Maven version, parsed and ordered exactly as Maven 3.8.7 - 3.9.x's
/// `org.apache.maven.artifact.versioning.ComparableVersion`.
///
/// Every string is a valid Maven version. The string is lowercased and split into items at `.`,
/// at `-` (which also opens a sub-list) and at every digit/letter transition (which opens a
/// sub-list too). Numbers compare by value; the qualifiers `alpha < beta < milestone < rc <
/// snapshot < "" (= ga = final = release) < sp` come before other words, which compare
/// lexically; `a1`, `b1`, `m1` mean alpha-1, beta-1, milestone-1; trailing "null" items (0, "",
/// empty lists) are dropped from every list.
public struct MavenVersion: Hashable, Sendable, CustomStringConvertible {
    indirect enum Item: Hashable, Sendable {
        case number(DecimalInteger)
        case qualifier(Qualifier)
        case list([Item])
    }

    /// A string item, reduced to what ordering needs: known qualifiers by rank, others by text.
    struct Qualifier: Hashable, Sendable {
        /// 0...6 for alpha, beta, milestone, rc, snapshot, "" (release), sp; 7 for anything else.
        let rank: UInt8
        /// For rank 7: the UTF-16 code units, compared as Java's `String.compareTo` does.
        let text: [UInt16]

        static let releaseRank: UInt8 = 5
        static let known = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"]
        static let aliases = ["ga": "", "final": "", "release": "", "cr": "rc"]

        init(_ raw: String, followedByDigit: Bool) {
            var value = raw
            if followedByDigit && raw.utf16.count == 1 {
                switch raw {
                case "a": value = "alpha"
                case "b": value = "beta"
                case "m": value = "milestone"
                default: break
                }
            }
            value = Qualifier.aliases[value] ?? value
            if let index = Qualifier.known.firstIndex(of: value) {
                rank = UInt8(index)
                text = []
            } else {
                rank = 7
                text = Array(value.utf16)
            }
        }

        /// `comparableQualifier(a).compareTo(comparableQualifier(b))`, by sign.
        static func compare(_ a: Qualifier, _ b: Qualifier) -> Int {
            if a.rank != b.rank { return a.rank < b.rank ? -1 : 1 }
            if a.text == b.text { return 0 }
            return a.text.lexicographicallyPrecedes(b.text) ? -1 : 1
        }

        var isRelease: Bool { rank == Qualifier.releaseRank }

        var display: String {
            rank == 7 ? String(decoding: text, as: UTF16.self) : Qualifier.known[Int(rank)]
        }
    }

    let items: [Item]
    public let original: String

    public var description: String { original }

    /// Maven's canonical form (`ComparableVersion.getCanonical()`), useful when explaining an order.
    public var canonical: String { MavenVersion.render(items) }

    /// Deepest list nesting accepted. Each letter/digit switch and each `-` opens a sub-list, so
    /// `a1a1a1…` nests as deep as it is long; ordering, hashing and freeing such a value recurse
    /// once per level (Maven's own `compareTo` overflows its stack on it too). 256 levels is far
    /// beyond any real version (the deepest in the advisory data nests under 10).
    public static let maxNesting = 256

    /// nil when the version nests deeper than `maxNesting` lists.
    public init?(_ text: String) {
        guard let items = MavenVersion.parse(text) else { return nil }
        original = text
        self.items = items
    }

    public static func compare(_ a: MavenVersion, _ b: MavenVersion) -> Int {
        compareLists(a.items, b.items)
    }

    // MARK: Parsing

    /// A list under construction; a class because the parser keeps a stack of open lists.
    private final class Builder {
        var items: [Element] = []
        enum Element {
            case item(Item)
            case list(Builder)
        }

        func build() -> [Item] {
            items.map { element in
                switch element {
                case .item(let item): return item
                case .list(let builder): return .list(builder.build())
                }
            }
        }

        /// `ListItem.normalize()`: drop null items from the end, stepping over non-null lists.
        /// Inner lists are normalised before outer ones, as the reference pops its stack.
        func normalize() {
            var i = items.count - 1
            while i >= 0 {
                switch items[i] {
                case .item(let item):
                    if MavenVersion.isNull(item) {
                        items.remove(at: i)
                    } else {
                        return
                    }
                case .list(let builder):
                    if builder.items.isEmpty { items.remove(at: i) }
                }
                i -= 1
            }
        }
    }

    private static func parse(_ text: String) -> [Item]? {
        let units = Array(text.lowercased().utf16)
        let root = Builder()
        var list = root
        var stack: [Builder] = [root]
        var isDigit = false
        var start = 0

        var tooDeep = false
        func openList() {
            if stack.count > maxNesting { tooDeep = true }
            let child = Builder()
            list.items.append(.list(child))
            list = child
            stack.append(child)
        }
        func parseItem(_ digit: Bool, _ from: Int, _ to: Int) -> Item {
            let slice = units[from..<to]
            if digit { return .number(number(slice)) }
            return .qualifier(Qualifier(String(decoding: slice, as: UTF16.self), followedByDigit: false))
        }

        for i in 0..<units.count where !tooDeep {
            let c = units[i]
            if c == 0x2E {
                list.items.append(.item(i == start ? .number(.zero) : parseItem(isDigit, start, i)))
                start = i + 1
            } else if c == 0x2D {
                list.items.append(.item(i == start ? .number(.zero) : parseItem(isDigit, start, i)))
                start = i + 1
                openList()
            } else if javaIsDigit(c) {
                if !isDigit && i > start {
                    if !list.items.isEmpty { openList() }
                    let word = String(decoding: units[start..<i], as: UTF16.self)
                    list.items.append(.item(.qualifier(Qualifier(word, followedByDigit: true))))
                    start = i
                    openList()
                }
                isDigit = true
            } else {
                if isDigit && i > start {
                    list.items.append(.item(parseItem(true, start, i)))
                    start = i
                    openList()
                }
                isDigit = false
            }
        }
        if units.count > start {
            if !isDigit && !list.items.isEmpty { openList() }
            list.items.append(.item(parseItem(isDigit, start, units.count)))
        }
        if tooDeep { return nil }
        while let open = stack.popLast() { open.normalize() }
        return root.build()
    }

    /// `Character.isDigit(char)`: any decimal digit of the Basic Multilingual Plane.
    private static func javaIsDigit(_ unit: UInt16) -> Bool {
        if unit >= 0x30 && unit <= 0x39 { return true }
        if unit < 0x80 { return false }
        guard let scalar = Unicode.Scalar(unit) else { return false }
        return scalar.properties.generalCategory == .decimalNumber
    }

    /// The value of a run of digits (`Integer.parseInt` / `BigInteger` accept any decimal digit).
    private static func number(_ units: ArraySlice<UInt16>) -> DecimalInteger {
        DecimalInteger(digitValues: units.map { unit -> UInt8 in
            if unit >= 0x30 && unit <= 0x39 { return UInt8(unit - 0x30) }
            let value = Unicode.Scalar(unit)?.properties.numericValue ?? 0
            return UInt8(clamping: Int(value))
        })
    }

    // MARK: Ordering

    static func isNull(_ item: Item) -> Bool {
        switch item {
        case .number(let n): return n.isZero
        case .qualifier(let q): return q.isRelease
        case .list(let items): return items.isEmpty
        }
    }

    /// `item.compareTo(null)`: how an item compares with a missing one (`1.0` = `1`, `1-rc` < `1`).
    static func compareWithMissing(_ item: Item) -> Int {
        switch item {
        case .number(let n):
            return n.isZero ? 0 : 1
        case .qualifier(let q):
            return q.rank == Qualifier.releaseRank ? 0 : (q.rank < Qualifier.releaseRank ? -1 : 1)
        case .list(let items):
            for element in items {
                let result = compareWithMissing(element)
                if result != 0 { return result }
            }
            return 0
        }
    }

    static func compare(_ a: Item, _ b: Item) -> Int {
        switch (a, b) {
        case let (.number(x), .number(y)): return DecimalInteger.compare(x, y)
        case (.number, _): return 1                  // 1.1 > 1-sp, 1.1 > 1-1
        case (.qualifier, .number): return -1        // 1.any < 1.1
        case let (.qualifier(x), .qualifier(y)): return Qualifier.compare(x, y)
        case (.qualifier, .list): return -1          // 1.any < 1-1
        case (.list, .number): return -1             // 1-1 < 1.0.x
        case (.list, .qualifier): return 1           // 1-1 > 1-sp
        case let (.list(x), .list(y)): return compareLists(x, y)
        }
    }

    static func compareLists(_ left: [Item], _ right: [Item]) -> Int {
        let count = max(left.count, right.count)
        for i in 0..<count {
            let result: Int
            if i >= left.count {
                result = -compareWithMissing(right[i])
            } else if i >= right.count {
                result = compareWithMissing(left[i])
            } else {
                result = compare(left[i], right[i])
            }
            if result != 0 { return result }
        }
        return 0
    }

    static func render(_ items: [Item]) -> String {
        var text = ""
        for item in items {
            if !text.isEmpty {
                if case .list = item { text += "-" } else { text += "." }
            }
            switch item {
            case .number(let n): text += n.description
            case .qualifier(let q): text += q.display
            case .list(let inner): text += render(inner)
            }
        }
        return text
    }
}
