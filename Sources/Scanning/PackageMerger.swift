import Foundation
import FnauditModel

/// The same package found in several places is one package with every location. Linear in the
/// number of sightings: a bundle can hold the same package thousands of times. The result does not
/// depend on the order sightings arrive in (a lockfile parsed into a dictionary gives its copies of
/// one package in any order): locations are sorted, and so are the dependency paths kept.
public enum PackageMerger {
    public static func merge(_ packages: [Package]) -> [Package] {
        var merged: [Package] = []
        var keys: [PackageIdentity] = []
        var seenLocations: [Set<Location>] = []
        var allPaths: [Set<[String]>] = []
        var index: [PackageIdentity: Int] = [:]
        for package in packages {
            let key = package.identity
            guard let i = index[key] else {
                index[key] = merged.count
                merged.append(package)
                keys.append(key)
                seenLocations.append(Set(package.locations))
                allPaths.append(Set(package.dependencyPaths))
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
            if let marker = package.environmentMarker, merged[i].environmentMarker.map({ marker < $0 }) ?? true {
                merged[i].environmentMarker = marker
            }
            if let direct = package.isDirect { merged[i].isDirect = (merged[i].isDirect ?? false) || direct }
            for license in package.licenses where !merged[i].licenses.contains(license) { merged[i].licenses.append(license) }
            allPaths[i].formUnion(package.dependencyPaths)
        }
        for i in merged.indices {
            merged[i].locations.sort()
            // The five shortest chains, ties in name order.
            if allPaths[i].count > 1 {
                merged[i].dependencyPaths = Array(allPaths[i].sorted { ($0.count, $0.joined(separator: " > ")) < ($1.count, $1.joined(separator: " > ")) }.prefix(5))
            }
        }
        return merged.indices.sorted { keys[$0] < keys[$1] }.map { merged[$0] }
    }
}
