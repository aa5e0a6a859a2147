import Foundation
import FnauditModel

/// What a jar (war, ear…) says about itself: each `META-INF/maven/<g>/<a>/pom.properties` (a
/// shaded jar holds many); else its manifest's main section and file name, looked up in the
/// curated table of `JavaCoordinates` (the package is then marked as inferred, with the evidence);
/// else it is listed as unidentified, with its digests: a groupId is never invented.
/// Archive-scoped: the choice depends on every entry of one jar, so it runs once per archive.
public struct JavaArchiveExtractor: Analyzer {
    public init() {}

    static let javaArchiveSuffixes = [".jar", ".war", ".ear", ".aar", ".hpi", ".par"]

    /// Whether a file name is a Java archive: its digests are worth recording.
    public static func isJavaArchive(_ name: String) -> Bool {
        javaArchiveSuffixes.contains { name.hasSuffixIgnoringASCIICase($0) }
    }

    public func wants(_ entry: EntryInfo) -> Bool {
        entry.inArchive && (JavaArchiveExtractor.isPomProperties(entry.path) || entry.path == "META-INF/MANIFEST.MF"
            || JavaArchiveExtractor.isEmbeddedPom(entry.path))
    }

    private static func isPomProperties(_ path: String) -> Bool {
        path.hasPrefixBytes("META-INF/maven/") && path.hasSuffixBytes("/pom.properties")
    }

    /// The pom.xml beside a pom.properties: read for its `<licenses>` only.
    private static func isEmbeddedPom(_ path: String) -> Bool {
        path.hasPrefixBytes("META-INF/maven/") && path.hasSuffixBytes("/pom.xml")
    }

    public func analyze(_ container: Container) -> Extraction {
        guard container.kind == .archive else { return Extraction() }
        var result = Extraction()
        for path in container.entries where JavaArchiveExtractor.isPomProperties(path) {
            let location = container.location(of: path)
            guard let bytes = container.files.contents(of: path) else { continue }
            let values = JavaArchiveExtractor.properties(bytes)
            guard let group = values["groupId"], let artifact = values["artifactId"], let version = values["version"],
                  !group.isEmpty, !artifact.isEmpty, !version.isEmpty else {
                result.issues.append(ScanIssue(location: location, message: "pom.properties without groupId, artifactId and version", severity: .warning))
                continue
            }
            var package = Package(ecosystem: .maven, name: "\(group):\(artifact)", version: version,
                                  locations: [location], extractor: .pomProperties)
            let pomPath = PathName.directory(path) + "/pom.xml"
            if container.entries.contains(pomPath), let pom = container.files.contents(of: pomPath) {
                package.licenses = DeclaredLicenses.pom(pom)
            }
            result.packages.append(package)
        }
        let archiveName = container.location.entryChain.last ?? container.location.path
        guard JavaArchiveExtractor.isJavaArchive(archiveName) else { return result }
        // A jar that is exactly one package: its digests identify it (CycloneDX hashes).
        if result.packages.count == 1 { result.packages[0].digests = container.digests }
        if !result.packages.isEmpty { return result }
        let manifestPath = "META-INF/MANIFEST.MF"
        let manifest = container.entries.contains(manifestPath) ? container.files.contents(of: manifestPath) : nil
        let evidence = JarEvidence(manifest: manifest, fileName: archiveName)
        guard let identity = JavaCoordinates.identify(evidence) else {
            let (stem, version) = JavaCoordinates.splitFileStem(evidence.fileStem)
            var seen = ["file name \(PathName.base(archiveName))"]
            if let v = evidence.bundleSymbolicName { seen.append("Bundle-SymbolicName \(v)") }
            if let v = evidence.automaticModuleName { seen.append("Automatic-Module-Name \(v)") }
            if let v = evidence.implementationTitle { seen.append("Implementation-Title \(v)") }
            result.unidentified.append(UnidentifiedArtifact(
                location: container.location, digests: container.digests,
                reason: "no pom.properties, and no known Maven coordinates for its \(seen.joined(separator: ", "))",
                artifactHint: version == nil ? nil : stem, versionHint: version))
            return result
        }
        let extractor: ExtractorID
        switch identity.identification.method {
        case "manifest:Bundle-SymbolicName": extractor = .manifestBundle
        case "manifest:Automatic-Module-Name": extractor = .manifestModule
        case "manifest:Implementation-Title": extractor = .manifestImplementation
        default: extractor = .jarFileName
        }
        let location = extractor == .jarFileName ? container.location : container.location(of: manifestPath)
        var package: Package
        if let version = identity.version {
            package = Package(ecosystem: .maven, name: identity.coordinates, version: version, locations: [location], extractor: extractor)
        } else {
            package = Package(ecosystem: .maven, name: identity.coordinates, version: "", versionKind: .unresolved,
                              versionNote: "no version in the manifest or the file name", locations: [location], extractor: extractor)
        }
        package.identification = identity.identification
        package.digests = container.digests
        result.packages.append(package)
        if let conflict = identity.versionConflict {
            result.issues.append(ScanIssue(location: container.location, message: "\(identity.coordinates): \(conflict)", severity: .warning))
        }
        return result
    }

    /// `key=value` lines of a `.properties` file (`#` and `!` start comments).
    static func properties(_ bytes: [UInt8]) -> [String: String] {
        var values: [String: String] = [:]
        for line in TextLines.split(String(decoding: bytes, as: UTF8.self)) where !line.hasPrefix("#") && !line.hasPrefix("!") {
            guard let sep = line.firstIndex(of: "=") else { continue }
            values[line[..<sep].trimmingCharacters(in: .whitespaces)] = line[line.index(after: sep)...].trimmingCharacters(in: .whitespaces)
        }
        return values
    }
}
