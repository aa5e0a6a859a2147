import XCTest
import FnauditExtractors
import FnauditModel

/// Declared licences as each metadata format carries them.
final class LicenseExtractionTests: XCTestCase {
    private struct Files: SiblingFiles {
        var files: [String: [UInt8]]
        func read(_ path: String) throws -> [UInt8] {
            guard let bytes = files[path] else { throw ExtractionError("missing") }
            return bytes
        }
    }

    private func extract(_ extractor: any Extractor, _ path: String, _ text: String) throws -> [Package] {
        try extractor.extract(ExtractorInput(path: path, location: Location(path: path), contents: Array(text.utf8),
                                             siblings: Files(files: [:]))).packages
    }

    func testPackageJSONStringObjectAndLegacyArray() throws {
        let path = "node_modules/a/package.json"
        let cases: [(String, [String])] = [
            (#"{"name":"a","version":"1.0.0","license":"(MIT OR Apache-2.0)"}"#, ["(MIT OR Apache-2.0)"]),
            (#"{"name":"a","version":"1.0.0","license":{"type":"MIT","url":"https://x"}}"#, ["MIT"]),
            (#"{"name":"a","version":"1.0.0","licenses":[{"type":"MIT"},{"type":"Apache 2.0"}]}"#, ["MIT", "Apache-2.0"]),
            (#"{"name":"a","version":"1.0.0","license":"SEE LICENSE IN LICENSE"}"#, ["SEE LICENSE IN LICENSE"]),
            (#"{"name":"a","version":"1.0.0","license":42}"#, []),
            (#"{"name":"a","version":"1.0.0"}"#, []),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(try extract(NodeModulesExtractor(), path, text).first?.licenses, expected, text)
        }
    }

    func testPythonMetadataPrefersTheExpressionThenOneLineLicenceThenClassifiers() throws {
        let path = "x-1.0.dist-info/METADATA"
        let expression = "Metadata-Version: 2.4\nName: x\nVersion: 1.0\nLicense-Expression: MIT OR Apache-2.0\nLicense: whatever\nClassifier: License :: OSI Approved :: BSD License\n\nbody\n"
        XCTAssertEqual(try extract(PythonMetadataExtractor(), path, expression).first?.licenses, ["MIT OR Apache-2.0"])
        // A License header holding the licence text itself is not a name: the classifiers decide.
        let text = "Metadata-Version: 2.1\nName: x\nVersion: 1.0\nLicense: Copyright (c) 2020 someone\n        Permission is hereby granted\nClassifier: License :: OSI Approved :: MIT License\nClassifier: License :: OSI Approved :: Apache Software License\n\n"
        XCTAssertEqual(try extract(PythonMetadataExtractor(), path, text).first?.licenses, ["MIT", "Apache Software License"])
        let unknown = "Metadata-Version: 2.1\nName: x\nVersion: 1.0\nLicense: UNKNOWN\n\n"
        XCTAssertEqual(try extract(PythonMetadataExtractor(), path, unknown).first?.licenses, [])
    }

    func testJarEmbeddedPomLicences() {
        let pom = """
        <project><modelVersion>4.0.0</modelVersion><groupId>g</groupId><artifactId>a</artifactId><version>1</version>
        <licenses><license><name>The Apache Software License, Version 2.0</name></license><license><name>Bespoke</name></license></licenses></project>
        """
        let base = "META-INF/maven/g/a/"
        let files = Files(files: [base + "pom.properties": Array("groupId=g\nartifactId=a\nversion=1\n".utf8), base + "pom.xml": Array(pom.utf8)])
        let analyzer = JavaArchiveExtractor()
        XCTAssertTrue(analyzer.wants(EntryInfo(path: base + "pom.xml", inArchive: true)))
        let result = analyzer.analyze(Container(kind: .archive, location: Location(path: "a-1.jar"),
                                                entries: [base + "pom.properties", base + "pom.xml"], files: files))
        XCTAssertEqual(result.packages.first?.licenses, ["Apache-2.0", "Bespoke"])
    }
}
