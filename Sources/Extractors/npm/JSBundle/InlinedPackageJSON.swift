import Foundation
import FnauditModel

/// A package's own `package.json` compiled into a bundle (`require('./package.json').version` makes
/// esbuild and webpack inline the whole object): its `name` and `version` keys, when the object
/// around them also has other package.json keys (so an app's `{name, version}` literal is not one).
enum InlinedPackageJSON {
    private static let manifestKeys = ["description", "main", "license", "repository", "author", "homepage", "keywords", "bugs", "dependencies", "engines"]

    /// A package.json source text (from a map's `sourcesContent`): name and version, if the name is `expecting`.
    static func read(_ text: String, expecting name: String, installPath: String) -> [BundleSighting] {
        guard text.utf8.count <= 1 << 20, let object = try? StructuredDocument.json(Array(text.utf8)) as? [String: Any],
              object["name"] as? String == name, let raw = object["version"] as? String, let version = BundlePaths.exactVersion(raw[...]) else { return [] }
        return [BundleSighting(name: name, installPath: installPath, version: version, kind: .jsBundleInlinedPackageJSON)]
    }

    /// `name: "x", version: "1.2.3"` (or quoted keys) inside a bundle, next to other package.json keys.
    static func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> [BundleSighting] {
        var sightings: [BundleSighting] = []
        var at = 0
        while let hit = ByteSearch.find("version", in: bytes, from: at) {
            at = hit + 7
            guard let version = quotedValue(bytes, afterKey: hit + 7), let v = BundlePaths.exactVersion(version[...]) else { continue }
            // The object around it: from the last `{` before it to the first `}` after (nested values cut it short, which only loses keys).
            var open = hit
            while open > 0, hit - open < 2048, bytes[open] != 0x7B, bytes[open] != 0x7D { open -= 1 }
            guard bytes[open] == 0x7B, let close = ByteSearch.find("}", in: bytes, from: hit, to: hit + 2048) else { continue }
            let object = ByteSearch.string(bytes, open..<close)
            guard manifestKeys.filter({ object.contains("\($0):") || object.contains("\"\($0)\":") }).count >= 2,
                  let name = nameBefore(bytes, hit, from: open), BundlePaths.isPackageName(name[...]) else { continue }
            sightings.append(BundleSighting(name: name, installPath: nil, version: v, kind: .jsBundleInlinedPackageJSON))
        }
        return sightings
    }

    /// The value of the last `name` key between `start` and `end`.
    private static func nameBefore(_ bytes: UnsafeBufferPointer<UInt8>, _ end: Int, from start: Int) -> String? {
        var found: String?
        var at = start
        while let hit = ByteSearch.find("name", in: bytes, from: at, to: end) {
            at = hit + 4
            let before = hit > 0 ? bytes[hit - 1] : 0x7B
            guard before == 0x7B || before == 0x2C || before == 0x22 || before == 0x20 || before == 0x0A else { continue }
            if let value = quotedValue(bytes, afterKey: hit + 4) { found = value }
        }
        return found
    }

    /// After a key (`version`, optionally closed by `"`): `:` and a double-quoted value.
    private static func quotedValue(_ bytes: UnsafeBufferPointer<UInt8>, afterKey end: Int) -> String? {
        var i = end
        if i < bytes.count, bytes[i] == 0x22 { i += 1 }
        while i < bytes.count, bytes[i] == 0x20 { i += 1 }
        guard i < bytes.count, bytes[i] == 0x3A else { return nil }
        i += 1
        while i < bytes.count, bytes[i] == 0x20 { i += 1 }
        guard i < bytes.count, bytes[i] == 0x22 else { return nil }
        let start = i + 1
        var k = start
        while k < bytes.count, k - start < 214, bytes[k] != 0x22, bytes[k] != 0x5C, bytes[k] != 0x0A { k += 1 }
        guard k < bytes.count, bytes[k] == 0x22 else { return nil }
        return ByteSearch.string(bytes, start..<k)
    }
}
