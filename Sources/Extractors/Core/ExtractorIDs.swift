import FnauditModel

/// The extractors' identities: `id` is stable (JSON, tests), `displayName` is what reports show.
public extension ExtractorID {
    static let pomXML = ExtractorID(id: "pom-xml", displayName: "pom.xml", source: .declared)
    static let gradleLockfile = ExtractorID(id: "gradle-lockfile", displayName: "gradle.lockfile", source: .declared)
    static let requirements = ExtractorID(id: "requirements-txt", displayName: "requirements.txt", source: .declared)
    static let pythonMetadata = ExtractorID(id: "python-metadata", displayName: "Python package metadata", source: .installed)
    static let pipfileLock = ExtractorID(id: "pipfile-lock", displayName: "Pipfile.lock", source: .declared)
    static let poetryLock = ExtractorID(id: "poetry-lock", displayName: "poetry.lock", source: .declared)
    static let uvLock = ExtractorID(id: "uv-lock", displayName: "uv.lock", source: .declared)
    static let pdmLock = ExtractorID(id: "pdm-lock", displayName: "pdm.lock", source: .declared)
    static let pylock = ExtractorID(id: "pylock", displayName: "pylock.toml", source: .declared)
    static let yarnLock = ExtractorID(id: "yarn-lock", displayName: "yarn.lock", source: .declared)
    static let nodeModules = ExtractorID(id: "node-modules", displayName: "node_modules package.json", source: .installed)
    static let pnpmLock = ExtractorID(id: "pnpm-lock", displayName: "pnpm-lock.yaml", source: .declared)
    static let packageLock = ExtractorID(id: "package-lock", displayName: "package-lock.json", source: .declared)
    static let pomProperties = ExtractorID(id: "pom-properties", displayName: "pom.properties", source: .installed)
    static let manifestImplementation = ExtractorID(id: "manifest-implementation", displayName: "MANIFEST.MF (Implementation-*)", source: .installed)
    static let manifestBundle = ExtractorID(id: "manifest-bundle", displayName: "MANIFEST.MF (Bundle-SymbolicName)", source: .installed)
    static let manifestModule = ExtractorID(id: "manifest-module", displayName: "MANIFEST.MF (Automatic-Module-Name)", source: .installed)
    static let jarFileName = ExtractorID(id: "jar-file-name", displayName: "jar file name", source: .installed)
}

public extension ExtractorID {
    /// SBOMs: what another tool recorded at build time, so `declared` (the SBOM is not what ships).
    static let cycloneDXSBOM = ExtractorID(id: "cyclonedx-sbom", displayName: "CycloneDX SBOM", source: .declared)
    static let spdxSBOM = ExtractorID(id: "spdx-sbom", displayName: "SPDX SBOM", source: .declared)
}

/// Evidence of packages compiled into JavaScript bundles (`npm/JSBundle/`): one id per kind of evidence,
/// shown as the id itself so reports say `js-bundle:<kind>`.
public extension ExtractorID {
    static let jsBundleEsbuildComments = ExtractorID(id: "js-bundle:esbuild-comments", displayName: "js-bundle:esbuild-comments", source: .installed)
    static let jsBundleWebpackModules = ExtractorID(id: "js-bundle:webpack-modules", displayName: "js-bundle:webpack-modules", source: .installed)
    static let jsBundleSourceMap = ExtractorID(id: "js-bundle:sourcemap", displayName: "js-bundle:sourcemap", source: .installed)
    static let jsBundleMetafile = ExtractorID(id: "js-bundle:metafile", displayName: "js-bundle:metafile", source: .installed)
    static let jsBundleLegalComments = ExtractorID(id: "js-bundle:legal-comments", displayName: "js-bundle:legal-comments", source: .installed)
    static let jsBundleBanner = ExtractorID(id: "js-bundle:banner", displayName: "js-bundle:banner", source: .installed)
    static let jsBundleInlinedPackageJSON = ExtractorID(id: "js-bundle:package-json", displayName: "js-bundle:package-json", source: .installed)
    static let jsBundleLockfileVersion = ExtractorID(id: "js-bundle:lockfile-version", displayName: "js-bundle:lockfile-version", source: .declared)
}
