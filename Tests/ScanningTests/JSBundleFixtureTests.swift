import XCTest
import Foundation
import FnauditModel
import FnauditExtractors
@testable import FnauditScanning
import TestSupport

/// Bundles built by esbuild and webpack from Debian's node-* packages (Scripts/fixtures/make-js-bundles.py),
/// scanned as trees and inside the tarball, against each build's truth (the tool's own metafile/stats).
final class JSBundleFixtureTests: XCTestCase {
    /// Per configuration: names the shipped files reveal, and versions they prove (see Docs/JS-BUNDLES.md).
    private static let expected: [String: (names: Int, versions: Int)] = [
        "esbuild-cdk": (37, 2),             // `// node_modules/` comments; moment's and uri-js's banners
        "esbuild-minified": (12, 2),        // only the modules with legal comments (the end-of-file block)
        "esbuild-minified-bare": (0, 0),    // nothing: one warning instead
        "esbuild-sourcemap": (37, 1),       // map sources; moment's banner in sourcesContent (uri-js's map points past its banner)
        "esbuild-inline-map": (37, 0),      // inline map without sourcesContent
        "esbuild-metafile": (37, 0),        // index.meta.json inputs
        "esbuild-lockfile": (37, 37),       // comments + package-lock.json beside the bundle
        "esbuild-pnpm": (37, 36),           // .pnpm/<name>@<version>/ paths (Debian's ajv nests its own fast-json-stable-stringify: no version in that path)
        "webpack-production": (9, 0),       // index.js.LICENSE.txt banners (moment.js and URI.js are dotted names: not taken)
        "webpack-sourcemap": (37, 2),       // map sources and sourcesContent banners
    ]

    private static let unpacked: URL? = {
        guard let dir = try? makeTemporaryDirectory() else { return nil }
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        tar.arguments = ["tar", "-xJf", Fixtures.path("js-bundle/bundles.tar.xz"), "-C", dir.path]
        guard (try? tar.run()) != nil else { return nil }
        tar.waitUntilExit()
        return tar.terminationStatus == 0 ? dir : nil
    }()

    private func truth(_ config: String) throws -> [String: [String]] {
        let data = try Data(contentsOf: Fixtures.url("js-bundle/\(config).truth.json"))
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try XCTUnwrap(object["bundle"] as? [String: [String]])
    }

    private func bundled(_ packages: [Package]) -> [Package] {
        packages.filter { $0.extractors.contains { $0.id.hasPrefix("js-bundle:") } }
    }

    func testEveryConfigurationAgainstItsTruth() throws {
        let root = try XCTUnwrap(Self.unpacked, "tar -xJf the fixtures")
        var figures: [String] = []
        for (config, expected) in Self.expected.sorted(by: { $0.key < $1.key }) {
            let truth = try truth(config)
            let inventory = InventoryScanner().inventory(of: [root.appendingPathComponent(config).path])
            let packages = bundled(inventory.packages)
            let names = Set(packages.map(\.name))
            XCTAssertEqual(names.subtracting(truth.keys), [], "\(config): no package is invented")
            for p in packages where p.versionKind == .exact {
                XCTAssertTrue(truth[p.name]?.contains(p.version) ?? false, "\(config): \(p.name) \(p.version) is not what was bundled (\(truth[p.name] ?? []))")
            }
            for p in packages where p.versionKind != .exact {
                XCTAssertEqual(p.versionKind, .unresolved)
                XCTAssertEqual(p.version, "")
                XCTAssertNotNil(p.versionNote)
            }
            let versions = packages.filter { $0.versionKind == .exact }.count
            XCTAssertEqual(names.count, expected.names, "\(config): names found")
            XCTAssertEqual(versions, expected.versions, "\(config): versions found")
            let warnings = inventory.issues.filter { $0.message.contains("packages inside cannot be listed") }
            XCTAssertEqual(warnings.count, config == "esbuild-minified-bare" ? 1 : 0, "\(config): \(warnings)")
            XCTAssertTrue(inventory.issues.allSatisfy { $0.severity == .warning }, "\(config): \(inventory.issues)")
            figures.append("\(config): names \(names.count)/\(truth.count), versions \(versions)/\(expected.versions) provable")
        }
        print(figures.joined(separator: "\n"))
    }

    /// The same bundles read inside one archive: each folder's lockfile and metafile stay with its bundle.
    func testTheTarballGivesWhatTheTreesGive() throws {
        let root = try XCTUnwrap(Self.unpacked)
        // xz stores the configurations' shared code once, so later entries cost almost no compressed
        // bytes of their own: the ratio guard must judge the stream, not the entry (a false bomb before).
        let tarball = root.appendingPathComponent("all.tar.xz").path
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        tar.arguments = ["tar", "-cJf", tarball, "-C", root.path] + Self.expected.keys.sorted()
        try tar.run()
        tar.waitUntilExit()
        let inventory = InventoryScanner().inventory(of: [tarball])
        XCTAssertTrue(inventory.issues.allSatisfy { $0.severity == .warning }, "\(inventory.issues)")
        let archive = bundled(inventory.packages)
        func key(_ p: Package, _ location: String) -> String { "\(location) \(p.name)@\(p.version)" }
        let fromArchive = Set(archive.flatMap { p in p.locations.map { key(p, PathName.directory($0.entryChain.last ?? "")) } })
        var fromTrees: Set<String> = []
        for config in Self.expected.keys {
            for p in bundled(InventoryScanner().inventory(of: [root.appendingPathComponent(config).path]).packages) {
                fromTrees.insert(key(p, config))
            }
        }
        XCTAssertEqual(fromArchive, fromTrees)
    }
}
