import Foundation
import FnauditModel

/// Reads the licence fields of package metadata into `Package.licenses` (normalised by `LicenseText`).
public enum DeclaredLicenses {
    /// npm's `license` (a string, or the legacy `{type, url}` object) and legacy `licenses` array.
    static func npm(_ manifest: [String: Any]) -> [String] {
        var found: [String] = []
        func add(_ value: Any?) {
            if let text = value as? String, let license = LicenseText.normalize(text) {
                if !found.contains(license) { found.append(license) }
            } else if let object = value as? [String: Any] {
                add(object["type"] as? String)
            } else if let list = value as? [Any] {
                for item in list { add(item) }
            }
        }
        add(manifest["license"])
        add(manifest["licenses"])
        return found
    }

    /// Core metadata (PEP 639 `License-Expression`, else a one-line `License`, else the
    /// `License ::` classifiers). A `License` field holding a whole licence text is not a name.
    static func pythonMetadata(expression: String?, license: String?, classifiers: [String]) -> [String] {
        if let expression, let license = LicenseText.normalize(expression) { return [license] }
        if let license, !license.contains("\n"), license.count <= 100, let normalized = LicenseText.normalize(license) {
            return [normalized]
        }
        var found: [String] = []
        for classifier in classifiers {
            if let license = LicenseText.fromClassifier(classifier), !found.contains(license) { found.append(license) }
        }
        return found
    }

    /// A POM's `<licenses><license><name>`.
    static func pom(_ bytes: [UInt8]) -> [String] {
        guard let root = try? XMLTreeNode.parse(bytes) else { return [] }
        var found: [String] = []
        for license in root.child("licenses")?.children("license") ?? [] {
            if let name = license.value("name").flatMap(LicenseText.normalize), !found.contains(name) { found.append(name) }
        }
        return found
    }
}
