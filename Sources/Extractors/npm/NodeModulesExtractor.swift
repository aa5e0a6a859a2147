import FnauditModel

/// Installed packages: `node_modules/<name>/package.json` and `node_modules/@scope/<name>/package.json`
/// at any depth (nested `node_modules` included). This is what really ships in a function bundle.
public struct NodeModulesExtractor: Extractor {
    public let id = ExtractorID.nodeModules
    public init() {}

    public let pathEndings = ["/package.json"]

    public func fileRequired(_ path: String) -> Bool {
        guard path.hasSuffixBytes("/package.json") else { return false }
        let parts = PathName.components(path)
        let n = parts.count
        // …/node_modules/name/package.json or …/node_modules/@scope/name/package.json; not the
        // package.json files some packages keep in subfolders (`dist/esm/package.json`).
        if n >= 3, parts[n - 3] == "node_modules", !parts[n - 2].hasPrefix("@"), !parts[n - 2].hasPrefix(".") { return true }
        if n >= 4, parts[n - 4] == "node_modules", parts[n - 3].hasPrefix("@") { return true }
        return false
    }

    public func extract(_ input: ExtractorInput) throws -> Extraction {
        guard let manifest = try StructuredDocument.json(input.contents) as? [String: Any] else {
            throw ExtractionError("not a package.json: the document is not a JSON object")
        }
        // Stubs without a name or version (some packages ship them) describe no package.
        guard let name = manifest.string("name"), let version = manifest.string("version"), !name.isEmpty, !version.isEmpty else {
            return Extraction()
        }
        var package = NpmNames.package(name: name, version: version, location: input.location, isDev: false, extractor: id)
        package.licenses = DeclaredLicenses.npm(manifest)
        return Extraction(packages: [package])
    }
}
