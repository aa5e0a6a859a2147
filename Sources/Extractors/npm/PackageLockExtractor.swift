import FnauditModel

/// `package-lock.json` (lockfileVersion 1, 2, 3), `npm-shrinkwrap.json` and npm's hidden
/// `node_modules/.package-lock.json`.
public struct PackageLockExtractor: Extractor {
    public let id = ExtractorID.packageLock
    public init() {}

    public let pathEndings = ["package-lock.json", "npm-shrinkwrap.json"]

    public func fileRequired(_ path: String) -> Bool {
        let base = PathName.base(path)
        if base == "package-lock.json" || base == "npm-shrinkwrap.json" { return true }
        return base == ".package-lock.json" && path.hasSuffix("node_modules/.package-lock.json")
    }

    public func extract(_ input: ExtractorInput) throws -> Extraction {
        // Versions 2 and 3 straight from the bytes; version 1, and what the reader declines, through the tree.
        if let (version, entries) = PackageLockExtractor.readPackages(input.contents) {
            var result = Extraction()
            if let version, !["2", "3"].contains(version) {
                result.issues.append(ScanIssue(location: input.location, message: "lockfileVersion \(version) is newer than fnaudit knows; read as version 3", severity: .warning))
            }
            result.packages = fromPackages(entries, input)
            return result
        }
        guard let root = try StructuredDocument.json(input.contents) as? [String: Any] else {
            throw ExtractionError("not a package-lock.json: the document is not a JSON object")
        }
        let version = root.string("lockfileVersion")
        var result = Extraction()
        if let packages = root.dictionary("packages"), version != "1" {
            if let version, !["2", "3"].contains(version) {
                result.issues.append(ScanIssue(location: input.location, message: "lockfileVersion \(version) is newer than fnaudit knows; read as version 3", severity: .warning))
            }
            result.packages = fromPackages(packages.map { ($0.key, ($0.value as? [String: Any]).map(PackageEntry.init)) }, input)
        } else if let dependencies = root.dictionary("dependencies") {
            if let version, version != "1" {
                result.issues.append(ScanIssue(location: input.location, message: "lockfileVersion \(version) without \"packages\"; read as version 1", severity: .warning))
            }
            walkV1(dependencies, input, into: &result.packages)
        } else if version == nil {
            throw ExtractionError("not a package-lock.json: no lockfileVersion, \"packages\" or \"dependencies\"")
        }
        return result
    }

    /// For tests and fuzzing: whether the byte reader, whenever it reads `bytes`, gives what the tree gives.
    public static func readerAgreesWithTree(_ bytes: [UInt8]) -> Bool {
        guard let (version, entries) = readPackages(bytes) else { return true }
        guard let root = (try? StructuredDocument.json(bytes)) as? [String: Any], let packages = root.dictionary("packages"),
              root.string("lockfileVersion") == version, version != "1", packages.count == entries.count else { return false }
        return entries.allSatisfy { path, entry in
            packages[path].map { ($0 as? [String: Any]).map(PackageEntry.init) == entry } ?? false
        }
    }

    /// One value of `packages` (versions 2 and 3), as far as this extractor reads it.
    struct PackageEntry: Equatable {
        static let dependencyKeys = ["dependencies", "optionalDependencies", "peerDependencies"]

        var name: String?
        var version: String?
        var resolved: String?
        var isLink = false
        var isDev = false
        var isDevOptional = false
        var licenses: [String] = []
        /// The keys of `dependencies`, `optionalDependencies` and `peerDependencies`, each sorted, in that order.
        var dependencies: [String] = []
        var devDependencies: [String] = []

        init() {}

        init(_ entry: [String: Any]) {
            name = entry.string("name")
            version = entry.string("version")
            resolved = entry.string("resolved")
            isLink = entry.bool("link")
            isDev = entry.bool("dev")
            isDevOptional = entry.bool("devOptional")
            licenses = DeclaredLicenses.npm(entry)
            dependencies = PackageEntry.dependencyKeys.flatMap { (entry.dictionary($0) ?? [:]).keys.sorted() }
            devDependencies = (entry.dictionary("devDependencies") ?? [:]).keys.sorted()
        }
    }

    /// `lockfileVersion` and `packages` read from the bytes, each package in document order (nil for a
    /// value that is not an object); nil when the reader declines the document or it is not read
    /// through `packages` (no such object, or version 1), which the tree then reads.
    static func readPackages(_ bytes: [UInt8]) -> (version: String?, entries: [(String, PackageEntry?)])? {
        JSONReader.read(bytes) { reader -> (String?, [(String, PackageEntry?)])? in
            var version: String?, entries: [(String, PackageEntry?)]?
            var sawVersion = false, sawPackages = false
            try reader.members { reader, key in
                if key.matches("lockfileVersion") {
                    guard !sawVersion else { throw JSONReader.Decline() }
                    sawVersion = true
                    version = try reader.textOrInteger()
                } else if key.matches("packages") {
                    guard !sawPackages else { throw JSONReader.Decline() }
                    sawPackages = true
                    if try reader.atObject() { entries = try readEntries(&reader) } else { try reader.skip() }
                } else {
                    try reader.skip()
                }
            }
            guard let entries, version != "1" else { return nil }
            return (version, entries)
        } ?? nil
    }

    /// The `packages` object, each value an entry (nil for one that is not an object).
    private static func readEntries(_ reader: inout JSONReader) throws -> [(String, PackageEntry?)] {
        var entries: [(String, PackageEntry?)] = []
        var paths = Set<String>()
        try reader.members { reader, key in
            let path = key.string
            guard paths.insert(path).inserted else { throw JSONReader.Decline() }
            if try reader.atObject() {
                entries.append((path, try readEntry(&reader)))
            } else {
                try reader.skip()
                entries.append((path, nil))
            }
        }
        return entries
    }

    /// One package object, reading only the fields this extractor uses (each at most once).
    private static func readEntry(_ reader: inout JSONReader) throws -> PackageEntry {
        var entry = PackageEntry()
        var read: UInt16 = 0   // one bit per field below, to decline a field given twice
        var lists: [[String]?] = [nil, nil, nil, nil]   // dependencyKeys, then devDependencies
        var licenseFields: [String: Any] = [:]
        try reader.members { reader, key in
            let field: Int
            if key.matches("name") { field = 0 }
            else if key.matches("version") { field = 1 }
            else if key.matches("resolved") { field = 2 }
            else if key.matches("link") { field = 3 }
            else if key.matches("dev") { field = 4 }
            else if key.matches("devOptional") { field = 5 }
            else if key.matches("license") { field = 6 }
            else if key.matches("licenses") { field = 7 }
            else if key.matches("dependencies") { field = 8 }
            else if key.matches("optionalDependencies") { field = 9 }
            else if key.matches("peerDependencies") { field = 10 }
            else if key.matches("devDependencies") { field = 11 }
            else { return try reader.skip() }
            guard read & (1 << field) == 0 else { throw JSONReader.Decline() }
            read |= 1 << field
            switch field {
            case 0: entry.name = try reader.text()
            case 1: entry.version = try reader.text()
            case 2: entry.resolved = try reader.text()
            case 3: entry.isLink = try reader.flag()
            case 4: entry.isDev = try reader.flag()
            case 5: entry.isDevOptional = try reader.flag()
            case 6: licenseFields["license"] = try reader.plain()
            case 7: licenseFields["licenses"] = try reader.plain()
            default: lists[field - 8] = try reader.sortedKeys()
            }
        }
        if !licenseFields.isEmpty { entry.licenses = DeclaredLicenses.npm(licenseFields) }
        entry.dependencies = (lists[0] ?? []) + (lists[1] ?? []) + (lists[2] ?? [])
        entry.devDependencies = lists[3] ?? []
        return entry
    }

    /// Versions 2 and 3: a flat map from install path to package.
    private func fromPackages(_ packages: [(String, PackageEntry?)], _ input: ExtractorInput) -> [Package] {
        let lines = PackageLockLines(input.contents)
        var found: [Package] = []
        var paths: [Int: String] = [:]   // index in `found` → install path, for the graph
        for (path, value) in packages {
            guard !path.isEmpty, let entry = value else { continue }
            // Links point at workspace folders, which are listed under their own path; entries
            // outside node_modules are the project's own workspace packages.
            if entry.isLink || NpmNames.lastRange(of: "node_modules/", in: path) == nil { continue }
            guard let name = entry.name ?? NpmNames.nameFromInstallPath(path),
                  let version = entry.version else { continue }
            let isDev = entry.isDev || entry.isDevOptional
            paths[found.count] = path
            var package = NpmNames.package(name: name, version: version, location: input.location(line: lines.line(of: path)),
                                           isDev: isDev, extractor: id, resolved: entry.resolved)
            package.licenses = entry.licenses   // npm 7+ records each package's `license`
            found.append(package)
        }
        let graph = PackageLockExtractor.graph(packages)
        var index = 0
        graph.annotate(&found) { _ in
            defer { index += 1 }
            return paths[index]
        }
        return found
    }

    /// Edges as npm resolves them: a dependency `x` of the package at `a/node_modules/b` is the
    /// nearest `…/node_modules/x` walking up from there.
    static func graph(_ packages: [(String, PackageEntry?)]) -> DependencyGraph {
        var graph = DependencyGraph()
        let known = Set(packages.map(\.0))
        /// The folders a dependency of the package at `path` is looked for in, nearest first: the
        /// package's own, then each enclosing `…/node_modules/x`, then the root ("").
        func bases(from path: String) -> [String] {
            var chain: [String] = []
            var base = path
            while true {
                chain.append(base)
                guard !base.isEmpty else { return chain }
                guard let cut = NpmNames.lastRange(of: "/node_modules/", in: base) else { base = ""; continue }
                base = String(base[..<cut.lowerBound])
            }
        }
        func resolve(_ name: String, in bases: [String]) -> String? {
            for base in bases {
                let candidate = base.isEmpty ? "node_modules/\(name)" : "\(base)/node_modules/\(name)"
                if known.contains(candidate) { return candidate }
            }
            return nil
        }
        if let root = packages.first(where: { $0.0.isEmpty && $0.1 != nil })?.1 {
            graph.direct = (root.dependencies + root.devDependencies).compactMap { resolve($0, in: [""]) }
        }
        graph.names.reserveCapacity(packages.count)
        graph.edges.reserveCapacity(packages.count)
        for (path, value) in packages where !path.isEmpty {
            guard let entry = value else { continue }
            graph.names[path] = entry.name ?? NpmNames.nameFromInstallPath(path) ?? path
            // The chain once per package, not once per dependency.
            let chain = entry.dependencies.isEmpty ? [] : bases(from: path)
            graph.edges[path] = entry.dependencies.compactMap { resolve($0, in: chain) }
        }
        return graph
    }

    /// Version 1: nested `dependencies`, where an alias reads `npm:real-name@1.2.3`.
    private func walkV1(_ dependencies: [String: Any], _ input: ExtractorInput, into found: inout [Package]) {
        for (key, value) in dependencies {
            guard let entry = value as? [String: Any] else { continue }
            if let version = entry.string("version") {
                var name = key, exact = version
                if version.hasPrefix("npm:"), let alias = NpmNames.splitNameAndVersion(version.dropFirst(4)) {
                    (name, exact) = alias
                }
                found.append(NpmNames.package(name: name, version: exact, location: input.location, isDev: entry.bool("dev"),
                                              extractor: id, resolved: entry.string("resolved")))
            }
            if let nested = entry.dictionary("dependencies") { walkV1(nested, input, into: &found) }
        }
    }
}

/// Lines of `"node_modules/…": {` keys, found in one pass over the file.
struct PackageLockLines {
    private var lines: [String: Int] = [:]

    init(_ bytes: [UInt8]) {
        var line = 1, i = 0
        let n = bytes.count
        while i < n {
            // At a line start: skip indentation, then look for a quoted key.
            var j = i
            while j < n, bytes[j] == 0x20 || bytes[j] == 0x09 { j += 1 }
            if j < n, bytes[j] == 0x22 {
                var k = j + 1
                while k < n, bytes[k] != 0x22, bytes[k] != 0x0A { k += 1 }
                if k < n, bytes[k] == 0x22, k > j + 1 {
                    let raw = bytes[(j + 1)..<k]
                    if raw.allSatisfy({ $0 < 0x80 }) {
                        if PackageLockLines.isInstallPath(raw) {
                            let key = String(decoding: raw, as: UTF8.self)
                            if lines[key] == nil { lines[key] = line }
                        }
                    } else {
                        // Foundation's matching of non-ASCII text is not byte matching.
                        let key = String(decoding: raw, as: UTF8.self)
                        if key.hasPrefix("node_modules/") || key.contains("/node_modules/"), lines[key] == nil { lines[key] = line }
                    }
                }
            }
            while i < n, bytes[i] != 0x0A { i += 1 }
            i += 1
            line += 1
        }
    }

    func line(of key: String) -> Int? { lines[key] }

    /// `node_modules/…` or `…/node_modules/…` in an ASCII key, on the bytes (Foundation's `contains` per
    /// line was a tenth of a large lock).
    private static func isInstallPath(_ key: ArraySlice<UInt8>) -> Bool {
        let marker = Array("node_modules/".utf8)
        if key.starts(with: marker) { return true }
        var i = key.startIndex
        while i + marker.count < key.endIndex {
            if key[i] == 0x2F, key[(i + 1)...].starts(with: marker) { return true }
            i += 1
        }
        return false
    }
}
