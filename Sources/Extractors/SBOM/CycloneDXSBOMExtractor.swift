import FnauditModel

/// CycloneDX JSON SBOMs (1.4–1.6; others read the same way, with a warning): every component,
/// nested ones included, whose purl is npm, pypi or maven. `metadata.component` is the project
/// the SBOM describes, not a dependency, and is left out. Claims `*.cdx.json`, `*cyclonedx.json`,
/// and the generic `*bom.json` (`bom.json`, `app-sbom.json`) when the document says `"bomFormat": "CycloneDX"`.
public struct CycloneDXSBOMExtractor: Extractor {
    public let id = ExtractorID.cycloneDXSBOM
    public init() {}

    public let pathEndings = [".json"]

    public func fileRequired(_ path: String) -> Bool {
        let base = PathName.base(path)
        return base.hasSuffixIgnoringASCIICase(".cdx.json") || base.hasSuffixIgnoringASCIICase("cyclonedx.json")
            || SBOMSupport.isGenericSBOMName(base)
    }

    public func extract(_ input: ExtractorInput) throws -> Extraction {
        guard let root = try StructuredDocument.json(input.contents) as? [String: Any] else {
            throw ExtractionError("not a CycloneDX SBOM: the document is not a JSON object")
        }
        guard root.string("bomFormat") == "CycloneDX" else {
            // A generic name holding SPDX is the SPDX extractor's; anything else is worth a word.
            if SBOMSupport.isGenericSBOMName(PathName.base(input.path)) {
                if root["spdxVersion"] != nil { return Extraction() }
                return Extraction(issues: [ScanIssue(location: input.location, message: "neither a CycloneDX nor an SPDX JSON SBOM: not read", severity: .warning)])
            }
            throw ExtractionError("not a CycloneDX SBOM: no \"bomFormat\": \"CycloneDX\"")
        }
        var result = Extraction()
        let spec = root.string("specVersion") ?? "?"
        if !["1.4", "1.5", "1.6"].contains(spec) {
            result.issues.append(ScanIssue(location: input.location, message: "CycloneDX specVersion \(spec): fnaudit knows 1.4–1.6; read the same way", severity: .warning))
        }
        let lines = SBOMSupport.valueLines(input.contents, key: "purl")
        var others = 0
        var examples: [String] = []
        var stack: [Any] = [(root["components"] as? [Any]) ?? []]
        var visited = 0
        while let next = stack.popLast() {
            for item in (next as? [Any]) ?? [] {
                guard let component = item as? [String: Any] else { continue }
                visited += 1
                if let nested = component["components"] as? [Any] { stack.append(nested) }
                guard let purl = component.string("purl"), !purl.isEmpty else { continue }
                guard SBOMSupport.isKnownType(purl) else {
                    others += 1
                    if examples.count < 3 { examples.append(purl) }
                    continue
                }
                if let package = SBOMSupport.package(purl: purl, fallbackVersion: component.string("version"),
                                                     location: input.location(line: lines[purl]), isDev: isDev(component),
                                                     licenses: licenses(component["licenses"]), extractor: id) {
                    result.packages.append(package)
                }
            }
        }
        if let warning = SBOMSupport.otherTypesWarning(others, examples: examples, location: input.location) { result.issues.append(warning) }
        return result
    }

    /// `scope: excluded` (not part of what runs; fnaudit writes it for dev dependencies) or npm's
    /// `cdx:npm:package:development` property (npm sbom, cyclonedx-npm).
    private func isDev(_ component: [String: Any]) -> Bool {
        if component.string("scope") == "excluded" { return true }
        for property in (component["properties"] as? [Any]) ?? [] {
            guard let property = property as? [String: Any] else { continue }
            if property.string("name") == "cdx:npm:package:development", property.string("value") == "true" { return true }
        }
        return false
    }

    /// `licenses`: `[{license: {id | name}}]` or `[{expression}]`.
    private func licenses(_ value: Any?) -> [String] {
        var found: [String] = []
        for item in (value as? [Any]) ?? [] {
            guard let choice = item as? [String: Any] else { continue }
            let text = choice.string("expression") ?? (choice["license"] as? [String: Any]).flatMap { $0.string("id") ?? $0.string("name") }
            if let text, let license = LicenseText.normalize(text), !found.contains(license) { found.append(license) }
        }
        return found
    }
}
