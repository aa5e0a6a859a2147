import XCTest
import FnauditModel
@testable import FnauditExtractors

/// The bundle reader on hand-written bundles: each evidence kind, and the traps (banners of vendored
/// code, scoped names, nested copies, `.pnpm`/`.bin`, hostile maps). Real bundles built by esbuild and
/// webpack are checked against their build's truth in ScanningTests/JSBundleFixtureTests.
final class JSBundleTests: XCTestCase {
    private struct Files: SiblingFiles {
        var files: [String: [UInt8]]
        func read(_ path: String) throws -> [UInt8] {
            guard let bytes = files[path] else { throw ExtractionError("no such file: \(path)") }
            return bytes
        }
    }

    private func scan(_ files: [String: String]) -> Extraction {
        let container = Container(kind: .archive, location: Location(path: "fn.zip"), entries: files.keys.sorted().filter { JSBundleAnalyzer().wants(EntryInfo(path: $0, inArchive: true)) },
                                  files: Files(files: files.mapValues { Array($0.utf8) }))
        return JSBundleAnalyzer().analyze(container)
    }

    private func summary(_ e: Extraction) -> [String] {
        e.packages.map { "\($0.name)@\($0.version)" }.sorted()
    }

    func testEsbuildCommentsAndWrapperKeysNameScopedAndNestedPackages() {
        let bundle = """
        // node_modules/lodash/chunk.js
        var require_chunk = __commonJS({
          "node_modules/lodash/chunk.js"(exports, module) { module.exports = 1; }
        });
        // node_modules/@aws-sdk/client-s3/dist/index.js
        // node_modules/ajv/node_modules/fast-json-stable-stringify/index.js
        // node_modules/fast-json-stable-stringify/index.js
        // node_modules/.bin/tool
        var init_x = __esm({ "node_modules/.pnpm/ms@2.1.3/node_modules/ms/index.js"() {} });
        // src/index.js
        console.log("see node_modules/not-a-module/x.js for details");
        """
        let e = scan(["index.js": bundle])
        XCTAssertEqual(summary(e), ["@aws-sdk/client-s3@", "fast-json-stable-stringify@", "lodash@", "ms@2.1.3"],
                       "a string mentioning node_modules is no module; .bin is no package; the pnpm store path gives ms its version")
        let nested = e.packages.filter { $0.name == "fast-json-stable-stringify" }
        XCTAssertEqual(nested.count, 1, "two copies without versions are one unresolved package")
        let lodash = e.packages.first { $0.name == "lodash" }
        XCTAssertEqual(lodash?.versionKind, .unresolved)
        XCTAssertEqual(lodash?.locations, [Location(path: "fn.zip", entryChain: ["index.js"])])
        XCTAssertEqual(lodash?.extractors.map(\.id), ["js-bundle:esbuild-comments"])
        XCTAssertTrue(lodash?.versionNote?.contains("no lockfile") ?? false)
    }

    func testABannerGivesAVersionOnlyToThePackageItNames() {
        // esbuild's end-of-file block: lodash's licence cites Underscore.js 1.8.3, uri-js carries
        // punycode's banner; neither is lodash's or uri-js's version, and neither makes a package.
        let bundle = """
        // node_modules/lodash/lodash.js
        var a = 1;
        /*! Bundled license information:

        lodash/lodash.js:
          (**
           * @license
           * Lodash <https://lodash.com/>
           * Based on Underscore.js 1.8.3 <http://underscorejs.org/LICENSE>
           *)

        uri-js/dist/es5/uri.all.js:
          (** @license URI.js v4.4.0 (c) 2011 Gary Court. License: http://github.com/garycourt/uri-js *)
          (*! https://mths.be/punycode v1.4.1 by @mathias *)

        moment/moment.js:
          (*! moment.js *)
          (*! version : 2.29.4 *)

        vendoring/index.js:
          (*! jQuery v3.6.1 | (c) OpenJS Foundation *)
          (*! version : 9.9.9 *)
        */
        """
        XCTAssertEqual(summary(scan(["index.js": bundle])), ["lodash@", "moment@2.29.4", "uri-js@4.4.0", "vendoring@"])
    }

    func testStandaloneBannersNameOnlyInBundlesWithoutPaths() {
        let licence = """
        /*! For license information please see index.js.LICENSE.txt */
        /*!
         * cookie
         * Copyright(c) 2012-2014 Roman Shtylman
         */
        /*! jQuery v3.6.1 | (c) OpenJS Foundation and other contributors */
        /** @license React
         * react.production.min.js */
        /** @license URI.js v4.4.0 (c) 2011 Gary Court. */
        /*! https://mths.be/punycode v1.4.1 by @mathias */
        /*! Copyright (c) 2018 Jed Watson. */
        /** @license MIT */
        """
        XCTAssertEqual(summary(scan(["index.js": "(()=>{})();", "index.js.LICENSE.txt": licence])),
                       ["cookie@", "jquery@3.6.1", "react@"])
        // With module paths in the bundle, a loose banner adds nothing new.
        XCTAssertEqual(summary(scan(["index.js": "// node_modules/cookie/index.js\n", "index.js.LICENSE.txt": licence])), ["cookie@"])
    }

    func testSourceMapsBesideAndInline() throws {
        let map = #"{"version":3,"sources":["../node_modules/@scope/pkg/a.js","webpack://app/./node_modules/moment/moment.js","../src/app.js","../node_modules/left-pad/package.json"],"sourcesContent":[null,"//! moment.js\n//! version : 2.29.4\n","x","{\"name\":\"left-pad\",\"version\":\"1.3.0\",\"main\":\"index.js\"}"],"mappings":""}"#
        let beside = scan(["dist/index.js": "x\n//# sourceMappingURL=index.js.map\n", "dist/index.js.map": map])
        XCTAssertEqual(summary(beside), ["@scope/pkg@", "left-pad@1.3.0", "moment@2.29.4"])
        XCTAssertTrue(beside.packages.allSatisfy { $0.locations == [Location(path: "fn.zip", entryChain: ["dist/index.js"])] })
        XCTAssertEqual(beside.packages.first { $0.name == "left-pad" }?.extractors.map(\.id), ["js-bundle:sourcemap", "js-bundle:package-json"])
        let inline = "x\n//# sourceMappingURL=data:application/json;base64," + Data(map.utf8).base64EncodedString() + "\n"
        XCTAssertEqual(summary(scan(["index.mjs": inline])), summary(beside))
        // A map with no bundle beside it still proves what it lists, located at the map.
        XCTAssertEqual(scan(["lib/x.js.map": map]).packages.first?.locations.first?.entryChain, ["lib/x.js.map"])
    }

    func testMetafileJoinsTheBundleInItsFolder() {
        let meta = #"{"inputs":{"node_modules/uuid/dist/index.js":{"bytes":1,"imports":[{"path":"x"}]},"src/index.js":{"bytes":2}},"outputs":{"index.js":{"inputs":{"node_modules/.pnpm/@smithy+types@2.0.0/node_modules/@smithy/types/index.js":{"bytesInOutput":1}}}}}"#
        let minified = String(repeating: "a", count: JSBundleAnalyzer.minifiedBundleBytes)
        let e = scan(["index.js": minified, "index.meta.json": meta])
        XCTAssertEqual(summary(e), ["@smithy/types@2.0.0", "uuid@"])
        XCTAssertTrue(e.issues.isEmpty, "the metafile listed the bundle's packages: no warning")
    }

    func testMinifiedBundleWithoutEvidenceIsOneWarning() {
        let minified = String(repeating: "var a=1;", count: JSBundleAnalyzer.minifiedBundleBytes / 8 + 1)
        let e = scan(["index.js": minified, "src/small.js": "module.exports = 1\n"])
        XCTAssertTrue(e.packages.isEmpty)
        XCTAssertEqual(e.issues.map(\.message), ["index.js is a minified bundle with no source map or license comments: packages inside cannot be listed; ship the source map or scan the project's lockfile"])
        XCTAssertEqual(e.issues.first?.severity, .warning)
    }

    func testLockfileBesideTheBundleGivesVersions() {
        let lock = #"{"name":"app","lockfileVersion":3,"packages":{"":{"name":"app"},"node_modules/lodash":{"version":"4.17.21"},"node_modules/ms":{"version":"2.1.3"},"node_modules/a/node_modules/ms":{"version":"2.0.0"}}}"#
        let e = scan(["index.js": "// node_modules/lodash/lodash.js\n// node_modules/ms/index.js\n", "package-lock.json": lock])
        XCTAssertEqual(summary(e), ["lodash@4.17.21", "ms@"], "two versions of ms in the lockfile: the bundle's is not known")
        XCTAssertEqual(e.packages.first { $0.name == "lodash" }?.extractors.map(\.id), ["js-bundle:esbuild-comments", "js-bundle:lockfile-version"])
        XCTAssertTrue(e.packages.first { $0.name == "ms" }?.versionNote?.contains("several versions (2.0.0, 2.1.3)") ?? false)
        // A manifest's exact pin counts; a range does not.
        let manifest = #"{"dependencies":{"lodash":"4.17.21","ms":"^2.1.3"}}"#
        XCTAssertEqual(summary(scan(["index.js": "// node_modules/lodash/lodash.js\n// node_modules/ms/index.js\n", "package.json": manifest])), ["lodash@4.17.21", "ms@"])
    }

    func testInlinedPackageJSON() {
        let bundle = #"var require_package = { name: "axios", version: "1.6.0", description: "Promise based HTTP client", main: "index.js", license: "MIT" }; var x = { name: "app", version: "1.0.0" };"#
        XCTAssertEqual(summary(scan(["index.js": bundle])), ["axios@1.6.0"], "an app's {name, version} literal is no package.json")
    }

    func testHostileInputNeverTraps() {
        for junk in ["{\"sources\":[\"node_modules/a/x.js\"", "{\"sources\":[\"\\u12", "{\"sources\":[\"\\", "{\"inputs\":{\"node_modules/b/x.js\":", "\u{0}\u{1}node_modules/", "// node_modules/", "\"node_modules/@/x\"(", "//# sourceMappingURL=data:application/json;base64,%%%"] {
            _ = scan(["index.js": junk, "index.js.map": junk, "a.meta.json": junk, "index.js.LICENSE.txt": junk])
        }
        XCTAssertEqual(summary(scan(["index.js.map": "{\"sources\":[\"node_modules/a/x.js\""])), ["a@"], "a truncated map still proves what it listed")
    }

    func testWantsNoInstalledPackageFiles() {
        let analyzer = JSBundleAnalyzer()
        XCTAssertTrue(analyzer.wants(EntryInfo(path: "index.js", inArchive: true)))
        XCTAssertTrue(analyzer.wants(EntryInfo(path: "dist/index.mjs.map", inArchive: true)))
        XCTAssertTrue(analyzer.wants(EntryInfo(path: "index.meta.json", inArchive: true)))
        XCTAssertFalse(analyzer.wants(EntryInfo(path: "node_modules/lodash/lodash.min.js", inArchive: true)))
        XCTAssertFalse(analyzer.wants(EntryInfo(path: "nodejs/node_modules/lodash/package.json", inArchive: true)))
        XCTAssertFalse(analyzer.wants(EntryInfo(path: "README.md", inArchive: true)))
    }
}
