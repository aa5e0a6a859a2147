import Foundation
import FnauditModel

/// `Pipfile.lock`: `default` and `develop` (dev) sections, versions written `==1.2.3`.
public struct PipfileLockExtractor: Extractor {
    public let id = ExtractorID.pipfileLock
    public init() {}

    public let pathEndings = ["Pipfile.lock"]

    public func fileRequired(_ path: String) -> Bool { PathName.base(path) == "Pipfile.lock" }

    public func extract(_ input: ExtractorInput) throws -> Extraction {
        // Straight from the bytes when the reader takes the file, else through the tree.
        let sections: [(isDev: Bool, entries: [(name: String, entry: Entry?)])]
        if let read = PipfileLockExtractor.readSections(input.contents) {
            sections = read
        } else {
            guard let root = try StructuredDocument.json(input.contents) as? [String: Any] else {
                throw ExtractionError("not a Pipfile.lock: the document is not a JSON object")
            }
            guard root["default"] != nil || root["develop"] != nil || root["_meta"] != nil else {
                throw ExtractionError("not a Pipfile.lock: no default, develop or _meta section")
            }
            sections = [("default", false), ("develop", true)].map { section, isDev in
                (isDev, (root.dictionary(section) ?? [:]).map { ($0.key, ($0.value as? [String: Any]).map(Entry.init)) })
            }
        }
        let lines = KeyLines(jsonObjectKeysIn: input.contents)
        var result = Extraction()
        for (isDev, entries) in sections {
            for (name, value) in entries {
                guard let entry = value else { continue }
                var version = entry.version
                if let v = version, v.hasPrefix("==") { version = String(v.dropFirst(v.hasPrefix("===") ? 3 : 2)) }
                let source = entry.git.map { "git+\($0)" } ?? entry.path ?? entry.file
                if let package = PythonLockEntry.package(name: name, version: version, nonRegistrySource: source, isDev: isDev,
                                                         location: input.location(line: lines.line(of: name)),
                                                         extractor: id) {
                    result.packages.append(package)
                }
            }
        }
        return result
    }

    /// For tests and fuzzing: whether the byte reader, whenever it reads `bytes`, gives what the tree gives.
    public static func readerAgreesWithTree(_ bytes: [UInt8]) -> Bool {
        guard let sections = readSections(bytes) else { return true }
        guard let root = (try? StructuredDocument.json(bytes)) as? [String: Any],
              root["default"] != nil || root["develop"] != nil || root["_meta"] != nil else { return false }
        for (section, read) in zip(["default", "develop"], sections) {
            let tree = root.dictionary(section) ?? [:]
            guard tree.count == read.entries.count else { return false }
            for (name, entry) in read.entries {
                guard let value = tree[name], (value as? [String: Any]).map(Entry.init) == entry else { return false }
            }
        }
        return true
    }

    /// One package of a section, as far as this extractor reads it.
    struct Entry: Equatable {
        var version: String?
        var git: String?
        var path: String?
        var file: String?

        init() {}

        init(_ entry: [String: Any]) {
            version = entry.string("version")
            git = entry.string("git")
            path = entry.string("path")
            file = entry.string("file")
        }
    }

    /// `default` and `develop` read from the bytes, packages in document order (nil for a value that is
    /// not an object); nil when the reader declines the document or it has none of the sections
    /// (the tree then reads it, and says why it is not a Pipfile.lock).
    static func readSections(_ bytes: [UInt8]) -> [(isDev: Bool, entries: [(name: String, entry: Entry?)])]? {
        JSONReader.read(bytes) { reader -> [(isDev: Bool, entries: [(name: String, entry: Entry?)])]? in
            var sections: [String: [(name: String, entry: Entry?)]] = [:]
            var seen = Set<String>()
            try reader.members { reader, key in
                guard key.matches("default") || key.matches("develop") || key.matches("_meta") else { return try reader.skip() }
                let section = key.string
                guard seen.insert(section).inserted else { throw JSONReader.Decline() }
                guard section != "_meta", try reader.atObject() else { return try reader.skip() }
                sections[section] = try readSection(&reader)
            }
            guard !seen.isEmpty else { return nil }
            return [(false, sections["default"] ?? []), (true, sections["develop"] ?? [])]
        } ?? nil
    }

    private static func readSection(_ reader: inout JSONReader) throws -> [(name: String, entry: Entry?)] {
        var entries: [(name: String, entry: Entry?)] = []
        var names = Set<String>()
        try reader.members { reader, key in
            let name = key.string
            guard names.insert(name).inserted else { throw JSONReader.Decline() }
            guard try reader.atObject() else {
                try reader.skip()
                return entries.append((name, nil))
            }
            var entry = Entry()
            var read = Set<String>()
            try reader.members { reader, key in
                let field: WritableKeyPath<Entry, String?>
                if key.matches("version") { field = \.version }
                else if key.matches("git") { field = \.git }
                else if key.matches("path") { field = \.path }
                else if key.matches("file") { field = \.file }
                else { return try reader.skip() }
                guard read.insert(key.string).inserted else { throw JSONReader.Decline() }
                entry[keyPath: field] = try reader.text()
            }
            entries.append((name, entry))
        }
        return entries
    }
}
