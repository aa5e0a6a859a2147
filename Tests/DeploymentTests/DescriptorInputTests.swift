import XCTest
import FnauditAudit
import FnauditModel
import FnauditPolicy
import TestSupport

/// Descriptors are input like any other: a broken one is one error naming it, a file that only
/// shares a descriptor's name is not an error, and nothing a template says reaches outside the scan.
final class DescriptorInputTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("fnaudit-descriptors-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: root)
    }

    func write(_ path: String, _ text: String) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    func inventory() -> AuditReport {
        var request = AuditRequest(inputs: [root.path])
        request.scanners = [.vuln]
        return Audit.inventory(request)
    }

    func testFilesThatOnlyShareADescriptorsNameAreNotErrors() throws {
        try write("chart/template.yaml", "{{- if .Values.enabled }}\nkind: Service\n{{- end }}\n")
        try write("web/template.json", "[1, 2, 3]")
        try write("extension/manifest.json", #"{"manifest_version": 3, "name": "x"}"#)
        try write("manifest.json", #"{"version": 3, "artifacts": "not an object"}"#)
        let report = inventory()
        XCTAssertEqual(report.errors, [])
        XCTAssertEqual(report.functions.count, 0)
    }

    func testABrokenTemplateIsOneErrorNamingIt() throws {
        try write("svc/template.yaml", "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties: [unclosed\n")
        try write("ok/template.yaml", "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src\n      Runtime: python3.12\n")
        let report = inventory()
        XCTAssertEqual(report.errors.count, 1)
        XCTAssertTrue(report.errors.first?.location.path.hasSuffix("svc/template.yaml") ?? false, "\(report.errors)")
        XCTAssertEqual(report.functions.map(\.definition.name), ["Fn"], "the other project is still read")
        XCTAssertEqual(report.functions.first?.definition.artifact.kind, .missing, "src/ was not built: said, not guessed")
    }

    func testCodeOutsideTheScannedFolderIsNotRead() throws {
        try write("template.yaml", """
            Resources:
              Up:
                Type: AWS::Serverless::Function
                Properties: {CodeUri: ../../../../etc, Runtime: python3.12}
              Absolute:
                Type: AWS::Lambda::Function
                Properties: {Code: /etc, Runtime: python3.12}
              Weird:
                Type: AWS::Serverless::Function
                Properties: {CodeUri: [1, 2], Layers: {a: b}, Runtime: {x: 1}}
            """)
        let report = inventory()
        XCTAssertEqual(report.errors, [])
        let kinds = Dictionary(uniqueKeysWithValues: report.functions.map { ($0.definition.name, $0.definition.artifact) })
        XCTAssertEqual(kinds["Up"]?.kind, .missing)
        XCTAssertEqual(kinds["Up"]?.reason?.contains("outside the scanned folder"), true)
        XCTAssertEqual(kinds["Absolute"]?.kind, .missing)
        XCTAssertEqual(kinds["Weird"]?.kind, .missing, "a list where a path belongs: unresolved, never a guess")
        XCTAssertNil(report.functions.first { $0.definition.name == "Weird" }?.definition.runtime)
    }

    func testAliasBombsAndDeepNestingStayWithinTheirBudgets() throws {
        var bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 { bomb += "\(Character(UnicodeScalar(97 + level)!)): &\(Character(UnicodeScalar(97 + level)!)) [" + Array(repeating: "*\(Character(UnicodeScalar(96 + level)!))", count: 10).joined(separator: ", ") + "]\n" }
        try write("a/serverless.yml", "service: x\nfunctions: {f: {handler: h}}\n" + bomb)
        try write("b/template.yaml", "AWSTemplateFormatVersion: x\nResources: " + String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000) + "\n")
        let report = inventory()
        XCTAssertEqual(report.errors.count, 2, "\(report.errors)")
    }

    func testSAMBuildFolderScannedOnItsOwn() throws {
        // `fnaudit scan .aws-sam/build`: the build's template is the only one, its CodeUri relative to it.
        try write("template.yaml", "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties: {CodeUri: Fn, Handler: app.handler, Runtime: python3.12}\n")
        try write("Fn/requests-2.31.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: requests\nVersion: 2.31.0\n")
        let report = inventory()
        XCTAssertEqual(report.functions.first?.definition.artifact.kind, .directory)
        XCTAssertEqual(report.functions.first?.effective.count, 1)
    }

    /// Found by trying the product as a new user: `!Sub` paths, conditional layers, and a layer's
    /// source folder beside its packaged zip.
    func testSubPathsConditionalLayersAndLayerSources() throws {
        try write("sam/template.yaml", """
            Conditions:
              IsProd: !Equals [!Ref Stage, prod]
            Resources:
              Fn:
                Type: AWS::Serverless::Function
                Properties:
                  CodeUri: !Sub "src/"
                  Runtime: python3.12
                  Layers: [!If [IsProd, !Ref A, !Ref B]]
              A: {Type: AWS::Serverless::LayerVersion, Properties: {ContentUri: a/}}
              B: {Type: AWS::Serverless::LayerVersion, Properties: {ContentUri: b/}}
            """)
        try write("sam/src/requirements.txt", "requests==2.31.0\n")
        // A Serverless layer whose `path` was zipped by `sls package`: the folder is the zip's content.
        try write("sls/serverless.yml", """
            service: svc
            provider: {name: aws, runtime: nodejs20.x}
            layers: {libs: {path: layer-src}}
            functions: {f: {handler: index.h, layers: [{Ref: LibsLambdaLayer}]}}
            """)
        try write("sls/layer-src/nodejs/node18/node_modules/minimist/package.json", #"{"name": "minimist", "version": "1.2.5"}"#)
        let zip = root.appendingPathComponent("sls/.serverless/libs.zip")
        try FileManager.default.createDirectory(at: zip.deletingLastPathComponent(), withIntermediateDirectories: true)
        let zipped = try Tool.run(["bash", "-c", "cd '\(root.appendingPathComponent("sls/layer-src").path)' && zip -qr '\(zip.path)' ."])
        XCTAssertEqual(zipped.status, 0, zipped.stderr)
        let report = inventory()
        XCTAssertEqual(report.errors, [])
        let fn = try XCTUnwrap(report.functions.first { $0.definition.name == "Fn" })
        XCTAssertEqual(fn.definition.artifact.kind, .directory, "!Sub with nothing to substitute is a path")
        XCTAssertEqual(fn.effective.count, 1)
        XCTAssertEqual(fn.definition.layers.first?.artifact.kind, .missing)
        XCTAssertTrue(fn.definition.layers.first?.name.contains("Fn::If IsProd: A or B") ?? false, "\(fn.definition.layers)")
        let minimist = try XCTUnwrap(report.packages.first { $0.name == "minimist" })
        XCTAssertEqual(minimist.locations.count, 2, "the zip's copy and the source folder's")
        XCTAssertTrue(report.shadowedPackages.contains(minimist.identity),
                      "node18 is not on nodejs20.x's path, in the zip and in the folder it was zipped from")
    }
}
