import FnauditModel

/// Joins the functions that descriptors define with the packages the walk found in their code and
/// layers: per function, which copy of each package loads (effective) and which never can (shadowed).
/// The rules and their sources are in Docs/LAYERS.md.
public enum DeploymentView {
    public struct Result: Sendable {
        public var functions: [FunctionView]
        /// Packages none of whose copies loads anywhere: every copy is shadowed in every function
        /// that has it, and none lies outside the functions. Their findings never gate.
        public var shadowedEverywhere: Set<PackageIdentity>
    }

    public static func resolve(_ definitions: [FunctionDefinition], packages: [Package]) -> Result {
        var views: [FunctionView] = []
        var effectiveLocations: [PackageIdentity: Set<Location>] = [:]
        var coveredLocations: [PackageIdentity: Set<Location>] = [:]
        let copies = copiesByFunction(definitions, packages: packages)
        for (index, definition) in definitions.enumerated() {
            let (view, effective, covered) = resolve(definition, copies: copies[index], packages: packages)
            views.append(view)
            for (identity, locations) in effective { effectiveLocations[identity, default: []].formUnion(locations) }
            for (identity, locations) in covered { coveredLocations[identity, default: []].formUnion(locations) }
        }
        var shadowed = Set<PackageIdentity>()
        for package in packages {
            let covered = coveredLocations[package.identity] ?? []
            // A copy outside every function (a lockfile elsewhere in the tree) still counts as it always did.
            guard !covered.isEmpty, package.locations.allSatisfy(covered.contains) else { continue }
            if (effectiveLocations[package.identity] ?? []).isEmpty { shadowed.insert(package.identity) }
        }
        return Result(functions: views, shadowedEverywhere: shadowed)
    }

    /// One package copy inside one of the function's parts (its code, or a layer).
    struct Copy {
        var package: Package
        var location: Location
        /// Absolute folder of the execution environment the copy is installed in, when it is on a search path's terms.
        var folder: String?
        /// Nested under another package's node_modules: it serves that package only, and competes with nothing.
        var nested: Bool
        /// 0 for the function's code, 1… for layers in merge order.
        var part: Int
    }

    /// Every package copy of every function, found through an index of the functions' folders and
    /// archives by path: each location is looked up by its path and its ancestors, not compared
    /// with every function (a monorepo has hundreds of functions and tens of thousands of copies).
    static func copiesByFunction(_ definitions: [FunctionDefinition], packages: [Package]) -> [[Copy]] {
        var index: [String: [(function: Int, part: Int, root: CodeArtifact)]] = [:]
        for (function, definition) in definitions.enumerated() {
            for (part, artifact) in ([definition.artifact] + definition.layers.map(\.artifact)).enumerated() where artifact.isOnDisk {
                index[artifact.path, default: []].append((function, part, artifact))
                // The folder it was built from holds the same copies: they belong to this part too.
                for source in artifact.sources { index[source, default: []].append((function, part, CodeArtifact(kind: .directory, path: source))) }
            }
        }
        var copies = Array(repeating: [Copy](), count: definitions.count)
        guard !index.isEmpty else { return copies }
        for package in packages {
            for location in package.locations {
                // The last part that holds it, per function: a layer folder inside the code folder belongs to the layer.
                var best: [Int: (part: Int, root: CodeArtifact)] = [:]
                for key in ancestors(of: location.path) {
                    for (function, part, root) in index[key] ?? [] where part > (best[function]?.part ?? -1) { best[function] = (part, root) }
                }
                for (function, (part, root)) in best {
                    guard let inside = relativePath(of: location, in: root) else { continue }
                    let placement = place(package, at: inside)
                    copies[function].append(Copy(package: package, location: location,
                                                 folder: placement.folder.map { join(part == 0 ? "/var/task" : "/opt", $0) },
                                                 nested: placement.nested, part: part))
                }
            }
        }
        return copies
    }

    /// `a/b/c` → `a/b/c`, `a/b`, `a`: the paths a folder or archive artifact holding it can have.
    static func ancestors(of path: String) -> [String] {
        var result = [path]
        var current = Substring(path)
        while let slash = current.lastIndex(of: "/") {
            current = current[..<slash]
            if !current.isEmpty { result.append(String(current)) }
        }
        return result
    }

    static func resolve(_ definition: FunctionDefinition, copies: [Copy], packages: [Package])
        -> (FunctionView, [PackageIdentity: Set<Location>], [PackageIdentity: Set<Location>]) {
        var notes: [String] = []
        for layer in definition.layers where !layer.artifact.isOnDisk {
            notes.append("layer \(layer.name): \(layer.artifact.reason ?? "not on disk"); its packages are not known")
        }
        if !definition.artifact.isOnDisk { notes.append("code: \(definition.artifact.reason ?? "not on disk")") }

        var effective: [PackageIdentity: Set<Location>] = [:]
        var covered: [PackageIdentity: Set<Location>] = [:]
        var shadowed: [ShadowedCopy] = []
        for copy in copies { covered[copy.package.identity, default: []].insert(copy.location) }

        let byName = Dictionary(grouping: copies) { "\($0.package.ecosystem.rawValue)|\($0.package.normalizedName)" }
        // One search path per ecosystem of this function, not one per package name.
        var searchPaths: [Ecosystem: RuntimeSearchPath?] = [:]
        for key in byName.keys.sorted() {
            guard let group = byName[key], let first = group.first else { continue }
            let ecosystem = first.package.ecosystem
            if searchPaths[ecosystem] == nil {
                searchPaths[ecosystem] = .some(RuntimeSearchPath.of(ecosystem, runtime: definition.runtime, handler: definition.handler))
            }
            guard let path = searchPaths[ecosystem] ?? nil else {
                for copy in group { effective[copy.package.identity, default: []].insert(copy.location) }
                if ecosystem == .maven {
                    let versions = Set(group.map(\.package.version))
                    if versions.count > 1 {
                        notes.append("\(first.package.name) is on the class path at \(versions.sorted().joined(separator: " and ")) (\(Set(group.map { $0.location.description }).sorted().joined(separator: ", "))): which classes load depends on class path order")
                    }
                }
                continue
            }
            // Ranked copies compete: the earliest folder wins, and within one folder the last layer
            // (its files overwrite the earlier layers'). Copies off the path's terms are kept as they are.
            var ranked: [(copy: Copy, rank: Int)] = []
            for copy in group {
                guard !copy.nested, let folder = copy.folder else {
                    effective[copy.package.identity, default: []].insert(copy.location)
                    continue
                }
                if let rank = path.rank(of: folder) {
                    ranked.append((copy, rank))
                } else if path.isOtherVersionFolder(folder) {
                    shadowed.append(ShadowedCopy(package: copy.package.identity, purl: copy.package.purl, location: copy.location,
                                                 byPurl: nil, byLocation: nil,
                                                 reason: "\(folder) is not on \(definition.runtime ?? "the runtime")'s search path"))
                } else {
                    effective[copy.package.identity, default: []].insert(copy.location)
                }
            }
            guard let winner = ranked.min(by: { ($0.rank, -$0.copy.part) < ($1.rank, -$1.copy.part) }) else { continue }
            for (copy, rank) in ranked {
                if rank == winner.rank && copy.part == winner.copy.part {
                    // Same folder of the same part (a lockfile naming two versions): both load for someone.
                    effective[copy.package.identity, default: []].insert(copy.location)
                } else {
                    let why = rank == winner.rank ? "a later layer's copy in the same folder overwrites it" : "\(winner.copy.folder ?? "") comes first on the search path"
                    shadowed.append(ShadowedCopy(package: copy.package.identity, purl: copy.package.purl, location: copy.location,
                                                 byPurl: winner.copy.package.purl, byLocation: winner.copy.location, reason: why))
                }
            }
        }
        let order = Dictionary(packages.enumerated().map { ($0.element.identity, $0.offset) }, uniquingKeysWith: { a, _ in a })
        let effectiveList = effective.keys.sorted { (order[$0] ?? 0) < (order[$1] ?? 0) }
        shadowed.sort { ($0.location, $0.purl) < ($1.location, $1.purl) }
        return (FunctionView(definition: definition, effective: effectiveList, shadowed: shadowed, notes: notes,
                             effectiveLocations: effective.mapValues { $0.sorted() }), effective, covered)
    }

    /// The path of a package's evidence inside a function's code or layer, or nil when it is elsewhere.
    static func relativePath(of location: Location, in artifact: CodeArtifact) -> String? {
        switch artifact.kind {
        case .archive:
            guard location.path == artifact.path, let first = location.entryChain.first else { return nil }
            return first
        case .directory:
            let prefix = artifact.path.hasSuffix("/") ? artifact.path : artifact.path + "/"
            guard location.path.hasPrefix(prefix) else { return nil }
            return String(location.path.dropFirst(prefix.count))
        default:
            return nil
        }
    }

    /// The folder (relative to the part's root) a copy is installed in, in the terms of a search
    /// path: the folder holding a `*.dist-info` or a `node_modules/<name>`, or a lockfile's folder.
    static func place(_ package: Package, at path: String) -> (folder: String?, nested: Bool) {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard !package.extractors.allSatisfy({ $0.id.hasPrefix("js-bundle") }) else { return (nil, false) }
        switch package.ecosystem {
        case .pypi:
            if let index = parts.firstIndex(where: { $0.hasSuffix(".dist-info") || $0.hasSuffix(".egg-info") }) {
                return (parts[..<index].joined(separator: "/"), false)
            }
            // A lockfile or requirements file: what it declares is installed beside it (pip install -t).
            return (parts.dropLast().joined(separator: "/"), false)
        case .npm:
            if package.isInstalled, let index = parts.lastIndex(of: "node_modules") {
                let nested = parts[..<index].contains("node_modules")
                return (parts[...index].joined(separator: "/"), nested)
            }
            // package-lock.json, yarn.lock, …: what it declares is installed in node_modules beside it
            // (npm's own record of a tree, node_modules/.package-lock.json, lies inside that folder).
            let folder = Array(parts.dropLast())
            return ((folder.last == "node_modules" ? folder : folder + ["node_modules"]).joined(separator: "/"), false)
        default:
            return (nil, false)
        }
    }

    private static func join(_ mount: String, _ folder: String) -> String {
        folder.isEmpty ? mount : mount + "/" + folder
    }
}
