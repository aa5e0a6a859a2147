import FnauditModel

/// Every extractor and analyzer fnaudit runs, in one place.
public enum ExtractorRegistry {
    /// Lockfiles, manifests and installed-package metadata, found in source trees and inside archives.
    public static let extractors: [any Extractor] = [
        PackageLockExtractor(), YarnLockExtractor(), PnpmLockExtractor(), NodeModulesExtractor(),
        RequirementsExtractor(), PipfileLockExtractor(), PoetryLockExtractor(), UvLockExtractor(), PdmLockExtractor(),
        PylockExtractor(), PythonMetadataExtractor(),
        PomXMLExtractor(), GradleLockfileExtractor(),
        CycloneDXSBOMExtractor(), SPDXSBOMExtractor(),
    ]

    /// What the walk offers every entry to for `--scanners vuln` (packages). A new analyzer is added here.
    public static let analyzers: [any Analyzer] = [PackageExtractors(extractors), JavaArchiveExtractor(), JSBundleAnalyzer(), DeploymentDescriptors()]

    /// The analyzers of the chosen scanners: `vuln` the package analyzers, `secret` the secret rules
    /// (which fingerprint what they find through `fingerprinter`, so this layer links no crypto).
    public static func analyzers(for scanners: Set<ScannerKind>, fingerprinter: any SecretFingerprinter) -> [any Analyzer] {
        // `permissions` alone still needs the descriptors that define functions and their roles.
        (scanners.contains(.vuln) ? analyzers : scanners.contains(.permissions) ? [DeploymentDescriptors()] : [])
            + (scanners.contains(.secret) ? [SecretScanner(fingerprinter: fingerprinter)] : [])
    }

    /// The extractors that want `path`.
    public static func extractors(for path: String) -> [any Extractor] {
        extractors.filter { $0.fileRequired(path) }
    }
}
