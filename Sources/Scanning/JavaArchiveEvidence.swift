import Foundation
import FnauditExtractors
import FnauditModel

/// What a jar says about itself: each `META-INF/maven/<g>/<a>/pom.properties` (a shaded jar holds
/// many), else `META-INF/MANIFEST.MF`, else the file name (`name-1.2.3.jar`). The evidence used
/// is recorded as the package's extractor.
final class JavaArchiveEvidence {
    private let archiveLocation: Location
    private var properties: [Package] = []
    private var manifest: (bytes: [UInt8], location: Location)?
    private(set) var issues: [ScanIssue] = []

    init(archiveLocation: Location) {
        self.archiveLocation = archiveLocation
    }

    private var isJavaArchive: Bool {
        let name = (archiveLocation.entryChain.last ?? archiveLocation.path).lowercased()
        return [".jar", ".war", ".ear", ".aar", ".hpi", ".par"].contains { name.hasSuffix($0) }
    }

    func wants(_ name: String) -> Bool {
        (name.hasPrefix("META-INF/maven/") && name.hasSuffix("/pom.properties")) || name == "META-INF/MANIFEST.MF"
    }

    func record(_ name: String, _ bytes: [UInt8], at location: Location) {
        if name == "META-INF/MANIFEST.MF" {
            manifest = (bytes, location)
            return
        }
        let values = JavaArchiveEvidence.keyValues(bytes, separator: "=")
        guard let group = values["groupId"], let artifact = values["artifactId"], let version = values["version"],
              !group.isEmpty, !artifact.isEmpty, !version.isEmpty else {
            issues.append(ScanIssue(location: location, message: "pom.properties without groupId, artifactId and version", severity: .warning))
            return
        }
        properties.append(Package(ecosystem: .maven, name: "\(group):\(artifact)", version: version,
                                  locations: [location], extractor: "pom.properties"))
    }

    func packages() -> [Package] {
        if !properties.isEmpty { return properties }
        guard isJavaArchive else { return [] }
        if let manifest, let package = fromManifest(manifest.bytes, manifest.location) { return [package] }
        return fromFileName().map { [$0] } ?? []
    }

    /// Bundle-SymbolicName (OSGi, usually `groupId.artifactId`-like) is a guess at coordinates,
    /// so only manifests that name a Maven-style `group:artifact` through Implementation-Vendor-Id
    /// and Implementation-Title, or a Bundle-SymbolicName with a dot, are used.
    private func fromManifest(_ bytes: [UInt8], _ location: Location) -> Package? {
        let values = JavaArchiveEvidence.keyValues(bytes, separator: ":")
        if let title = values["Implementation-Title"], let version = values["Implementation-Version"],
           let vendor = values["Implementation-Vendor-Id"], !title.contains(" ") {
            return Package(ecosystem: .maven, name: "\(vendor):\(title)", version: version, locations: [location],
                           extractor: "MANIFEST.MF (Implementation-*)")
        }
        if let symbolic = values["Bundle-SymbolicName"]?.split(separator: ";").first.map(String.init),
           let version = values["Bundle-Version"], let dot = symbolic.lastIndex(of: ".") {
            let group = String(symbolic[..<dot]), artifact = String(symbolic[symbolic.index(after: dot)...])
            return Package(ecosystem: .maven, name: "\(group):\(artifact)", version: version, locations: [location],
                           extractor: "MANIFEST.MF (Bundle-SymbolicName)")
        }
        return nil
    }

    /// `jackson-databind-2.9.8.jar` → artifact `jackson-databind`, version `2.9.8`; the group is
    /// unknown, so the name carries only the artifact and matching cannot use it.
    private func fromFileName() -> Package? {
        let file = String(PathName.base(archiveLocation.entryChain.last ?? archiveLocation.path))
        guard let dot = file.lastIndex(of: ".") else { return nil }
        let stem = file[..<dot]
        var index = stem.startIndex
        while let dash = stem[index...].firstIndex(of: "-") {
            let next = stem.index(after: dash)
            if next < stem.endIndex, stem[next].isNumber {
                return Package(ecosystem: .maven, name: String(stem[..<dash]), version: String(stem[next...]),
                               versionKind: .unresolved, versionNote: "from the file name only: no groupId to match on",
                               locations: [archiveLocation], extractor: "jar file name")
            }
            index = next
        }
        return nil
    }

    /// `key=value` (properties) or `Key: value` (manifest, with 72-byte continuation lines).
    static func keyValues(_ bytes: [UInt8], separator: Character) -> [String: String] {
        var values: [String: String] = [:]
        var lastKey: String?
        for raw in TextLines.split(String(decoding: bytes, as: UTF8.self)) {
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
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

