import Foundation
import FnauditModel

/// `Pipfile.lock`: `default` and `develop` (dev) sections, versions written `==1.2.3`.
public struct PipfileLockExtractor: Extractor {
    public let id = ExtractorID.pipfileLock
    public init() {}

    public func fileRequired(_ path: String) -> Bool { PathName.base(path) == "Pipfile.lock" }

    public func extract(_ input: ExtractorInput) throws -> Extraction {
        guard let root = try StructuredDocument.json(input.contents) as? [String: Any] else {
            throw ExtractionError("not a Pipfile.lock: the document is not a JSON object")
        }
        guard root["default"] != nil || root["develop"] != nil || root["_meta"] != nil else {
            throw ExtractionError("not a Pipfile.lock: no default, develop or _meta section")
        }
        let lines = KeyLines(jsonObjectKeysIn: input.contents)
        var result = Extraction()
        for (section, isDev) in [("default", false), ("develop", true)] {
            for (name, value) in root.dictionary(section) ?? [:] {
                guard let entry = value as? [String: Any] else { continue }
                var version = entry.string("version")
                if let v = version, v.hasPrefix("==") { version = String(v.dropFirst(v.hasPrefix("===") ? 3 : 2)) }
                let source = entry.string("git").map { "git+\($0)" } ?? entry.string("path") ?? entry.string("file")
                if let package = PythonLockEntry.package(name: name, version: version, nonRegistrySource: source, isDev: isDev,
                                                         location: input.location(line: lines.line(of: name)),
                                                         extractor: id) {
                    result.packages.append(package)
                }
            }
        }
        return result
    }
}
