import FnauditModel

/// `package-lock.json` (lockfileVersion 1, 2, 3), `npm-shrinkwrap.json` and npm's hidden
/// `node_modules/.package-lock.json`.
public struct PackageLockExtractor: Extractor {
    public let id = ExtractorID.packageLock
    public init() {}

    public func fileRequired(_ path: String) -> Bool {
        let base = PathName.base(path)
        if base == "package-lock.json" || base == "npm-shrinkwrap.json" { return true }
        return base == ".package-lock.json" && path.hasSuffix("node_modules/.package-lock.json")
    }

    public func extract(_ input: ExtractorInput) throws -> Extraction {
        guard let root = try StructuredDocument.json(input.contents) as? [String: Any] else {
            throw ExtractionError("not a package-lock.json: the document is not a JSON object")
        }
        let version = root.string("lockfileVersion")
        var result = Extraction()
        if let packages = root.dictionary("packages"), version != "1" {
            if let version, !["2", "3"].contains(version) {
                result.issues.append(ScanIssue(location: input.location, message: "lockfileVersion \(version) is newer than fnaudit knows; read as version 3", severity: .warning))
            }
            result.packages = fromPackages(packages, input)
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

    /// Versions 2 and 3: a flat map from install path to package.
    private func fromPackages(_ packages: [String: Any], _ input: ExtractorInput) -> [Package] {
        let lines = PackageLockLines(input.contents)
        var found: [Package] = []
        var paths: [Int: String] = [:]   // index in `found` → install path, for the graph
        for (path, value) in packages {
            guard !path.isEmpty, let entry = value as? [String: Any] else { continue }
            // Links point at workspace folders, which are listed under their own path; entries
            // outside node_modules are the project's own workspace packages.
            if entry.bool("link") || !path.contains("node_modules/") { continue }
            guard let name = entry.string("name") ?? NpmNames.nameFromInstallPath(path),
                  let version = entry.string("version") else { continue }
            let isDev = entry.bool("dev") || entry.bool("devOptional")
            paths[found.count] = path
            var package = NpmNames.package(name: name, version: version, location: input.location(line: lines.line(of: path)),
                                           isDev: isDev, extractor: id, resolved: entry.string("resolved"))
            package.licenses = DeclaredLicenses.npm(entry)   // npm 7+ records each package's `license`
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
    static func graph(_ packages: [String: Any]) -> DependencyGraph {
        var graph = DependencyGraph()
        func names(_ entry: [String: Any], _ keys: [String]) -> [String] {
            keys.flatMap { (entry.dictionary($0) ?? [:]).keys.sorted() }
        }
        func resolve(_ name: String, from path: String) -> String? {
            var base = path
            while true {
                let candidate = base.isEmpty ? "node_modules/\(name)" : "\(base)/node_modules/\(name)"
                if packages[candidate] != nil { return candidate }
                guard !base.isEmpty else { return nil }
                guard let cut = NpmNames.lastRange(of: "/node_modules/", in: base) else { base = ""; continue }
                base = String(base[..<cut.lowerBound])
            }
        }
        let dependencyKeys = ["dependencies", "optionalDependencies", "peerDependencies"]
        if let root = packages[""] as? [String: Any] {
            graph.direct = names(root, dependencyKeys + ["devDependencies"]).compactMap { resolve($0, from: "") }
        }
        for (path, value) in packages where !path.isEmpty {
            guard let entry = value as? [String: Any] else { continue }
            graph.names[path] = entry.string("name") ?? NpmNames.nameFromInstallPath(path) ?? path
            graph.edges[path] = names(entry, dependencyKeys).compactMap { resolve($0, from: path) }
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
                    let key = String(decoding: bytes[(j + 1)..<k], as: UTF8.self)
                    if key.hasPrefix("node_modules/") || key.contains("/node_modules/"), lines[key] == nil { lines[key] = line }
                }
            }
            while i < n, bytes[i] != 0x0A { i += 1 }
            i += 1
            line += 1
        }
    }

    func line(of key: String) -> Int? { lines[key] }
}
