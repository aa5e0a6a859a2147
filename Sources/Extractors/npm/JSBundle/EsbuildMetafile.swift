import FnauditModel

/// esbuild's metafile (`--metafile`, CDK's `metafile: true` writes `index.meta.json` into the asset):
/// the keys of `inputs` (and of each output's `inputs`) are every file the build read.
enum EsbuildMetafile {
    static func isMetafile(_ path: String) -> Bool { isMetafile(PathName.base(path)) }

    static func isMetafile(_ base: Substring) -> Bool {
        base.hasSuffixBytes(".meta.json") || base == "metafile.json" || base == "meta.json"
    }

    static func read(_ bytes: [UInt8]) -> [BundleSighting] {
        bytes.withUnsafeBufferPointer { buffer in
            BundleJSON.objectKeys("inputs", in: buffer).compactMap { input in
                BundlePaths.package(inPath: input[...]).map {
                    BundleSighting(name: $0.name, installPath: $0.installPath, version: $0.version, kind: .jsBundleMetafile)
                }
            }
        }
    }
}
