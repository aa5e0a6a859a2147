import FnauditModel

/// The files of one tree or archive, for analyzers and for formats that refer to each other
/// (`-r other.txt` in requirements files, parent POMs).
public protocol SiblingFiles: Sendable {
    /// The bytes of the file at `path` (relative to the scan root or archive, `/`-separated).
    /// Throws `ExtractionError` saying why it may not be read (missing, outside the tree, too large).
    func read(_ path: String) throws -> [UInt8]
    /// The same, refused (throws) when the file holds more than `limit` bytes: a tree's file is then
    /// not read at all (the walk does not stat each file, so its size is known only here).
    func read(_ path: String, atMost limit: Int) throws -> [UInt8]
    /// What is at `path` (relative, `/`-separated): deployment descriptors name folders and zips.
    func kind(of path: String) -> SiblingKind?
}

public enum SiblingKind: Sendable { case file, directory }

extension SiblingFiles {
    /// The bytes of the file at `path`, or nil when it cannot be read.
    public func contents(of path: String) -> [UInt8]? { try? read(path) }
    /// Entries already in memory: read, then measured.
    public func read(_ path: String, atMost limit: Int) throws -> [UInt8] {
        let bytes = try read(path)
        guard bytes.count <= limit else { throw ExtractionError("\(bytes.count) bytes is over the \(limit)-byte limit; not read") }
        return bytes
    }
    /// Only trees know folders; archive entries answer through `read`.
    public func kind(of path: String) -> SiblingKind? { (try? read(path)) != nil ? .file : nil }
}

/// One file handed to an extractor.
public struct ExtractorInput: Sendable {
    /// `/`-separated path relative to the scan root, or the entry name inside an archive.
    public var path: String
    /// Where to report what is found (file path, archive entry chain).
    public var location: Location
    public var contents: [UInt8]
    public var siblings: SiblingFiles

    public init(path: String, location: Location, contents: [UInt8], siblings: SiblingFiles) {
        self.path = path
        self.location = location
        self.contents = contents
        self.siblings = siblings
    }

    public var text: String { String(decoding: contents, as: UTF8.self) }

    /// The location of a declaration at a 1-based line of this file.
    public func location(line: Int?) -> Location {
        var copy = location
        copy.line = line
        return copy
    }
}

/// What an analyzer (or one extractor) found. Packages and issues today; each new kind of
/// analyzer adds its own list here, and the lists are concatenated as results come in.
public struct Extraction: Sendable {
    public var packages: [Package] = []
    /// Problems with parts of the input (an unknown lockfile version, an unresolvable property).
    public var issues: [ScanIssue] = []
    /// Jars (and the like) whose package could not be identified.
    public var unidentified: [UnidentifiedArtifact] = []
    /// Credentials found by the secret rules (redacted and fingerprinted: never the value).
    public var secrets: [SecretFinding] = []
    /// Functions that deployment descriptors (SAM, CDK, Serverless) define.
    public var functions: [FunctionDefinition] = []
    public init(packages: [Package] = [], issues: [ScanIssue] = [], unidentified: [UnidentifiedArtifact] = [],
                secrets: [SecretFinding] = [], functions: [FunctionDefinition] = []) {
        self.packages = packages
        self.issues = issues
        self.unidentified = unidentified
        self.secrets = secrets
        self.functions = functions
    }

    public static func += (lhs: inout Extraction, rhs: Extraction) {
        // Into an empty list the other's buffer is taken as it is: appending copied every package
        // (a retain per field), once per level results are gathered at.
        func add<T>(_ list: inout [T], _ more: [T]) {
            if list.isEmpty { list = more } else { list += more }
        }
        add(&lhs.packages, rhs.packages)
        add(&lhs.issues, rhs.issues)
        add(&lhs.unidentified, rhs.unidentified)
        add(&lhs.secrets, rhs.secrets)
        add(&lhs.functions, rhs.functions)
    }
}

/// Turns one file format into packages. One extractor per format, as in osv-scalibr: the walk
/// asks `fileRequired` of every path, reads only the files some extractor wants, and hands
/// each to `extract`. Extractors never touch the advisory database. `PackageExtractors` runs
/// them as one analyzer.
public protocol Extractor: Sendable {
    /// Which format this is; its display name is shown in reports (`package-lock.json`).
    var id: ExtractorID { get }
    /// Whether this extractor wants the file at `path` (`/`-separated, relative).
    func fileRequired(_ path: String) -> Bool
    /// Every path `fileRequired` accepts ends with one of these, compared without ASCII case
    /// (`.lock`, `/package.json`; an empty one promises nothing). An archive's entries are mostly
    /// classes and sources: one look at the last byte rules them out instead of asking every
    /// extractor, which was a tenth of an archive pass. `PathEndingsTests` checks the promise.
    var pathEndings: [String] { get }
    /// Reads one file. Throws `ExtractionError` when the file as a whole cannot be read.
    func extract(_ input: ExtractorInput) throws -> Extraction
}

/// A file that could not be read as its format: reported as one line naming the file.
public struct ExtractionError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Small path helpers shared by the extractors' `fileRequired`.
public enum PathName {
    /// The last component (called for every path of a tree or archive, so it scans bytes).
    public static func base(_ path: String) -> Substring {
        let (start, end) = path.withUTF8Bytes { bytes -> (Int, Int) in
            var end = bytes.count
            if end > 0, bytes[end - 1] == UInt8(ascii: "/") { end -= 1 }
            var start = end
            while start > 0, bytes[start - 1] != UInt8(ascii: "/") { start -= 1 }
            return (start, end)
        }
        let utf8 = path.utf8
        return path[utf8.index(utf8.startIndex, offsetBy: start)..<utf8.index(utf8.startIndex, offsetBy: end)]
    }

    public static func components(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true)
    }

    /// The folder part of `path` ("" at the root).
    public static func directory(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }

    /// `base/relative`, with `.` and `..` resolved; nil if it climbs above the root.
    public static func join(_ base: String, _ relative: String) -> String? {
        var parts = relative.hasPrefix("/") ? [] : components(base).map(String.init)
        for part in components(relative) {
            if part == "." { continue }
            if part == ".." {
                if parts.isEmpty { return nil }
                parts.removeLast()
            } else {
                parts.append(String(part))
            }
        }
        return parts.joined(separator: "/")
    }
}

/// Line splitting that treats `\n` and `\r\n` alike. (Swift fuses `\r\n` into one Character,
/// so splitting a String on "\n" misses CRLF files.)
public enum TextLines {
    /// Found on UTF-8 bytes (a Character split of a whole file was a tenth of a tree scan): every `\n`
    /// byte is a separator, alone or in `\r\n`, and both ends of each line are Character boundaries
    /// (nothing joins a line break), so the lines are exactly the Character split's.
    public static func split(_ text: String) -> [Substring] {
        var lines: [Substring] = []
        let utf8 = text.utf8
        var start = utf8.startIndex, i = start
        while i != utf8.endIndex {
            if utf8[i] == 0x0A {
                var end = i
                if end > start, utf8[utf8.index(before: end)] == 0x0D { end = utf8.index(before: end) }
                lines.append(text[start..<end])
                start = utf8.index(after: i)
            }
            i = utf8.index(after: i)
        }
        lines.append(text[start..<utf8.endIndex])
        return lines.map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
    }
}
