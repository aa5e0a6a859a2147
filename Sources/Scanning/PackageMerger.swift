import Foundation
import FnauditModel

/// The same package found in several places is one package with every location. Linear in the
/// number of sightings: a bundle can hold the same package thousands of times.
public enum PackageMerger {
    public static func merge(_ packages: [Package]) -> [Package] {
        var merged: [Package] = []
        var keys: [PackageIdentity] = []
        var seenLocations: [Set<Location>] = []
        var index: [PackageIdentity: Int] = [:]
        // By index: a sighting's fields are read in place, not the whole package copied per sighting
        // (a monorepo holds many copies of the same lockfile: most sightings merge into one package).
        for j in packages.indices {
            let key = packages[j].identity
            guard let i = index[key] else {
                index[key] = merged.count
                merged.append(packages[j])
                keys.append(key)
                seenLocations.append(Set(packages[j].locations))
                continue
            }
            for location in packages[j].locations where seenLocations[i].insert(location).inserted {
                merged[i].locations.append(location)
            }
            // Dev only if every sighting is dev: one production use makes it production.
            merged[i].isDev = merged[i].isDev && packages[j].isDev
            for extractor in packages[j].extractors where !merged[i].extractors.contains(extractor) {
                merged[i].extractors.append(extractor)
            }
            if merged[i].environmentMarker == nil { merged[i].environmentMarker = packages[j].environmentMarker }
            if let direct = packages[j].isDirect { merged[i].isDirect = (merged[i].isDirect ?? false) || direct }
            for license in packages[j].licenses where !merged[i].licenses.contains(license) { merged[i].licenses.append(license) }
            // Another copy of the same lockfile has the same paths: one comparison instead of one per pair.
            if packages[j].dependencyPaths != merged[i].dependencyPaths {
                for path in packages[j].dependencyPaths where merged[i].dependencyPaths.count < 5 && !merged[i].dependencyPaths.contains(path) {
                    merged[i].dependencyPaths.append(path)
                }
            }
        }
        for i in merged.indices { merged[i].locations.sort() }
        return merged.indices.sorted { keys[$0] < keys[$1] }.map { merged[$0] }
    }
}
