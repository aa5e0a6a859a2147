import Foundation
import FnauditModel

/// Packages compiled into JavaScript bundles (esbuild, webpack): the function zips of CDK, SAM and
/// the Serverless Framework ship one `index.js` and no `node_modules`. Each evidence kind has its own
/// reader (`EsbuildComments`, `SourceMap`, `EsbuildMetafile`, `LegalComments`, `InlinedPackageJSON`);
/// this type groups a bundle with its map, metafile and licence file, combines what they say per
/// package, fills versions from a lockfile of the same project, and never makes a version up.
/// See Docs/JS-BUNDLES.md.
public struct JSBundleAnalyzer: Analyzer {
    /// A file this large with no line breaks to speak of is a minified bundle: without evidence, say so.
    public static let minifiedBundleBytes = 64 << 10
    public init() {}

    private static let lockfiles = ["package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml"]

    public func wants(_ entry: EntryInfo) -> Bool {
        let path = entry.path
        // Installed packages' own files are read as packages (node_modules/**/package.json), not bundles.
        if path.hasPrefixBytes("node_modules/") || path.containsBytes("/node_modules/") { return false }
        let base = PathName.base(path)
        return Self.isScript(base) || base.hasSuffixBytes(".js.map") || base.hasSuffixBytes(".mjs.map") || base.hasSuffixBytes(".cjs.map")
            || EsbuildMetafile.isMetafile(base) || base.hasSuffixBytes(".LICENSE.txt")
            || base == "package.json" || Self.lockfiles.contains { base == $0 }
    }

    static func isScript(_ base: Substring) -> Bool {
        base.hasSuffixBytes(".js") || base.hasSuffixBytes(".mjs") || base.hasSuffixBytes(".cjs")
    }

    /// One bundle (or a map or metafile with no bundle beside it) and what it proved.
    struct Unit {
        var path: String
        var evidence = BundleEvidence()
        var issues: [ScanIssue] = []
        /// Files it read besides itself (its map, licence file), which are then no units of their own.
        var consumed: [String] = []
        /// A minified script with no map: if nothing (a metafile beside it included) names a package, say so.
        var opaque = false
    }

    public func analyze(_ container: Container) -> Extraction {
        let scripts = container.entries.filter { Self.isScript(PathName.base($0)) }
        guard !container.entries.isEmpty else { return Extraction() }
        // Maps, licence files, lockfiles and package.json files are all wanted here, so one that is not
        // among the entries does not exist: asking the disk for each would cost a failed open.
        let present = Set(container.entries)
        var units = parallelMap(scripts.count, chunk: 1) { i in readBundle(scripts[i], container, present: present) }
        let consumed = Set(units.flatMap(\.consumed))
        // A metafile joins the one bundle in its folder; maps and licence files no bundle claimed stand alone.
        for path in container.entries where !consumed.contains(path) {
            let base = PathName.base(path)
            var evidence = BundleEvidence()
            if EsbuildMetafile.isMetafile(path) {
                guard let bytes = read(path, container, into: &units) else { continue }
                EsbuildMetafile.read(bytes).forEach { evidence.add($0) }
                let beside = units.indices.filter { PathName.directory(units[$0].path) == PathName.directory(path) && !units[$0].path.hasSuffix(".map") }
                if beside.count == 1 { units[beside[0]].evidence.add(contentsOf: evidence); continue }
            } else if base.hasSuffix(".map") {
                guard let bytes = read(path, container, into: &units) else { continue }
                SourceMap.read(bytes).forEach { evidence.add($0) }
            } else if base.hasSuffix(".LICENSE.txt") {
                guard let bytes = read(path, container, into: &units) else { continue }
                bytes.withUnsafeBufferPointer { LegalComments.standalone(LegalComments.comments($0).map(\.text)) }.forEach { evidence.add($0) }
            } else {
                continue
            }
            if !evidence.isEmpty { units.append(Unit(path: path, evidence: evidence)) }
        }
        var result = Extraction()
        for unit in units {
            result.issues += unit.issues
            if unit.opaque && unit.evidence.isEmpty {
                result.issues.append(ScanIssue(location: container.location(of: unit.path), message: "\(PathName.base(unit.path)) is a minified bundle with no source map or license comments: packages inside cannot be listed; ship the source map or scan the project's lockfile", severity: .warning))
            }
            guard !unit.evidence.isEmpty else { continue }
            result.packages += packages(unit, container, lockfileVersions(near: unit.path, container, present: present))
        }
        return result
    }

    private func read(_ path: String, _ container: Container, into units: inout [Unit]) -> [UInt8]? {
        do { return try container.files.read(path) } catch {
            units.append(Unit(path: path, issues: [ScanIssue(location: container.location(of: path), message: "\(error)")]))
            return nil
        }
    }

    /// Reads one script: if it carries no evidence and does not look minified, it is app code and says nothing.
    func readBundle(_ path: String, _ container: Container, present: Set<String>) -> Unit {
        var unit = Unit(path: path)
        let location = container.location(of: path)
        let bytes: [UInt8]
        do { bytes = try container.files.read(path) } catch {
            unit.issues.append(ScanIssue(location: location, message: "\(error)"))
            return unit
        }
        var mapReference: SourceMap.Reference?
        var minified = false
        bytes.withUnsafeBufferPointer { buffer in
            let markers = EsbuildComments.scan(buffer)
            markers.forEach { unit.evidence.add($0.sighting) }
            let block = LegalComments.bundledLicenseBlock(buffer)
            block?.sightings.forEach { unit.evidence.add($0) }
            // Legal comments left inline: inside a module (after its path marker) they may give that
            // package a version; outside any, they stand alone.
            var loose: [String] = []
            for comment in LegalComments.comments(buffer, skip: block?.range) {
                if let owner = markers.last(where: { $0.offset < comment.offset }) {
                    LegalComments.attribute([comment.text], name: owner.sighting.name, installPath: owner.sighting.installPath).forEach { unit.evidence.add($0) }
                } else {
                    loose.append(comment.text)
                }
            }
            LegalComments.standalone(loose).forEach { unit.evidence.add($0) }
            InlinedPackageJSON.scan(buffer).forEach { unit.evidence.add($0) }
            mapReference = SourceMap.reference(in: buffer, bundlePath: path)
            if bytes.count >= Self.minifiedBundleBytes {
                var newlines = 0
                for b in buffer where b == 0x0A { newlines += 1 }
                minified = bytes.count / (newlines + 1) > 500
            }
        }
        // The map: what the bundle points at, else `<bundle>.map` beside it.
        var map: [UInt8]?
        switch mapReference {
        case .inline(let bytes): map = bytes
        case .file(let mapPath):
            if let bytes = try? container.files.read(mapPath) { map = bytes; unit.consumed.append(mapPath) }
        case nil: break
        }
        if map == nil, present.contains(path + ".map"), let bytes = try? container.files.read(path + ".map") {
            map = bytes
            unit.consumed.append(path + ".map")
        }
        if let map { SourceMap.read(map).forEach { unit.evidence.add($0) } }
        // webpack's terser plugin moves the legal comments to `<bundle>.LICENSE.txt`.
        if present.contains(path + ".LICENSE.txt"), let licence = try? container.files.read(path + ".LICENSE.txt") {
            unit.consumed.append(path + ".LICENSE.txt")
            licence.withUnsafeBufferPointer { LegalComments.standalone(LegalComments.comments($0).map(\.text)) }.forEach { unit.evidence.add($0) }
        }
        unit.opaque = minified && map == nil
        return unit
    }

    /// name → versions from the nearest lockfile (or exact pins of the nearest package.json) in the
    /// bundle's folder or above it: the versions the build resolved.
    func lockfileVersions(near path: String, _ container: Container, present: Set<String>) -> (versions: [String: Set<String>], file: String)? {
        var folder = PathName.directory(path)
        while true {
            let prefix = folder.isEmpty ? "" : folder + "/"
            for name in Self.lockfiles {
                let candidate = prefix + name
                guard present.contains(candidate), let bytes = try? container.files.read(candidate),
                      let extractor = ExtractorRegistry.extractors(for: candidate).first,
                      let extraction = try? extractor.extract(ExtractorInput(path: candidate, location: container.location(of: candidate), contents: bytes, siblings: container.files))
                else { continue }
                var versions: [String: Set<String>] = [:]
                for p in extraction.packages where p.ecosystem == .npm && p.versionKind == .exact { versions[p.name, default: []].insert(p.version) }
                return (versions, candidate)
            }
            if present.contains(prefix + "package.json"), let bytes = try? container.files.read(prefix + "package.json"),
               let object = try? StructuredDocument.json(bytes) as? [String: Any] {
                var versions: [String: Set<String>] = [:]
                for key in ["dependencies", "devDependencies", "optionalDependencies"] {
                    for (name, spec) in object[key] as? [String: Any] ?? [:] {
                        // Only an exact pin states what was bundled; a range does not.
                        if let spec = spec as? String, let v = BundlePaths.exactVersion(spec[...]), !spec.hasPrefix("v") { versions[name, default: []].insert(v) }
                    }
                }
                if !versions.isEmpty { return (versions, prefix + "package.json") }
            }
            if folder.isEmpty { return nil }
            folder = PathName.directory(folder)
        }
    }

    /// One package per version the evidence proves for each name; an install with no version is one
    /// unresolved package that says what is missing.
    func packages(_ unit: Unit, _ container: Container, _ lock: (versions: [String: Set<String>], file: String)?) -> [Package] {
        let location = container.location(of: unit.path)
        let file = PathName.base(unit.path)
        let pathEvidence = unit.evidence.hasPathEvidence
        var packages: [Package] = []
        for name in unit.evidence.names {
            var installs = unit.evidence.installs(of: name)
            let loose = installs.removeValue(forKey: "")
            // A name only a banner without a module states, in a bundle whose paths do not have it, is
            // someone else's banner: never reported.
            if installs.isEmpty && pathEvidence && !(loose?.kinds.contains(.jsBundleLegalComments) ?? false) { continue }
            if installs.isEmpty, let loose { installs[""] = loose }
            var kinds: [ExtractorID] = []
            for install in installs.values.sorted(by: { $0.kinds.count > $1.kinds.count }) + (loose.map { [$0] } ?? []) {
                for k in install.kinds where !kinds.contains(k) && install.versions.values.allSatisfy({ !$0.contains(k) }) { kinds.append(k) }
            }
            var versions: [String: [ExtractorID]] = [:]
            var unknown = 0
            for (path, install) in installs {
                var found = install.versions
                // A versionless banner-free install takes the single version a loose banner states.
                if found.isEmpty, !path.isEmpty, let loose, loose.versions.count == 1, installs.count == 1 { found = loose.versions }
                if found.isEmpty, let lock, let locked = lock.versions[name], locked.count == 1, let v = locked.first {
                    found[v] = [.jsBundleLockfileVersion]
                }
                if found.isEmpty { unknown += 1 }
                for (v, k) in found { versions[v, default: []] += k }
            }
            for (version, versionKinds) in versions.sorted(by: { $0.key < $1.key }) {
                var package = Package(ecosystem: .npm, name: name, version: version, locations: [location], extractor: kinds.first ?? versionKinds[0])
                for k in kinds + versionKinds where !package.extractors.contains(k) { package.extractors.append(k) }
                packages.append(package)
            }
            if unknown > 0 {
                let lockNote = lock.flatMap { l in l.versions[name].map { "\(l.file) lists several versions (\($0.sorted().joined(separator: ", ")))" } ?? "\(l.file) does not list it" }
                    ?? "no lockfile beside it"
                let note = "bundled in \(file) without a stated version: no pnpm path, banner or inlined package.json gives it; \(lockNote)"
                var package = Package(ecosystem: .npm, name: name, version: "", versionKind: .unresolved, versionNote: note, locations: [location], extractor: kinds.first ?? .jsBundleEsbuildComments)
                package.extractors = kinds.isEmpty ? package.extractors : kinds
                packages.append(package)
            }
        }
        return packages
    }
}
