import FnauditModel

/// What one piece of evidence says about a package inside a bundle: its name, where it was
/// installed when the bundle was built (`node_modules/a/node_modules/b`, which tells nested copies
/// apart), and a version only when the evidence states one.
struct BundleSighting: Hashable {
    var name: String
    /// From the first `node_modules/` to the package folder; nil when the evidence has no path (a banner).
    var installPath: String?
    var version: String?
    var kind: ExtractorID
}

/// The sightings of one bundle (with its map, metafile and licence file), folded per name and install.
struct BundleEvidence {
    struct Install {
        var kinds: [ExtractorID] = []
        /// version → the evidence kinds that state it.
        var versions: [String: [ExtractorID]] = [:]
    }
    /// name → install path ("" for evidence without a path) → what is known.
    private(set) var byName: [String: [String: Install]] = [:]
    /// Names seen with a path (a module, a map source, a metafile input): banners without a module
    /// may only add versions to these, never new names, when there are any.
    var hasPathEvidence: Bool { byName.values.contains { $0.keys.contains { !$0.isEmpty } } }

    mutating func add(_ s: BundleSighting) {
        var install = byName[s.name, default: [:]][s.installPath ?? "", default: Install()]
        if !install.kinds.contains(s.kind) { install.kinds.append(s.kind) }
        if let version = s.version, !(install.versions[version]?.contains(s.kind) ?? false) {
            install.versions[version, default: []].append(s.kind)
        }
        byName[s.name, default: [:]][s.installPath ?? ""] = install
    }

    mutating func add(contentsOf other: BundleEvidence) {
        for (name, installs) in other.byName {
            for (path, install) in installs {
                for kind in install.kinds { add(BundleSighting(name: name, installPath: path.isEmpty ? nil : path, version: nil, kind: kind)) }
                for (version, kinds) in install.versions {
                    for kind in kinds { add(BundleSighting(name: name, installPath: path.isEmpty ? nil : path, version: version, kind: kind)) }
                }
            }
        }
    }

    var isEmpty: Bool { byName.isEmpty }
    var names: [String] { byName.keys.sorted() }

    /// The versions known for each install of `name` (for filling gaps from a lockfile).
    func installs(of name: String) -> [String: Install] { byName[name] ?? [:] }
}

/// Package names and paths as they appear in bundles, maps and metafiles.
enum BundlePaths {
    /// Folders under `node_modules/` that are not packages.
    private static let notPackages: Set<Substring> = [".pnpm", ".bin", ".cache", ".vite", ".yarn-state.yml", ".package-lock.json", ".modules.yaml", ".yarn-integrity", ".store"]

    /// Whether `name` can be an npm package name (`lodash`, `@scope/name`, old mixed-case names).
    static func isPackageName(_ name: Substring) -> Bool {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count == 2 {
            guard parts[0].count >= 2, parts[0].first == "@" else { return false }
            return isNamePart(parts[0].dropFirst()) && isNamePart(parts[1])
        }
        return parts.count == 1 && isNamePart(parts[0])
    }

    private static func isNamePart(_ part: Substring) -> Bool {
        guard !part.isEmpty, part.utf8.count <= 214, part.first != ".", part.first != "_" else { return false }
        return part.utf8.allSatisfy { b in
            (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39) || b == 0x2D || b == 0x2E || b == 0x5F || b == 0x7E
        }
    }

    /// A version as banners and folder names state it: `1.2.3`, `v1.2.3`, `1.2.3-rc.1+b`, nothing looser.
    static func exactVersion(_ text: Substring) -> String? {
        var s = text
        if s.first == "v" || s.first == "V" { s = s.dropFirst() }
        let core = s.prefix { $0 != "-" && $0 != "+" }
        let numbers = core.split(separator: ".", omittingEmptySubsequences: false)
        guard numbers.count == 3, numbers.allSatisfy({ !$0.isEmpty && $0.count <= 9 && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) else { return nil }
        let rest = s.dropFirst(core.count)
        guard rest.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "+") }) else { return nil }
        return String(s)
    }

    /// The package a path through `node_modules/` belongs to: `(name, installPath, version)`, where the
    /// version comes only from a pnpm store folder (`.pnpm/<name>@<version>/node_modules/<name>`).
    /// Works on esbuild comment paths, map sources (`webpack://app/./node_modules/…`, `../node_modules/…`)
    /// and metafile inputs. Nil for the app's own files.
    static func package(inPath path: Substring) -> (name: String, installPath: String, version: String?)? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        var found: (name: String, end: Int)?
        var first: Int?
        var pnpmVersion: (name: String, version: String)?
        var i = 0
        while i < parts.count - 1 {
            guard parts[i] == "node_modules" else { i += 1; continue }
            let next = parts[i + 1]
            if first == nil { first = i }
            if next == ".pnpm", i + 2 < parts.count {
                // `.pnpm/@scope+name@1.2.3_peer@4/node_modules/@scope/name`: the store folder names the version.
                let folder = parts[i + 2]
                let atSearch = folder.hasPrefix("@") ? folder.index(after: folder.startIndex) : folder.startIndex
                if let at = folder[atSearch...].firstIndex(of: "@") {
                    let version = folder[folder.index(after: at)...].prefix { $0 != "_" && $0 != "(" }
                    if let v = exactVersion(version) { pnpmVersion = (String(folder[..<at].map { $0 == "+" ? "/" : $0 }), v) }
                }
                i += 3
                continue
            }
            if notPackages.contains(next) { i += 2; continue }
            if next.hasPrefix("@") {
                guard i + 2 < parts.count else { break }
                let name = next + "/" + parts[i + 2]
                if isPackageName(name[...]) { found = (String(name), i + 2) }
                i += 3
            } else {
                if isPackageName(next) { found = (String(next), i + 1) }
                i += 2
            }
        }
        guard let found, let first else { return nil }
        let installPath = parts[first...found.end].joined(separator: "/")
        let version = pnpmVersion.flatMap { $0.name == found.name ? $0.version : nil }
        return (found.name, installPath, version)
    }
}
