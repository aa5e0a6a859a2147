import Foundation
import FnauditModel

/// Installed Python distributions: `*.dist-info/METADATA`, `*.egg-info/PKG-INFO`, and single-file
/// `*.egg-info`. These are what `pip install --target` puts into a function bundle.
public struct PythonMetadataExtractor: Extractor {
    public let id = ExtractorID.pythonMetadata
    public init() {}

    public let pathEndings = [".dist-info/METADATA", ".egg-info/PKG-INFO", ".egg-info"]

    public func fileRequired(_ path: String) -> Bool {
        if path.hasSuffixBytes(".dist-info/METADATA") || path.hasSuffixBytes(".egg-info/PKG-INFO") { return true }
        return path.hasSuffixBytes(".egg-info")
    }

    public func extract(_ input: ExtractorInput) throws -> Extraction {
        guard !input.contents.contains(0) else { throw ExtractionError("not package metadata: binary content") }
        var name: String?, version: String?
        var expression: String?, license: String?, classifiers: [String] = []
        var inLicense = false
        // RFC 822-style headers end at the first blank line; the body is the description.
        for raw in TextLines.split(input.text) {
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            if line.isEmpty { break }
            // A continuation line (indented) belongs to the header before it: a multi-line License is a licence text.
            if line.first == " " || line.first == "\t" {
                if inLicense { license = (license ?? "") + "\n" + line.trimmingCharacters(in: .whitespaces) }
                continue
            }
            inLicense = false
            if name == nil, line.hasPrefix("Name:") { name = line.dropFirst(5).trimmingCharacters(in: .whitespaces) }
            if version == nil, line.hasPrefix("Version:") { version = line.dropFirst(8).trimmingCharacters(in: .whitespaces) }
            if expression == nil, line.hasPrefix("License-Expression:") { expression = line.dropFirst(19).trimmingCharacters(in: .whitespaces) }
            if license == nil, line.hasPrefix("License:") {
                license = line.dropFirst(8).trimmingCharacters(in: .whitespaces)
                inLicense = true
            }
            if line.hasPrefix("Classifier:") {
                let classifier = line.dropFirst(11).trimmingCharacters(in: .whitespaces)
                if classifier.hasPrefix("License ::") { classifiers.append(classifier) }
            }
        }
        guard let name, let version, !name.isEmpty, !version.isEmpty else {
            throw ExtractionError("package metadata without Name and Version headers")
        }
        var package = Package(ecosystem: .pypi, name: name, version: version, locations: [input.location], extractor: id)
        package.licenses = DeclaredLicenses.pythonMetadata(expression: expression, license: license, classifiers: classifiers)
        return Extraction(packages: [package])
    }
}
