import FnauditModel

/// Every extractor fnaudit runs, in one place.
public enum ExtractorRegistry {
    /// Lockfiles and manifests, found in source trees and inside archives.
    public static let all: [any Extractor] = [
        PackageLockExtractor(), YarnLockExtractor(), PnpmLockExtractor(), NodeModulesExtractor(),
        RequirementsExtractor(), PipfileLockExtractor(), PoetryLockExtractor(), UvLockExtractor(), PdmLockExtractor(),
        PylockExtractor(), PythonMetadataExtractor(),
        PomXMLExtractor(), GradleLockfileExtractor(),
    ]

    /// The extractors that want `path`.
    public static func extractors(for path: String) -> [any Extractor] {
        all.filter { $0.fileRequired(path) }
    }
}
