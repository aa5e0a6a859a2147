/// Where a package was found: a file on disk, and for archives the chain of entries inside it.
///
/// `function.zip!/lib/app.jar!/META-INF/maven/g/a/pom.properties` is
/// `Location(path: "function.zip", entryChain: ["lib/app.jar", "META-INF/maven/g/a/pom.properties"])`.
public struct Location: Hashable, Codable, Sendable, Comparable, CustomStringConvertible {
    public var path: String
    public var entryChain: [String]
    /// 1-based line of the declaration in a lockfile or manifest, when the extractor knows it.
    public var line: Int?

    public init(path: String, entryChain: [String] = [], line: Int? = nil) {
        self.path = path
        self.entryChain = entryChain
        self.line = line
    }

    /// The file that declared the package: the last entry of the chain, or the path itself.
    public var fileName: String {
        let last = entryChain.last ?? path
        return last.split(separator: "/").last.map(String.init) ?? last
    }

    /// `fn.zip!/lib/a.jar!/META-INF/…`: the `!/` notation of jar URLs, which other scanners use too.
    public var description: String {
        ([path] + entryChain).joined(separator: "!/")
    }

    /// A location inside this one (an entry of this archive).
    public func appending(entry: String) -> Location {
        Location(path: path, entryChain: entryChain + [entry])
    }

    public static func < (lhs: Location, rhs: Location) -> Bool {
        // Files of a tree have no chain: their description is the path, compared without building it.
        if lhs.entryChain.isEmpty && rhs.entryChain.isEmpty {
            if lhs.path != rhs.path { return lhs.path < rhs.path }
            return (lhs.line ?? 0) < (rhs.line ?? 0)
        }
        let left = lhs.description, right = rhs.description
        if left != right { return left < right }
        return (lhs.line ?? 0) < (rhs.line ?? 0)
    }
}
