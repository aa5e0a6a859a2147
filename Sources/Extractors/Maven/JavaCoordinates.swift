import FnauditModel
import FnauditVersioning

/// What a jar's manifest and file name say about it, read from the main section only (named
/// sections describe packages inside the jar, not the jar).
struct JarEvidence {
    var bundleSymbolicName: String?
    var automaticModuleName: String?
    var implementationTitle: String?
    var implementationVendor: String?
    var implementationVersion: String?
    var bundleVersion: String?
    /// The file name without its extension (`log4j-1.2.17`).
    var fileStem: String

    init(manifest: [UInt8]?, fileName: String) {
        let main = manifest.map { JarEvidence.mainSection($0) } ?? [:]
        bundleSymbolicName = main["Bundle-SymbolicName"]?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) }
        automaticModuleName = main["Automatic-Module-Name"]
        implementationTitle = main["Implementation-Title"]
        implementationVendor = main["Implementation-Vendor"]
        implementationVersion = main["Implementation-Version"]
        bundleVersion = main["Bundle-Version"]
        let base = String(PathName.base(fileName))
        fileStem = base.lastIndex(of: ".").map { String(base[..<$0]) } ?? base
    }

    /// `Key: value` lines up to the first blank line, with 72-byte continuation lines joined.
    static func mainSection(_ bytes: [UInt8]) -> [String: String] {
        var values: [String: String] = [:]
        var lastKey: String?
        for line in TextLines.split(String(decoding: bytes, as: UTF8.self)) {
            if line.isEmpty { break }
            if line.hasPrefix(" "), let key = lastKey {
                values[key, default: ""] += line.dropFirst()
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = String(line[..<colon])
            values[key] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            lastKey = key
        }
        return values
    }
}

/// A jar identified from its manifest or file name, through the curated table in `Data/`.
struct JarIdentity {
    var coordinates: String
    var version: String?
    var identification: Identification
    /// Set when the file name's version and the manifest's disagree on the numbers.
    var versionConflict: String?
}

/// The curated table (Maven/Data/java-coordinates*.tsv, each row with its source): well-known
/// Bundle-SymbolicName, Automatic-Module-Name, Implementation-Title and file-name stems, mapped to
/// the `groupId:artifactId` Maven Central uses. Keys shared by several artifacts are listed as
/// ambiguous and never resolved; keys whose coordinates moved between versions are versioned.
enum JavaCoordinates {
    enum Kind: String, CaseIterable { case symbolicName = "symbolic-name", moduleName = "module-name", title, fileStem = "file-stem" }

    struct Versioned { var range: String; var coordinates: String }

    private struct Tables: Sendable {
        var plain: [String: String] = [:]          // "kind\tkey" → coordinates
        var versioned: [String: [Versioned]] = [:]
        var ambiguous: Set<String> = []
        var stems: Set<String> = []
    }

    private static let tables: Tables = {
        var tables = Tables()
        for row in rows(PackageResources.java_coordinates_tsv) where row.count >= 3 {
            tables.plain["\(row[0])\t\(row[1])"] = row[2]
            if row[0] == Kind.fileStem.rawValue { tables.stems.insert(row[1]) }
        }
        for row in rows(PackageResources.java_coordinates_versioned_tsv) where row.count >= 4 {
            tables.versioned["\(row[0])\t\(row[1])", default: []].append(Versioned(range: row[2], coordinates: row[3]))
            if row[0] == Kind.fileStem.rawValue { tables.stems.insert(row[1]) }
        }
        for row in rows(PackageResources.java_coordinates_ambiguous_tsv) where row.count >= 2 {
            tables.ambiguous.insert("\(row[0])\t\(row[1])")
        }
        return tables
    }()

    /// Data rows of a TSV with a header line.
    private static func rows(_ bytes: [UInt8]) -> [[String]] {
        TextLines.split(String(decoding: bytes, as: UTF8.self)).dropFirst().filter { !$0.isEmpty && !$0.hasPrefix("#") }
            .map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    }

    /// `log4j-1.2-api-2.20.0` → (`log4j-1.2-api`, `2.20.0`): the last `-<digit>` whose prefix is a
    /// known stem, else the first; no version when there is no `-<digit>`.
    static func splitFileStem(_ stem: String) -> (stem: String, version: String?) {
        var cuts: [String.Index] = []
        var index = stem.startIndex
        while let dash = stem[index...].firstIndex(of: "-") {
            let next = stem.index(after: dash)
            if next < stem.endIndex, stem[next].isASCII, stem[next].isNumber { cuts.append(dash) }
            index = next
        }
        if let known = cuts.last(where: { tables.stems.contains(String(stem[..<$0])) }) ?? cuts.first {
            return (String(stem[..<known]), String(stem[stem.index(after: known)...]))
        }
        return (stem, nil)
    }

    static func identify(_ evidence: JarEvidence) -> JarIdentity? {
        let (stem, fileVersion) = splitFileStem(evidence.fileStem)
        let (version, conflict) = chooseVersion(fileVersion: fileVersion, evidence)
        var keys: [(Kind, String, String)] = []   // kind, key, manifest header (for the evidence)
        if let v = evidence.bundleSymbolicName { keys.append((.symbolicName, v, "manifest:Bundle-SymbolicName")) }
        if let v = evidence.automaticModuleName { keys.append((.moduleName, v, "manifest:Automatic-Module-Name")) }
        if let title = evidence.implementationTitle {
            if let vendor = evidence.implementationVendor { keys.append((.title, "\(title)|\(vendor)", "manifest:Implementation-Title")) }
            keys.append((.title, title, "manifest:Implementation-Title"))
        }
        keys.append((.fileStem, stem, "file-name"))
        let fromStem = coordinates(.fileStem, stem, version: version)
        for (kind, key, method) in keys {
            guard var found = coordinates(kind, key, version: version) else { continue }
            // A jar that carries its family's bundle name (commons-logging-api) is told apart by its file name.
            if kind != .fileStem, let fromStem, fromStem != found,
               fromStem.split(separator: ":").first == found.split(separator: ":").first {
                found = fromStem
                return JarIdentity(coordinates: found, version: version,
                                   identification: Identification(method: "file-name", evidence: evidence.fileStem), versionConflict: conflict)
            }
            return JarIdentity(coordinates: found, version: version,
                               identification: Identification(method: method, evidence: kind == .fileStem ? evidence.fileStem : key),
                               versionConflict: conflict)
        }
        return nil
    }

    private static func coordinates(_ kind: Kind, _ key: String, version: String?) -> String? {
        let lookup = "\(kind.rawValue)\t\(key)"
        if tables.ambiguous.contains(lookup) { return nil }
        if let ranges = tables.versioned[lookup] {
            guard let version, let parsed = MavenVersion(version) else { return nil }
            return ranges.first { MavenRange($0.range)?.contains(parsed) == true }?.coordinates
        }
        return tables.plain[lookup]
    }

    /// The file name's version unless a manifest version contradicts its numbers (then the
    /// manifest's, Implementation-Version first); a classifier the manifest proves is dropped
    /// (`4.1.96.Final-linux-x86_64` → `4.1.96.Final`). Manifest values that do not start with a
    /// digit (`unspecified`) or are `0` count as absent; only their first word is used.
    static func chooseVersion(fileVersion: String?, _ evidence: JarEvidence) -> (String?, conflict: String?) {
        func clean(_ value: String?) -> String? {
            guard let word = value?.split(separator: " ").first.map(String.init), word != "0",
                  let first = word.first, first.isASCII, first.isNumber else { return nil }
            return word
        }
        let manifest = [clean(evidence.implementationVersion), clean(evidence.bundleVersion)].compactMap { $0 }
        guard let fileVersion else { return (manifest.first, nil) }
        if let proven = manifest.first(where: { fileVersion.hasPrefix($0 + "-") }) { return (proven, nil) }
        guard let contradicting = manifest.first(where: { numbers($0) != numbers(fileVersion) }),
              !manifest.contains(where: { numbers($0) == numbers(fileVersion) }) else { return (fileVersion, nil) }
        return (contradicting, "the file name says \(fileVersion), the manifest \(contradicting): the manifest's is used")
    }

    /// The leading numbers of a version, trailing zeros dropped (`1.2.0.Final` → [1, 2]).
    private static func numbers(_ version: String) -> [Int] {
        var result: [Int] = []
        for part in version.split(separator: ".") {
            let digits = part.prefix { $0.isASCII && $0.isNumber }
            guard let value = Int(digits) else { break }
            result.append(value)
            if digits.count != part.count { break }
        }
        while result.last == 0 { result.removeLast() }
        return result
    }
}

/// A Maven version range as the versioned table writes it: `[6,8.0.31)`, `[8.0.31,)`.
struct MavenRange {
    var lower: (MavenVersion, inclusive: Bool)?
    var upper: (MavenVersion, inclusive: Bool)?

    init?(_ text: String) {
        guard let open = text.first, let close = text.last, "[(".contains(open), "])".contains(close) else { return nil }
        let parts = text.dropFirst().dropLast().split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        if !parts[0].isEmpty {
            guard let v = MavenVersion(String(parts[0])) else { return nil }
            lower = (v, open == "[")
        }
        if !parts[1].isEmpty {
            guard let v = MavenVersion(String(parts[1])) else { return nil }
            upper = (v, close == "]")
        }
    }

    func contains(_ version: MavenVersion) -> Bool {
        if let (low, inclusive) = lower {
            let order = MavenVersion.compare(version, low)
            if order < 0 || (order == 0 && !inclusive) { return false }
        }
        if let (high, inclusive) = upper {
            let order = MavenVersion.compare(version, high)
            if order > 0 || (order == 0 && !inclusive) { return false }
        }
        return true
    }
}
