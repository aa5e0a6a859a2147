import FnauditModel

/// The dependency graph a lockfile records, reduced to what reports need: for each package, the
/// shortest chains from a direct dependency of the project to it (`express > body-parser > qs`).
struct DependencyGraph {
    /// Node id → display name (`qs`).
    var names: [String: String] = [:]
    var edges: [String: [String]] = [:]
    /// The project's own dependencies, the roots of every path.
    var direct: [String] = []

    /// One breadth-first walk from every direct dependency, remembering each node's parents at
    /// its shortest distance (a few of them): paths to any node are then read off without a search.
    /// Roots and children are taken in node-id order, so which paths are kept among equally short
    /// ones never depends on the order a parser's dictionaries happened to give them. The walk runs
    /// on numbers given in node-id order (hashing each id at every step was most of its time).
    func shortestPaths(limit: Int = 5) -> ShortestPaths {
        var ids = Set(edges.keys)
        for targets in edges.values { ids.formUnion(targets) }
        ids.formUnion(direct)
        let nodes = ids.sorted()
        var number: [String: Int] = [:]
        number.reserveCapacity(nodes.count)
        for (n, node) in nodes.enumerated() { number[node] = n }
        // Each child once: one listed twice (under `dependencies` and `peerDependencies`, or `optionalDependencies`)
        // made its parent count twice, and every path through it appear twice.
        let children = nodes.map { node in Array(Set((edges[node] ?? []).compactMap { number[$0] })).sorted() }
        var distance = [Int](repeating: -1, count: nodes.count)
        var parents = [[Int]](repeating: [], count: nodes.count)
        var rootOf = [Int](repeating: -1, count: nodes.count)   // the direct dependency that reached each first
        var queue = Array(Set(direct.compactMap { number[$0] })).sorted()
        for root in queue {
            distance[root] = 0
            rootOf[root] = root
        }
        var head = 0
        while head < queue.count {
            let current = queue[head]
            head += 1
            let next = distance[current] + 1
            for child in children[current] {
                if distance[child] >= 0 {
                    if distance[child] == next, parents[child].count < limit { parents[child].append(current) }
                    continue
                }
                distance[child] = next
                parents[child] = [current]
                rootOf[child] = rootOf[current]
                queue.append(child)
            }
        }
        return ShortestPaths(number: number, names: nodes.map { names[$0] ?? $0 }, parents: parents, distance: distance,
                             rootOf: rootOf, limit: limit)
    }

    struct ShortestPaths {
        /// Node id → its number; the arrays below are indexed by number.
        let number: [String: Int]
        let names: [String]
        let parents: [[Int]]
        /// Hops from the nearest direct dependency; -1 where none reaches.
        let distance: [Int]
        let rootOf: [Int]
        let limit: Int

        /// The longest path written out in full. A longer one (a chain no real project has, but a
        /// lockfile can state: every package's whole path made a 2 MB lock take 18 GB) keeps its direct
        /// dependency, then `…`, then the last 30 packages up to this one.
        static let maxLength = 32
        static let elision = "…"

        /// Hops from the nearest direct dependency to `node` (0: direct), nil when no direct dependency reaches it.
        func distance(to node: String) -> Int? {
            guard let n = number[node], distance[n] >= 0 else { return nil }
            return distance[n]
        }

        /// Up to `limit` shortest paths, as display names from a direct dependency to `node` (itself last),
        /// each at most `maxLength` long. Depth first along the parents kept, on a stack of its own.
        func paths(to node: String) -> [[String]] {
            guard let start = number[node], distance[start] >= 0 else { return [] }
            var result: [[String]] = []
            var chain = [start]   // node, a parent of it, a parent of that, …
            var tried = [0]       // at each level, how many of its parents have been followed
            while let at = chain.last, let level = tried.indices.last, result.count < limit {
                let before = parents[at]
                if before.isEmpty {
                    result.append(chain.reversed().map { names[$0] })
                } else if chain.count >= ShortestPaths.maxLength - 2, chain.count + distance[at] > ShortestPaths.maxLength {
                    // The rest does not fit: the direct dependency that reaches `at`, the elision, then the chain.
                    // Every leaf of the walk counts, so it ends after `limit` of them whatever the names.
                    let root = names.indices.contains(rootOf[at]) ? names[rootOf[at]] : ShortestPaths.elision
                    result.append([root, ShortestPaths.elision] + chain.reversed().map { names[$0] })
                } else if tried[level] < before.count {
                    tried[level] += 1
                    chain.append(before[tried[level] - 1])
                    tried.append(0)
                    continue
                }
                chain.removeLast()
                tried.removeLast()
            }
            return result
        }
    }

    /// Sets each package's paths and whether it is direct, by its node id.
    func annotate(_ packages: inout [Package], node: (Package) -> String?) {
        let shortest = shortestPaths()
        for index in packages.indices {
            guard let id = node(packages[index]) else { continue }
            let distance = shortest.distance(to: id)
            guard distance != nil || names[id] != nil else { continue }
            packages[index].isDirect = distance == 0
            packages[index].dependencyPaths = shortest.paths(to: id)
        }
    }
}
