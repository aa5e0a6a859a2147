/// For lockfiles that record the dependency graph but no per-package dev flag (pnpm 9, uv):
/// a package is dev when only dev roots reach it. Packages nothing reaches stay production,
/// which can only over-report.
enum DevReachability {
    static func devOnly(prodRoots: [String], devRoots: [String], edges: [String: [String]]) -> Set<String> {
        let prod = reach(prodRoots, edges)
        return reach(devRoots, edges).subtracting(prod)
    }

    private static func reach(_ roots: [String], _ edges: [String: [String]]) -> Set<String> {
        var seen = Set<String>()
        var stack = roots
        while let node = stack.popLast() {
            guard seen.insert(node).inserted else { continue }
            stack.append(contentsOf: edges[node] ?? [])
        }
        return seen
    }
}
