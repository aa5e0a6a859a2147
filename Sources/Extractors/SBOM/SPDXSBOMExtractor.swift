import FnauditModel

/// SPDX 2.x JSON SBOMs (2.3; 2.2 reads the same): every package with a `purl` external reference
/// of type npm, pypi or maven. Dev dependencies are the packages reached from what the document
/// describes only through `DEV_DEPENDENCY_OF`/`TEST_DEPENDENCY_OF` edges (npm sbom writes them).
/// The described elements (`documentDescribes`) are the project, not its dependencies, and are left out.
/// Claims `*spdx.json` and the generic `*bom.json` when the document has `spdxVersion`.
public struct SPDXSBOMExtractor: Extractor {
    public let id = ExtractorID.spdxSBOM
    public init() {}

    public let pathEndings = [".json"]

    public func fileRequired(_ path: String) -> Bool {
        let base = PathName.base(path)
        return base.hasSuffixIgnoringASCIICase("spdx.json") || SBOMSupport.isGenericSBOMName(base)
    }

    public func extract(_ input: ExtractorInput) throws -> Extraction {
        guard let root = try StructuredDocument.json(input.contents) as? [String: Any] else {
            throw ExtractionError("not an SPDX SBOM: the document is not a JSON object")
        }
        guard let spec = root.string("spdxVersion") else {
            // The generic names are shared with CycloneDX, which reports what is neither.
            if SBOMSupport.isGenericSBOMName(PathName.base(input.path)) { return Extraction() }
            throw ExtractionError("not an SPDX JSON SBOM: no \"spdxVersion\"")
        }
        var result = Extraction()
        if !spec.hasPrefix("SPDX-2.") {
            throw ExtractionError("\(spec) is not SPDX 2.x JSON (fnaudit reads SPDX 2.2 and 2.3)")
        }
        let dev = devOnly(root)
        let lines = SBOMSupport.valueLines(input.contents, key: "referenceLocator")
        var others = 0
        var examples: [String] = []
        // What the document describes is the project itself (CycloneDX's metadata.component), not a dependency.
        let described = Set(((root["documentDescribes"] as? [Any]) ?? []).compactMap { $0 as? String })
        for item in (root["packages"] as? [Any]) ?? [] {
            guard let package = item as? [String: Any], !described.contains(package.string("SPDXID") ?? "") else { continue }
            let purls = ((package["externalRefs"] as? [Any]) ?? []).compactMap { ref -> String? in
                guard let ref = ref as? [String: Any], ref.string("referenceType") == "purl" else { return nil }
                return ref.string("referenceLocator")
            }
            for purl in purls {
                guard SBOMSupport.isKnownType(purl) else {
                    others += 1
                    if examples.count < 3 { examples.append(purl) }
                    continue
                }
                let license = package.string("licenseDeclared").flatMap(LicenseText.normalize)
                if let found = SBOMSupport.package(purl: purl, fallbackVersion: package.string("versionInfo"),
                                                   location: input.location(line: lines[purl]),
                                                   isDev: package.string("SPDXID").map { dev.contains($0) } ?? false,
                                                   licenses: license.map { [$0] } ?? [], extractor: id) {
                    result.packages.append(found)
                }
            }
        }
        if let warning = SBOMSupport.otherTypesWarning(others, examples: examples, location: input.location) { result.issues.append(warning) }
        return result
    }

    /// SPDXIDs reachable from the described elements only through dev or test edges.
    private func devOnly(_ root: [String: Any]) -> Set<String> {
        var production: [String: [String]] = [:], development: [String: [String]] = [:]
        for item in (root["relationships"] as? [Any]) ?? [] {
            guard let relation = item as? [String: Any], let element = relation.string("spdxElementId"),
                  let related = relation.string("relatedSpdxElement"), let type = relation.string("relationshipType") else { continue }
            switch type {
            case "DEPENDENCY_OF", "RUNTIME_DEPENDENCY_OF", "OPTIONAL_DEPENDENCY_OF", "PROVIDED_DEPENDENCY_OF":
                production[related, default: []].append(element)
            case "DEPENDS_ON", "CONTAINS":
                production[element, default: []].append(related)
            case "DEV_DEPENDENCY_OF", "TEST_DEPENDENCY_OF", "BUILD_DEPENDENCY_OF":
                development[related, default: []].append(element)
            default:
                continue
            }
        }
        let roots = ((root["documentDescribes"] as? [Any]) ?? []).compactMap { $0 as? String }
        func reach(_ edges: [[String: [String]]]) -> Set<String> {
            var seen = Set(roots), queue = roots
            while let next = queue.popLast() {
                for map in edges { for child in map[next] ?? [] where seen.insert(child).inserted { queue.append(child) } }
            }
            return seen
        }
        let prod = reach([production])
        return reach([production, development]).subtracting(prod)
    }
}
