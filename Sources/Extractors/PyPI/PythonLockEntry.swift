import Foundation
import FnauditModel

/// What the TOML/JSON Python lockfiles share: a list of packages with a name, a version, a
/// source that may be a registry or not, and a dev flag.
enum PythonLockEntry {
    static func package(name: String?, version: String?, nonRegistrySource: String?, isDev: Bool,
                        location: Location, extractor: ExtractorID) -> Package? {
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
    static func packages(in input: ExtractorInput, root: [String: Any], key: String, extractor: ExtractorID,
                         describe: ([String: Any]) -> Reading?) -> [Package] {
        let lines = LineLocator.arrayTableLines(input.contents, name: key)
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
}
