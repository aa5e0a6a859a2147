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

    /// `[[package]]`-style tables, each with its line (`name = "x"` after the header).
    static func tables(_ root: [String: Any], key: String) -> [[String: Any]] {
        (root[key] as? [Any] ?? []).compactMap { $0 as? [String: Any] }
    }

    /// The line of each `[[header]]` table, in document order (TOML keeps array order, so the
    /// i-th table parsed is the i-th header).
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
        let lines = PythonLockEntry.headerLines(input.contents, header: "package")
        var result = Extraction()
        for (index, entry) in PythonLockEntry.tables(root, key: "package").enumerated() {
            let name = entry.string("name") ?? ""
            let groups = (entry.array("groups") ?? []).compactMap { $0 as? String }
            let isDev = entry.string("category") == "dev" || (!groups.isEmpty && !groups.contains("main"))
            var source: String?
            if let table = entry.dictionary("source"), let type = table.string("type"), type != "legacy" {
                source = "\(type): \(table.string("url") ?? "")"
            }
            if let package = PythonLockEntry.package(name: name, version: entry.string("version"), nonRegistrySource: source,
                                                     isDev: isDev, location: input.location(line: index < lines.count ? lines[index] : nil),
                                                     extractor: self.name) {
                result.packages.append(package)
            }
        }
        return result
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
        let lines = PythonLockEntry.headerLines(input.contents, header: "package")
        var result = Extraction()
        for (index, entry) in PythonLockEntry.tables(root, key: "package").enumerated() {
            let name = entry.string("name") ?? ""
            let source = entry.dictionary("source") ?? [:]
            if source["editable"] != nil || source["virtual"] != nil { continue }
            let nonRegistry = source.string("git").map { "git+\($0)" } ?? source.string("path") ?? source.string("directory") ?? source.string("url")
            if let package = PythonLockEntry.package(name: name, version: entry.string("version"), nonRegistrySource: nonRegistry,
                                                     isDev: false, location: input.location(line: index < lines.count ? lines[index] : nil),
                                                     extractor: self.name) {
                result.packages.append(package)
            }
        }
        return result
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
        let lines = PythonLockEntry.headerLines(input.contents, header: "package")
        var result = Extraction()
        for (index, entry) in PythonLockEntry.tables(root, key: "package").enumerated() {
            let name = entry.string("name") ?? ""
            let groups = (entry.array("groups") ?? []).compactMap { $0 as? String }
            let isDev = !groups.isEmpty && !groups.contains("default")
            let source = entry.string("git").map { "git+\($0)" } ?? entry.string("path") ?? entry.string("url")
            if let package = PythonLockEntry.package(name: name, version: entry.string("version"), nonRegistrySource: source,
                                                     isDev: isDev, location: input.location(line: index < lines.count ? lines[index] : nil),
                                                     extractor: self.name) {
                result.packages.append(package)
            }
        }
        return result
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
        let lines = PythonLockEntry.headerLines(input.contents, header: "packages")
        for (index, entry) in PythonLockEntry.tables(root, key: "packages").enumerated() {
            let name = entry.string("name") ?? ""
            var source: String?
            if let vcs = entry.dictionary("vcs") { source = "\(vcs.string("type") ?? "vcs")+\(vcs.string("url") ?? vcs.string("path") ?? "")" }
            if let directory = entry.dictionary("directory") { source = directory.string("path") ?? "directory" }
            if let archive = entry.dictionary("archive") { source = archive.string("url") ?? archive.string("path") ?? "archive" }
            if var package = PythonLockEntry.package(name: name, version: entry.string("version"), nonRegistrySource: source,
                                                     isDev: false, location: input.location(line: index < lines.count ? lines[index] : nil),
                                                     extractor: self.name) {
                package.environmentMarker = entry.string("marker")
                result.packages.append(package)
            }
        }
        return result
    }
}
