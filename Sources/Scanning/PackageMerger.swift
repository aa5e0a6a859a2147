import Foundation
import FnauditModel

/// The same package found in several places is one package with every location. Linear in the
/// number of sightings (a bundle can hold the same package thousands of times), and independent
/// of the order they arrive in (a lockfile parsed into a dictionary gives its copies of one package
/// in any order, and the walk's order is no contract either): the sighting at the first location
/// gives the fields one copy decides (the name as spelt, a jar's digests), and what sightings add
/// up to (locations, extractors, licences, the dependency paths kept) is sorted.
public enum PackageMerger {
    public static func merge(_ packages: [Package]) -> [Package] {
        var groups: [PackageIdentity: [Int]] = [:]
        for index in packages.indices { groups[packages[index].identity, default: []].append(index) }
        let keys = groups.keys.sorted()
        // Each package merged on its own, on all cores (a monorepo gives a hundred thousand sightings).
        return parallelMap(keys.count, chunk: 256) { k -> Package? in
            guard var members = groups[keys[k]], !members.isEmpty else { return nil }
            if members.count == 1 { return packages[members[0]] }
            // Each sighting's first location found once, not at every comparison.
            members = members.map { ($0, firstLocation(packages[$0])) }.sorted { $0.1 < $1.1 }.map(\.0)
            var merged = packages[members[0]]
            // Copies of one lockfile give each sighting one location, and sorted by it they are usually
            // strictly increasing: then they are already sorted and distinct, with no set to build.
            let oneEach = members.allSatisfy { packages[$0].locations.count == 1 }
            let increasing = oneEach && zip(members, members.dropFirst()).allSatisfy { packages[$0].locations[0] < packages[$1].locations[0] }
            var seenLocations = increasing ? [] : Set(merged.locations)
            var paths = Set(merged.dependencyPaths)
            for index in members.dropFirst() {
                // Read in place: copying each sighting whole cost a retain per field.
                if increasing {
                    merged.locations.append(packages[index].locations[0])
                } else {
                    for location in packages[index].locations where seenLocations.insert(location).inserted {
                        merged.locations.append(location)
                    }
                }
                // Dev only if every sighting is dev: one production use makes it production.
                merged.isDev = merged.isDev && packages[index].isDev
                for extractor in packages[index].extractors where !merged.extractors.contains(extractor) {
                    merged.extractors.append(extractor)
                }
                if merged.environmentMarker == nil { merged.environmentMarker = packages[index].environmentMarker }
                if let direct = packages[index].isDirect { merged.isDirect = (merged.isDirect ?? false) || direct }
                for license in packages[index].licenses where !merged.licenses.contains(license) { merged.licenses.append(license) }
                // Another copy of the same lockfile gives the same paths: one comparison, no hashing.
                if packages[index].dependencyPaths != merged.dependencyPaths { paths.formUnion(packages[index].dependencyPaths) }
            }
            if !increasing { merged.locations.sort() }
            merged.extractors.sort { $0.id < $1.id }
            merged.licenses.sort()
            // The five shortest chains of all sightings, ties in name order.
            merged.dependencyPaths = Array(paths.sorted { ($0.count, $0.joined(separator: " > ")) < ($1.count, $1.joined(separator: " > ")) }.prefix(5))
            return merged
        }.compactMap { $0 }
    }

    /// Where a sighting was made, for ordering sightings (one without a location sorts first).
    private static func firstLocation(_ package: Package) -> Location {
        package.locations.min() ?? Location(path: "")
    }
}
