import FnauditModel

/// Licence comments and banners: esbuild's `/*! Bundled license information: … */` block (each
/// module's path with the legal comments it held), `/*! … */`, `@license`, `@preserve` and `//!`
/// comments left in a bundle, and the `*.LICENSE.txt` webpack's terser plugin extracts.
///
/// A banner can belong to code a package vendors (`uri-js` carries punycode's banner, lodash's
/// licence cites "Underscore.js 1.8.3"), so a banner inside a known module only gives that module's
/// package a version when it names that package; a banner with no module around it gives a name
/// only when its first line is `<name>`, `<name> v<version>` or `<name> <url>`, and only in bundles
/// that carry no module paths at all (else it only adds versions to names the paths found).
enum LegalComments {
    /// What a banner states: the package it names (first line), a version on that line, and a
    /// `version : X` line (moment's `//! version : 2.29.4`) that belongs to whatever the banner names.
    struct Claim: Equatable {
        var name: String?
        var version: String?
        var versionLine: String?
    }

    private static let notNames: Set<String> = [
        "copyright", "license", "licence", "licensed", "released", "version", "the", "this", "all", "for", "see",
        "mit", "isc", "bsd", "apache", "gpl", "lgpl", "mpl", "(c)", "©", "by", "author", "authors", "based", "bundled",
        "source", "code", "@license", "@preserve", "@author", "@version", "@copyright", "and", "a", "an", "of", "to", "in",
    ]

    static func claim(_ comment: String) -> Claim {
        let lines = comment.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).map(clean).filter { !$0.isEmpty }
        var claim = Claim()
        var versionLine: String?
        for line in lines {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if words.count >= 2, words[0].lowercased() == "version" || words[0].lowercased() == "@version" {
                let value = words[1] == ":" && words.count >= 3 ? words[2] : words[1].hasPrefix(":") ? words[1].dropFirst() : words[1]
                if let v = BundlePaths.exactVersion(value) { versionLine = versionLine ?? v }
            }
        }
        claim.versionLine = versionLine
        guard var first = lines.first else { return claim }
        for marker in ["@license", "@preserve"] where first.lowercased().hasPrefix(marker) {
            first = String(first.dropFirst(marker.count)).trimmingBlanks
            if first.isEmpty, lines.count > 1 { first = lines[1] }
        }
        var words = first.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard var name = words.first, !name.contains(":"), !notNames.contains(name.lowercased()) else { return claim }
        // `name@1.2.3`
        if let at = name.dropFirst().firstIndex(of: "@"), let v = BundlePaths.exactVersion(name[name.index(after: at)...]) {
            name = name[..<at]
            words.insert(Substring(v), at: 1)
        }
        let rest = Array(words.dropFirst())
        if rest.isEmpty || rest[0].hasPrefix("<") || rest[0].hasPrefix("(http") {
            claim.name = String(name)
        } else if let v = BundlePaths.exactVersion(rest[0]) {
            claim.name = String(name)
            claim.version = v
        } else if rest.count >= 2, ["-", "|", "version", "v"].contains(rest[0].lowercased()), let v = BundlePaths.exactVersion(rest[1]) {
            claim.name = String(name)
            claim.version = v
        }
        return claim
    }

    /// A comment line without its decoration (`*`, `!`, `//!`, esbuild's `(*` `*)`).
    private static func clean(_ line: Substring) -> String {
        var s = line.trimmingBlanks[...]
        while let c = s.first, c == "*" || c == "!" || c == "/" || c == "(" { s = s.dropFirst() }
        while let c = s.last, c == "*" || c == "/" || c == ")" { s = s.dropLast() }
        return String(s).trimmingBlanks
    }

    /// Whether a banner's name (`URI.js`, `Lodash`, `moment.js`, `React`) is this package's name.
    static func names(_ bannerName: String, _ package: String) -> Bool {
        func squash(_ s: Substring) -> String { String(s.lowercased().filter { $0.isLetter || $0.isNumber }) }
        let short = package.split(separator: "/").last ?? package[...]
        let banner = squash(bannerName[...])
        let bare = bannerName.lowercased().hasSuffix(".js") ? squash(bannerName.dropLast(3)) : banner
        return !banner.isEmpty && [squash(short), squash(package[...])].contains { $0 == banner || $0 == bare }
    }

    /// A name a banner with no module around it may introduce: written as an npm name would be, or a
    /// word of letters (`Lodash`, `React`, `jQuery`), never a dotted product name (`URI.js` is the package `uri-js`).
    static func standaloneName(_ name: String) -> String? {
        guard name.count >= 2, !name.contains("."), BundlePaths.isPackageName(name[...]) else { return nil }
        let lower = name.lowercased()
        if name == lower { return name }
        guard name.allSatisfy({ $0.isASCII && $0.isLetter }) else { return nil }   // `Lodash`, `React`, `jQuery`
        return lower
    }

    /// Sightings from the legal comments of one module of `package` (`name`, install path).
    static func attribute(_ comments: [String], name: String, installPath: String?) -> [BundleSighting] {
        let claims = comments.map(claim)
        let named = claims.filter { $0.name.map { names($0, name) } ?? false }
        // Someone else's banner in this module: its `version :` lines may be that code's, not ours.
        let others = claims.contains { $0.name.map { !names($0, name) && standaloneName($0) != nil } ?? false }
        var versions: [String] = named.compactMap(\.version)
        if !named.isEmpty, !others { versions += claims.compactMap(\.versionLine) }
        if versions.isEmpty { return [] }
        return Set(versions).map { BundleSighting(name: name, installPath: installPath, version: $0, kind: .jsBundleBanner) }
    }

    /// Sightings from comments that no module path surrounds (a `*.LICENSE.txt`, a minified bundle).
    static func standalone(_ comments: [String]) -> [BundleSighting] {
        comments.compactMap { comment in
            let c = claim(comment)
            guard let raw = c.name, let name = standaloneName(raw) else { return nil }
            return BundleSighting(name: name, installPath: nil, version: c.version ?? c.versionLine, kind: .jsBundleBanner)
        }
    }

    /// esbuild's end-of-file block: `<path after the last node_modules/>:` lines, each followed by
    /// that module's comments (with `/*` `*/` turned into `(*` `*)`).
    static func bundledLicenseBlock(_ bytes: UnsafeBufferPointer<UInt8>) -> (sightings: [BundleSighting], range: Range<Int>)? {
        guard let start = ByteSearch.find("/*! Bundled license information:", in: bytes, from: 0) else { return nil }
        let end = ByteSearch.find("*/", in: bytes, from: start + 3) ?? bytes.count
        let text = ByteSearch.string(bytes, start..<end)
        var sightings: [BundleSighting] = []
        var module: String?
        var comments: [String] = []
        func flush() {
            // esbuild cuts each path after its last `node_modules/`, so the install (nesting, pnpm
            // folder) is unknown: these join whatever install of the name the bundle's paths show.
            guard let name = module else { return }
            sightings.append(BundleSighting(name: name, installPath: nil, version: nil, kind: .jsBundleLegalComments))
            sightings += attribute(comments, name: name, installPath: nil)
        }
        var current: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropFirst() {
            if let c = line.first, c != " ", c != "\t", line.hasSuffix(":") {
                if !current.isEmpty { comments.append(current.joined(separator: "\n")); current = [] }
                flush()
                comments = []
                let path = "node_modules/" + line.dropLast()
                module = BundlePaths.package(inPath: path[...])?.name
                continue
            }
            let trimmed = line.trimmingBlanks
            if trimmed.hasPrefix("(*") || trimmed.hasPrefix("(**") { if !current.isEmpty { comments.append(current.joined(separator: "\n")) }; current = [] }
            if !trimmed.isEmpty { current.append(line) }
            if trimmed.hasSuffix("*)") { comments.append(current.joined(separator: "\n")); current = [] }
        }
        if !current.isEmpty { comments.append(current.joined(separator: "\n")) }
        flush()
        return (sightings, start..<min(end + 2, bytes.count))
    }

    /// The legal comments of a bundle or licence file, with their offsets: `/*! … */`, comments
    /// holding `@license` or `@preserve`, and runs of `//!` lines. Skips `skip` (the esbuild block).
    static func comments(_ bytes: UnsafeBufferPointer<UInt8>, skip: Range<Int>? = nil) -> [(offset: Int, text: String)] {
        var found: [Int: Int] = [:]   // start → end
        for hit in ByteSearch.all("/*!", in: bytes) {
            found[hit] = ByteSearch.find("*/", in: bytes, from: hit + 3).map { $0 + 2 } ?? bytes.count
        }
        for marker in [ByteSearch.all("@license", in: bytes), ByteSearch.all("@preserve", in: bytes)] {
            for hit in marker {
                // The comment around it: `/*` before it with no `*/` between (within 2 KB).
                var k = hit - 1
                while k > 0, hit - k < 2048, !(bytes[k - 1] == 0x2F && bytes[k] == 0x2A), !(bytes[k - 1] == 0x2A && bytes[k] == 0x2F) { k -= 1 }
                guard k > 0, bytes[k - 1] == 0x2F, bytes[k] == 0x2A, found[k - 1] == nil else { continue }
                found[k - 1] = ByteSearch.find("*/", in: bytes, from: hit).map { $0 + 2 } ?? bytes.count
            }
        }
        var result = found.compactMap { start, end -> (Int, String)? in
            if let skip, skip.contains(start) { return nil }
            return (start, ByteSearch.string(bytes, start..<end))
        }
        // `//! moment.js` `//! version : 2.29.4`: consecutive lines form one comment.
        var lineStart: Int?, lines: [String] = [], last = -1
        for hit in ByteSearch.all("//!", in: bytes) where skip.map({ !$0.contains(hit) }) ?? true {
            let end = ByteSearch.find("\n", in: bytes, from: hit) ?? bytes.count
            if lineStart != nil, hit > last + 1 + 256 || !onlyBlanks(bytes, last..<hit) {
                result.append((lineStart ?? 0, lines.joined(separator: "\n")))
                lineStart = nil
                lines = []
            }
            if lineStart == nil { lineStart = hit }
            lines.append(ByteSearch.string(bytes, hit..<end))
            last = end
        }
        if let lineStart { result.append((lineStart, lines.joined(separator: "\n"))) }
        return result.filter { !$0.1.hasPrefix("/*! For license information please see") }.sorted { $0.0 < $1.0 }
    }

    private static func onlyBlanks(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        range.allSatisfy { bytes[$0] == 0x20 || bytes[$0] == 0x0A || bytes[$0] == 0x0D || bytes[$0] == 0x09 }
    }
}

extension StringProtocol {
    var trimmingBlanks: String {
        String(drop(while: { $0 == " " || $0 == "\t" || $0 == "\r" }).reversed().drop(while: { $0 == " " || $0 == "\t" || $0 == "\r" }).reversed())
    }
}
