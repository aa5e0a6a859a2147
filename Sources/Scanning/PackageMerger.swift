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
        for package in packages {
            let key = package.identity
            guard let i = index[key] else {
                index[key] = merged.count
                merged.append(package)
                keys.append(key)
                seenLocations.append(Set(package.locations))
                continue
            }
            for location in package.locations where seenLocations[i].insert(location).inserted {
                merged[i].locations.append(location)
            }
            // Dev only if every sighting is dev: one production use makes it production.
            merged[i].isDev = merged[i].isDev && package.isDev
            for extractor in package.extractors where !merged[i].extractors.contains(extractor) {
                merged[i].extractors.append(extractor)
            }
            if merged[i].environmentMarker == nil { merged[i].environmentMarker = package.environmentMarker }
            if let direct = package.isDirect { merged[i].isDirect = (merged[i].isDirect ?? false) || direct }
            for license in package.licenses where !merged[i].licenses.contains(license) { merged[i].licenses.append(license) }
            for path in package.dependencyPaths where merged[i].dependencyPaths.count < 5 && !merged[i].dependencyPaths.contains(path) {
                merged[i].dependencyPaths.append(path)
            }
        }
        for i in merged.indices { merged[i].locations.sort() }
        return merged.indices.sorted { keys[$0] < keys[$1] }.map { merged[$0] }
    }
}
