import Foundation
import FnauditModel

/// What a jar (war, ear…) says about itself: each `META-INF/maven/<g>/<a>/pom.properties` (a
/// shaded jar holds many), else `META-INF/MANIFEST.MF`, else the file name (`name-1.2.3.jar`).
/// The evidence used is recorded as the package's extractor. Archive-scoped: the choice depends
/// on every entry of one jar, so it runs once per archive.
public struct JavaArchiveExtractor: Analyzer {
    public init() {}

    static let javaArchiveSuffixes = [".jar", ".war", ".ear", ".aar", ".hpi", ".par"]

    public func wants(_ entry: EntryInfo) -> Bool {
        entry.inArchive && (JavaArchiveExtractor.isPomProperties(entry.path) || entry.path == "META-INF/MANIFEST.MF")
    }

    private static func isPomProperties(_ path: String) -> Bool {
        path.hasPrefix("META-INF/maven/") && path.hasSuffix("/pom.properties")
    }

    public func analyze(_ container: Container) -> Extraction {
        guard container.kind == .archive else { return Extraction() }
        var result = Extraction()
        for path in container.entries where JavaArchiveExtractor.isPomProperties(path) {
            let location = container.location(of: path)
            guard let bytes = container.files.contents(of: path) else { continue }
            let values = JavaArchiveExtractor.keyValues(bytes, separator: "=")
            guard let group = values["groupId"], let artifact = values["artifactId"], let version = values["version"],
                  !group.isEmpty, !artifact.isEmpty, !version.isEmpty else {
                result.issues.append(ScanIssue(location: location, message: "pom.properties without groupId, artifactId and version", severity: .warning))
                continue
            }
            result.packages.append(Package(ecosystem: .maven, name: "\(group):\(artifact)", version: version,
                                           locations: [location], extractor: .pomProperties))
        }
        if !result.packages.isEmpty { return result }
        let archiveName = container.location.entryChain.last ?? container.location.path
        guard JavaArchiveExtractor.javaArchiveSuffixes.contains(where: { archiveName.lowercased().hasSuffix($0) }) else { return result }
        if container.entries.contains("META-INF/MANIFEST.MF"), let bytes = container.files.contents(of: "META-INF/MANIFEST.MF"),
           let package = fromManifest(bytes, container.location(of: "META-INF/MANIFEST.MF")) {
            result.packages.append(package)
        } else if let package = fromFileName(archiveName, location: container.location) {
            result.packages.append(package)
        }
        return result
    }

    /// Bundle-SymbolicName (OSGi, usually `groupId.artifactId`-like) is a guess at coordinates,
    /// so only manifests that name a Maven-style `group:artifact` through Implementation-Vendor-Id
    /// and Implementation-Title, or a Bundle-SymbolicName with a dot, are used.
    private func fromManifest(_ bytes: [UInt8], _ location: Location) -> Package? {
        let values = JavaArchiveExtractor.keyValues(bytes, separator: ":")
        if let title = values["Implementation-Title"], let version = values["Implementation-Version"],
           let vendor = values["Implementation-Vendor-Id"], !title.contains(" ") {
            return Package(ecosystem: .maven, name: "\(vendor):\(title)", version: version, locations: [location],
                           extractor: .manifestImplementation)
        }
        if let symbolic = values["Bundle-SymbolicName"]?.split(separator: ";").first.map(String.init),
           let version = values["Bundle-Version"], let dot = symbolic.lastIndex(of: ".") {
            let group = String(symbolic[..<dot]), artifact = String(symbolic[symbolic.index(after: dot)...])
            return Package(ecosystem: .maven, name: "\(group):\(artifact)", version: version, locations: [location],
                           extractor: .manifestBundle)
        }
        return nil
    }

    /// `jackson-databind-2.9.8.jar` → artifact `jackson-databind`, version `2.9.8`; the group is
    /// unknown, so the name carries only the artifact and matching cannot use it.
    private func fromFileName(_ archiveName: String, location: Location) -> Package? {
        let file = String(PathName.base(archiveName))
        guard let dot = file.lastIndex(of: ".") else { return nil }
        let stem = file[..<dot]
        var index = stem.startIndex
        while let dash = stem[index...].firstIndex(of: "-") {
            let next = stem.index(after: dash)
            if next < stem.endIndex, stem[next].isNumber {
                return Package(ecosystem: .maven, name: String(stem[..<dash]), version: String(stem[next...]),
                               versionKind: .unresolved, versionNote: "from the file name only: no groupId to match on",
                               locations: [location], extractor: .jarFileName)
            }
            index = next
        }
        return nil
    }

    /// `key=value` (properties) or `Key: value` (manifest, with 72-byte continuation lines).
    static func keyValues(_ bytes: [UInt8], separator: Character) -> [String: String] {
        var values: [String: String] = [:]
        var lastKey: String?
        for line in TextLines.split(String(decoding: bytes, as: UTF8.self)) {
            if separator == ":", line.hasPrefix(" "), let key = lastKey {
                values[key, default: ""] += line.dropFirst()
                continue
            }
            if line.hasPrefix("#") || line.hasPrefix("!") { continue }
            guard let sep = line.firstIndex(of: separator) else { continue }
            let key = line[..<sep].trimmingCharacters(in: .whitespaces)
            values[key] = line[line.index(after: sep)...].trimmingCharacters(in: .whitespaces)
            lastKey = key
        }
        return values
    }
}
