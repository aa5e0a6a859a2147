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
    /// ones never depends on the order a parser's dictionaries happened to give them.
    func shortestPaths(limit: Int = 5) -> ShortestPaths {
        var distance: [String: Int] = [:]
        var parents: [String: [String]] = [:]
        var queue: [String] = []
        for root in direct.sorted() where distance[root] == nil {
            distance[root] = 0
            queue.append(root)
        }
        var head = 0
        while head < queue.count {
            let current = queue[head]
            head += 1
            let next = (distance[current] ?? 0) + 1
            for child in (edges[current] ?? []).sorted() {
                if let known = distance[child] {
                    if known == next, (parents[child]?.count ?? 0) < limit { parents[child, default: []].append(current) }
                    continue
                }
                distance[child] = next
                parents[child] = [current]
                queue.append(child)
            }
        }
        return ShortestPaths(names: names, parents: parents, reached: distance, limit: limit)
    }

    struct ShortestPaths {
        let names: [String: String]
        let parents: [String: [String]]
        let reached: [String: Int]
        let limit: Int

        /// Up to `limit` shortest paths, as display names from a direct dependency to `node` (itself last).
        func paths(to node: String) -> [[String]] {
            guard reached[node] != nil else { return [] }
            var result: [[String]] = []
            func walk(_ at: String, _ suffix: [String]) {
                guard result.count < limit else { return }
                let path = [names[at] ?? at] + suffix
                guard let before = parents[at], !before.isEmpty else {
                    result.append(path)
                    return
                }
                for parent in before { walk(parent, path) }
            }
            walk(node, [])
            return result
        }
    }

    /// Sets each package's paths and whether it is direct, by its node id.
    func annotate(_ packages: inout [Package], node: (Package) -> String?) {
        let shortest = shortestPaths()
        for index in packages.indices {
            guard let id = node(packages[index]), shortest.reached[id] != nil || names[id] != nil else { continue }
            packages[index].isDirect = shortest.reached[id] == 0
            packages[index].dependencyPaths = shortest.paths(to: id)
        }
    }
}
