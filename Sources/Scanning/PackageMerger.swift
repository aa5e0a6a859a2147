import Foundation
import FnauditModel

/// The same package found in several places is one package with every location.
enum PackageMerger {
    static func merge(_ packages: [Package]) -> [Package] {
        var order: [PackageIdentity] = []
        var merged: [PackageIdentity: Package] = [:]
        for package in packages {
            let key = package.identity
            if var existing = merged[key] {
                for location in package.locations where !existing.locations.contains(location) {
                    existing.locations.append(location)
                }
                // Dev only if every sighting is dev: one production use makes it production.
                existing.isDev = existing.isDev && package.isDev
                for extractor in package.extractors where !existing.extractors.contains(extractor) {
                    existing.extractors.append(extractor)
                }
                existing.environmentMarker = existing.environmentMarker ?? package.environmentMarker
                merged[key] = existing
            } else {
                merged[key] = package
                order.append(key)
            }
        }
        return order.sorted().compactMap { key in
            guard var package = merged[key] else { return nil }
            package.locations.sort()
            return package
        }
    }
}
