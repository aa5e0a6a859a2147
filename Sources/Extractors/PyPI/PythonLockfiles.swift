import Foundation
import FnauditModel

/// What the TOML/JSON Python lockfiles share: a list of packages with a name, a version, a
/// source that may be a registry or not, and a dev flag.
enum PythonLockEntry {
    static func package(name: String?, version: String?, nonRegistrySource: String?, isDev: Bool,
                        location: Location, extractor: String) -> Package? {
        guard let name, !name.isEmpty else { return nil }
        if let nonRegistrySource {
            return Package(ecosystem: .pypi, name: name, version: version ?? "", versionKind: .nonRegistry,
                           versionNote: nonRegistrySource, locations: [location], isDev: isDev, extractor: extractor)
        }
        guard let version, !version.isEmpty else {
            return Package(ecosystem: .pypi, name: name, version: "", versionKind: .unresolved,
                           versionNote: "no version in the lockfile", locations: [location], isDev: isDev, extractor: extractor)
        }
        return Package(ecosystem: .pypi, name: name, version: version, locations: [location], isDev: isDev, extractor: extractor)
    }

    /// How one `[[package]]` table is to be read: where it comes from, and whether it is dev.
    struct Reading {
        var nonRegistrySource: String?
        var isDev = false
        var marker: String?
    }

    /// Reads every `[[key]]` table of a TOML lockfile; `describe` returns nil for entries to skip
    /// (the project itself). Lines come from the headers: TOML keeps array order.
    static func packages(in input: ExtractorInput, root: [String: Any], key: String, extractor: String,
                         describe: ([String: Any]) -> Reading?) -> [Package] {
        let lines = headerLines(input.contents, header: key)
        var found: [Package] = []
        for (index, entry) in (root[key] as? [Any] ?? []).enumerated() {
            guard let entry = entry as? [String: Any], let reading = describe(entry) else { continue }
            let location = input.location(line: index < lines.count ? lines[index] : nil)
            if var package = package(name: entry.string("name"), version: entry.string("version"),
                                     nonRegistrySource: reading.nonRegistrySource, isDev: reading.isDev,
                                     location: location, extractor: extractor) {
                package.environmentMarker = reading.marker
                found.append(package)
            }
        }
        return found
    }

    /// The line of each `[[header]]` table, in document order.
    static func headerLines(_ bytes: [UInt8], header: String) -> [Int] {
        var found: [Int] = []
        for (index, line) in TextLines.split(String(decoding: bytes, as: UTF8.self)).enumerated()
        where line.trimmingCharacters(in: .whitespaces) == "[[\(header)]]" {
            found.append(index + 1)
        }
        return found
    }
}

/// `Pipfile.lock`: `default` and `develop` (dev) sections, versions written `==1.2.3`.
public struct PipfileLockExtractor: Extractor {
    public let name = "Pipfile.lock"
    public let ecosystem = Ecosystem.pypi
    public init() {}

    public func fileRequired(_ path: String) -> Bool { PathName.base(path) == "Pipfile.lock" }

    public func extract(_ input: ExtractorInput) throws -> Extraction {
        guard let root = try StructuredDocument.json(input.contents) as? [String: Any] else {
            throw ExtractionError("not a Pipfile.lock: the document is not a JSON object")
        }
        guard root["default"] != nil || root["develop"] != nil || root["_meta"] != nil else {
            throw ExtractionError("not a Pipfile.lock: no default, develop or _meta section")
        }
        let lines = LineLocator(input.contents)
        var result = Extraction()
        for (section, isDev) in [("default", false), ("develop", true)] {
            for (name, value) in root.dictionary(section) ?? [:] {
                guard let entry = value as? [String: Any] else { continue }
                var version = entry.string("version")
                if let v = version, v.hasPrefix("==") { version = String(v.dropFirst(v.hasPrefix("===") ? 3 : 2)) }
                let source = entry.string("git").map { "git+\($0)" } ?? entry.string("path") ?? entry.string("file")
                if let package = PythonLockEntry.package(name: name, version: version, nonRegistrySource: source, isDev: isDev,
                                                         location: input.location(line: lines.line(of: "\"\(name)\": {")),
                                                         extractor: self.name) {
                    result.packages.append(package)
                }
            }
        }
        return result
    }
}

/// `poetry.lock` 1.x (`category = "dev"`) and 2.x (`groups = [...]`).
public struct PoetryLockExtractor: Extractor {
    public let name = "poetry.lock"
    public let ecosystem = Ecosystem.pypi
    public init() {}

    public func fileRequired(_ path: String) -> Bool { PathName.base(path) == "poetry.lock" }

    public func extract(_ input: ExtractorInput) throws -> Extraction {
        let root = try StructuredDocument.toml(input.contents)
        return Extraction(packages: PythonLockEntry.packages(in: input, root: root, key: "package", extractor: name) { entry in
            let groups = (entry.array("groups") ?? []).compactMap { $0 as? String }
            var reading = PythonLockEntry.Reading(isDev: entry.string("category") == "dev" || (!groups.isEmpty && !groups.contains("main")))
            // `legacy` sources are private package indexes: still registry releases.
            if let table = entry.dictionary("source"), let type = table.string("type"), type != "legacy" {
                reading.nonRegistrySource = "\(type): \(table.string("url") ?? "")"
            }
            return reading
        })
    }
}

/// `uv.lock`: packages with a `source` table; the project itself (`editable`/`virtual`) is skipped.
public struct UvLockExtractor: Extractor {
    public let name = "uv.lock"
    public let ecosystem = Ecosystem.pypi
    public init() {}

    public func fileRequired(_ path: String) -> Bool { PathName.base(path) == "uv.lock" }

    public func extract(_ input: ExtractorInput) throws -> Extraction {
        let root = try StructuredDocument.toml(input.contents)
        let devOnly = devOnlyNames(root)
        return Extraction(packages: PythonLockEntry.packages(in: input, root: root, key: "package", extractor: name) { entry in
            let source = entry.dictionary("source") ?? [:]
            if source["editable"] != nil || source["virtual"] != nil { return nil }
            return PythonLockEntry.Reading(nonRegistrySource: source.string("git").map { "git+\($0)" } ?? source.string("path")
                                           ?? source.string("directory") ?? source.string("url"),
                                           isDev: devOnly.contains(Ecosystem.pypi.normalizedName(entry.string("name") ?? "")))
        })
    }

    /// uv records dev groups on the project's own package (`[package.dev-dependencies]`), not on
    /// each package: those only reachable from there are dev.
    private func devOnlyNames(_ root: [String: Any]) -> Set<String> {
        func names(_ list: Any?) -> [String] {
            (list as? [Any] ?? []).compactMap { ($0 as? [String: Any])?.string("name").map(Ecosystem.pypi.normalizedName) }
        }
        var prodRoots: [String] = [], devRoots: [String] = []
        var edges: [String: [String]] = [:]
        for entry in (root["package"] as? [Any] ?? []).compactMap({ $0 as? [String: Any] }) {
            guard let name = entry.string("name").map(Ecosystem.pypi.normalizedName) else { continue }
            let optional = (entry.dictionary("optional-dependencies") ?? [:]).values.flatMap(names)
            edges[name, default: []] += names(entry["dependencies"]) + optional
            let source = entry.dictionary("source") ?? [:]
            if source["editable"] != nil || source["virtual"] != nil {
                prodRoots += names(entry["dependencies"]) + optional
                devRoots += (entry.dictionary("dev-dependencies") ?? [:]).values.flatMap(names)
            }
        }
        return DevReachability.devOnly(prodRoots: prodRoots, devRoots: devRoots, edges: edges)
    }
}

/// `pdm.lock`: packages with `groups`; those outside `default` are dev.
public struct PdmLockExtractor: Extractor {
    public let name = "pdm.lock"
    public let ecosystem = Ecosystem.pypi
    public init() {}

    public func fileRequired(_ path: String) -> Bool { PathName.base(path) == "pdm.lock" }

    public func extract(_ input: ExtractorInput) throws -> Extraction {
        let root = try StructuredDocument.toml(input.contents)
        return Extraction(packages: PythonLockEntry.packages(in: input, root: root, key: "package", extractor: name) { entry in
            let groups = (entry.array("groups") ?? []).compactMap { $0 as? String }
            return PythonLockEntry.Reading(nonRegistrySource: entry.string("git").map { "git+\($0)" } ?? entry.string("path") ?? entry.string("url"),
                                           isDev: !groups.isEmpty && !groups.contains("default"))
        })
    }
}

/// `pylock.toml` and `pylock.<name>.toml` (PEP 751).
public struct PylockExtractor: Extractor {
    public let name = "pylock.toml"
    public let ecosystem = Ecosystem.pypi
    public init() {}

    public func fileRequired(_ path: String) -> Bool {
        let base = PathName.base(path)
        return base == "pylock.toml" || (base.hasPrefix("pylock.") && base.hasSuffix(".toml"))
    }

    public func extract(_ input: ExtractorInput) throws -> Extraction {
        let root = try StructuredDocument.toml(input.contents)
        var result = Extraction()
        if let version = root.string("lock-version"), !version.hasPrefix("1.") && version != "1" {
            result.issues.append(ScanIssue(location: input.location, message: "lock-version \(version) is newer than fnaudit knows", severity: .warning))
        }
        result.packages = PythonLockEntry.packages(in: input, root: root, key: "packages", extractor: name) { entry in
            var reading = PythonLockEntry.Reading(marker: entry.string("marker"))
            if let vcs = entry.dictionary("vcs") { reading.nonRegistrySource = "\(vcs.string("type") ?? "vcs")+\(vcs.string("url") ?? vcs.string("path") ?? "")" }
            if let directory = entry.dictionary("directory") { reading.nonRegistrySource = directory.string("path") ?? "directory" }
            if let archive = entry.dictionary("archive") { reading.nonRegistrySource = archive.string("url") ?? archive.string("path") ?? "archive" }
            return reading
        }
        return result
    }
}
