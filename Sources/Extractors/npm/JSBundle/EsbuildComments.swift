import FnauditModel

/// Module boundaries a bundler left in its output: esbuild's `// node_modules/<pkg>/<file>` comment
/// before each module (kept unless minified), the keys of its `__commonJS({"node_modules/…"(exports,
/// module) {…}})` and `__esm({…})` wrappers (which survive `--minify-whitespace`), and webpack's
/// path module ids (`"./node_modules/<pkg>/<file>": (…)`, development mode or `moduleIds: 'named'`).
enum EsbuildComments {
    /// A module of a package starts at `offset`: legal comments after it belong to that module.
    struct Marker {
        var offset: Int
        var sighting: BundleSighting
    }

    /// One pass over every `node_modules/` in the bundle.
    static func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> [Marker] {
        var markers: [Marker] = []
        var at = 0
        while let hit = ByteSearch.find("node_modules/", in: bytes, from: at) {
            at = hit + 13
            // The token holding this path: back to a quote, a space or a line start.
            var start = hit
            while start > 0, hit - start < 1024, !isBoundary(bytes[start - 1]) { start -= 1 }
            var end = hit
            while end < bytes.count, end - hit < 4096, !isBoundary(bytes[end]) { end += 1 }
            at = max(at, end)
            guard let kind = classify(bytes, start: start, end: end) else { continue }
            let path = ByteSearch.string(bytes, start..<end)
            guard let package = BundlePaths.package(inPath: path[...]) else { continue }
            markers.append(Marker(offset: start, sighting: BundleSighting(name: package.name, installPath: package.installPath,
                                                                          version: package.version, kind: kind)))
        }
        return markers
    }

    private static func isBoundary(_ b: UInt8) -> Bool {
        b == 0x22 || b == 0x27 || b == 0x60 || b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09
    }

    /// Which bundler wrote this path, or nil for a path that is only text (an error message, a
    /// `require.resolve` string): those say nothing about what was bundled.
    private static func classify(_ bytes: UnsafeBufferPointer<UInt8>, start: Int, end: Int) -> ExtractorID? {
        // `// node_modules/…` alone on its line (after indentation).
        if start >= 3, bytes[start - 1] == 0x20, bytes[start - 2] == 0x2F, bytes[start - 3] == 0x2F,
           end >= bytes.count || bytes[end] == 0x0A || bytes[end] == 0x0D {
            var k = start - 4
            while k >= 0, bytes[k] == 0x20 || bytes[k] == 0x09 { k -= 1 }
            if k < 0 || bytes[k] == 0x0A { return .jsBundleEsbuildComments }
        }
        // `/*!*** ./node_modules/… ***!*/`: webpack's development module header.
        if start >= 7, bytes[start - 1] == 0x20, ByteSearch.string(bytes, (start - 7)..<(start - 1)) == "/*!***" {
            return .jsBundleWebpackModules
        }
        // A quoted key: `"node_modules/…"(exports, module)` (esbuild) or `"./node_modules/…": (` (webpack).
        guard start > 0, end < bytes.count, bytes[start - 1] == 0x22, bytes[end] == 0x22 else { return nil }
        var k = end + 1
        if k < bytes.count, bytes[k] == 0x28 { return .jsBundleEsbuildComments }
        guard k < bytes.count, bytes[k] == 0x3A else { return nil }
        k += 1
        // Whitespace and webpack's `/*!*** … ***!*/ /***/` comments before the module function.
        var budget = 4096
        while k < bytes.count, budget > 0 {
            let b = bytes[k]
            if b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { k += 1; budget -= 1; continue }
            if b == 0x2F, k + 1 < bytes.count, bytes[k + 1] == 0x2A, let close = ByteSearch.find("*/", in: bytes, from: k + 2, to: k + budget) {
                budget -= close + 2 - k
                k = close + 2
                continue
            }
            break
        }
        guard k < bytes.count else { return nil }
        if bytes[k] == 0x28 { return .jsBundleWebpackModules }
        if k + 8 <= bytes.count, ByteSearch.string(bytes, k..<(k + 8)) == "function" { return .jsBundleWebpackModules }
        return nil
    }
}
