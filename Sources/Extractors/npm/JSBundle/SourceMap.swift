import FnauditModel

/// Source maps (v3): `sources[]` paths through `node_modules/` name the bundled packages (pnpm store
/// paths add the version), and each `sourcesContent[i]` is module i's original text, whose banners
/// are read with that module's package as context (and whose `package.json` states name and version).
enum SourceMap {
    /// Where the bundle says its map is: `//# sourceMappingURL=<url>` (the last one), an inline
    /// `data:…;base64,` map decoded here, or a path relative to the bundle.
    enum Reference {
        case inline([UInt8])
        case file(String)
    }

    static func reference(in bytes: UnsafeBufferPointer<UInt8>, bundlePath: String) -> Reference? {
        // The comment sits at the end; search only the tail unless the map is inline (then it is long).
        var last: Int?
        var at = max(0, bytes.count - 4096)
        while let hit = ByteSearch.find("sourceMappingURL=", in: bytes, from: at) { last = hit; at = hit + 1 }
        if last == nil {
            at = 0
            while let hit = ByteSearch.find("sourceMappingURL=data:", in: bytes, from: at) { last = hit; at = hit + 1 }
        }
        guard let hit = last else { return nil }
        var end = hit + 17
        while end < bytes.count, bytes[end] > 0x20, bytes[end] != 0x2A { end += 1 }
        let url = ByteSearch.string(bytes, (hit + 17)..<end)
        if url.hasPrefix("data:") {
            guard let comma = url.firstIndex(of: ","), url[..<comma].hasSuffix(";base64") else { return nil }
            return Base64.decode(url[url.index(after: comma)...].utf8).map { .inline($0) }
        }
        guard !url.isEmpty, !url.contains("://") else { return nil }
        let relative = url.split(separator: "?").first.map(String.init) ?? url
        return PathName.join(PathName.directory(bundlePath), relative).map { .file($0) }
    }

    /// The sightings a map proves. `mapPath` is what `sources` are relative to (unused: every path is
    /// read from its `node_modules/`).
    static func read(_ map: [UInt8]) -> [BundleSighting] {
        map.withUnsafeBufferPointer { bytes in
            let sources = BundleJSON.stringArrays("sources", in: bytes).flatMap { $0 }
            let contents = BundleJSON.stringArrays("sourcesContent", in: bytes).flatMap { $0 }
            var sightings: [BundleSighting] = []
            for (i, source) in sources.enumerated() {
                guard let source, let package = BundlePaths.package(inPath: source[...]) else { continue }
                sightings.append(BundleSighting(name: package.name, installPath: package.installPath, version: package.version, kind: .jsBundleSourceMap))
                guard i < contents.count, let content = contents[i] else { continue }
                if source.hasSuffix(package.installPath + "/package.json") {
                    sightings += InlinedPackageJSON.read(content, expecting: package.name, installPath: package.installPath)
                    continue
                }
                var text = content
                let comments = text.withUTF8 { LegalComments.comments($0).map(\.text) }
                sightings += LegalComments.attribute(comments, name: package.name, installPath: package.installPath)
            }
            return sightings
        }
    }
}

/// RFC 4648 base64 (with or without padding) for inline source maps.
enum Base64 {
    static func decode<S: Sequence>(_ text: S) -> [UInt8]? where S.Element == UInt8 {
        var out: [UInt8] = []
        var buffer: UInt32 = 0, bits = 0
        for c in text {
            let v: UInt32
            switch c {
            case 0x41...0x5A: v = UInt32(c - 0x41)
            case 0x61...0x7A: v = UInt32(c - 0x61 + 26)
            case 0x30...0x39: v = UInt32(c - 0x30 + 52)
            case 0x2B, 0x2D: v = 62
            case 0x2F, 0x5F: v = 63
            case 0x3D, 0x0A, 0x0D: continue
            default: return nil
            }
            buffer = (buffer << 6) | v
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8((buffer >> UInt32(bits)) & 0xFF))
            }
        }
        return out
    }
}
