import Foundation
import FnauditMatching
import FnauditModel
import FnauditPolicy

/// CycloneDX 1.6 JSON: the packages as components (purl, evidence of where they were found) and,
/// for `scan`, a `vulnerabilities` section (VDR) with ratings, affects and recommendations.
/// `fnaudit inventory --format cyclonedx` is the SBOM alone.
public enum CycloneDXReport {
    public static func render(_ report: AuditReport, version: String, withVulnerabilities: Bool,
                              serialNumber: String = "urn:uuid:" + UUID().uuidString.lowercased(),
                              timestamp: Date = Date()) throws -> Data {
        var references: [PackageIdentity: String] = [:]
        var used = Set<String>()
        var components: [[String: Any]] = []
        for package in report.packages {
            var ref = package.purl
            var n = 2
            while used.contains(ref) { ref = package.purl + "#\(n)"; n += 1 }
            used.insert(ref)
            references[package.identity] = ref
            components.append(component(package, ref: ref))
        }
        // Edges the lockfiles proved (consecutive names of the shortest paths), by component ref.
        var byName: [String: [String]] = [:]
        for package in report.packages { if let ref = references[package.identity] { byName["\(package.ecosystem.rawValue) \(package.name)", default: []].append(ref) } }
        var dependsOn: [String: Set<String>] = [:]
        for package in report.packages {
            for path in package.dependencyPaths where path.count > 1 {
                for (parent, child) in zip(path, path.dropFirst()) {
                    for from in byName["\(package.ecosystem.rawValue) \(parent)"] ?? [] {
                        for to in byName["\(package.ecosystem.rawValue) \(child)"] ?? [] where from != to { dependsOn[from, default: []].insert(to) }
                    }
                }
            }
        }
        let formatter = ISO8601DateFormatter()
        var document: [String: Any] = [
            "$schema": "http://cyclonedx.org/schema/bom-1.6.schema.json",
            "bomFormat": "CycloneDX",
            "specVersion": "1.6",
            "serialNumber": serialNumber,
            "version": 1,
            "metadata": [
                "timestamp": formatter.string(from: timestamp),
                "tools": ["components": [["type": "application", "name": "fnaudit", "version": version]]],
                "properties": [["name": "fnaudit:inputs", "value": report.inputs.joined(separator: " ")]]
                    + (report.database?.snapshotDate.map { [["name": "fnaudit:advisory-snapshot", "value": $0]] } ?? []),
                "component": rootComponent(report),
            ] as [String: Any],
            "components": components,
        ]
        if !dependsOn.isEmpty {
            document["dependencies"] = dependsOn.keys.sorted().map { ["ref": $0, "dependsOn": (dependsOn[$0] ?? []).sorted()] }
        }
        if withVulnerabilities {
            document["vulnerabilities"] = report.displayedFindings.enumerated().map { index, finding in
                vulnerability(finding, ref: "vulnerability-\(index + 1)", component: references[finding.package.identity] ?? finding.package.purl,
                              suppression: report.suppression(of: finding), investigation: report.investigation(of: finding))
            }
        }
        return try JSONDocument.encode(document)
    }

    private static func component(_ package: Package, ref: String) -> [String: Any] {
        var name = package.name
        var group: String?
        switch package.ecosystem {
        case .maven:
            if let colon = package.name.firstIndex(of: ":") {
                group = String(package.name[..<colon])
                name = String(package.name[package.name.index(after: colon)...])
            }
        case .npm:
            if package.name.hasPrefix("@"), let slash = package.name.firstIndex(of: "/") {
                group = String(package.name[..<slash])
                name = String(package.name[package.name.index(after: slash)...])
            }
        case .pypi:
            break
        }
        var component: [String: Any] = [
            "type": "library", "bom-ref": ref, "name": name, "purl": package.purl,
            "evidence": ["occurrences": package.locations.map { location -> [String: Any] in
                var occurrence: [String: Any] = ["location": location.description]
                if let line = location.line { occurrence["line"] = line }
                return occurrence
            }],
            "properties": [["name": "fnaudit:ecosystem", "value": package.ecosystem.rawValue],
                           ["name": "fnaudit:extractor", "value": package.extractors.map(\.displayName).joined(separator: ", ")],
                           ["name": "fnaudit:version-kind", "value": package.versionKind.rawValue]]
                + (package.versionNote.map { [["name": "fnaudit:version-note", "value": $0]] } ?? [])
                + (package.identification.map { [["name": "fnaudit:identified-by", "value": "\($0.method): \($0.evidence)"]] } ?? []),
        ]
        if let digests = package.digests {
            component["hashes"] = [["alg": "SHA-1", "content": digests.sha1], ["alg": "SHA-256", "content": digests.sha256]]
        }
        if package.identification != nil {
            // CycloneDX's own words for "worked out, not read": identity evidence with a method and confidence.
            component["evidence"] = (component["evidence"] as? [String: Any] ?? [:]).merging(["identity": [[
                "field": "purl", "confidence": 0.7,
                "methods": [["technique": package.identification?.method == "file-name" ? "filename" : "manifest-analysis",
                             "confidence": 0.7, "value": package.identification?.evidence ?? ""]],
            ]]]) { $1 }
        }
        if !package.version.isEmpty { component["version"] = package.version }
        if !package.licenses.isEmpty { component["licenses"] = licenses(package.licenses) }
        if let group { component["group"] = group }
        if package.isDev { component["scope"] = "excluded" }   // not part of what runs
        return component
    }

    /// The scanned artifact: what the SBOM describes (`metadata.component`). Its name is the
    /// input's file or folder name (several inputs: their names joined), its type an application.
    private static func rootComponent(_ report: AuditReport) -> [String: Any] {
        let names = report.inputs.map { input -> String in
            let trimmed = input.hasSuffix("/") && input.count > 1 ? String(input.dropLast()) : input
            let base = (trimmed as NSString).lastPathComponent
            return base == "." || base.isEmpty ? ((FileManager.default.currentDirectoryPath as NSString).lastPathComponent) : base
        }
        return ["type": "application", "bom-ref": "fnaudit:scanned-artifact", "name": names.isEmpty ? "(no input)" : names.joined(separator: ", ")]
    }

    /// CycloneDX `licenses`: an SPDX id as `license.id`, an SPDX expression as `expression` (the
    /// schema allows one expression alone), anything else as `license.name`.
    static func licenses(_ values: [String]) -> [[String: Any]] {
        if values.count == 1, let only = values.first, !LicenseText.isSPDXIdentifier(only), LicenseText.isSPDXExpression(only) {
            return [["expression": only]]
        }
        return values.map { value in
            LicenseText.isSPDXIdentifier(value) ? ["license": ["id": value]] : ["license": ["name": value]]
        }
    }

    private static func vulnerability(_ finding: Finding, ref: String, component: String, suppression: Suppression?,
                                      investigation: VEXStatement?) -> [String: Any] {
        var rating: [String: Any] = ["severity": finding.severity == .unknown ? "unknown" : finding.severity.rawValue.lowercased()]
        if let score = finding.cvssScore {
            rating["score"] = score
            if let vector = finding.cvssVector {
                rating["method"] = vector.hasPrefix("CVSS:3.1") ? "CVSSv31" : "CVSSv3"
                rating["vector"] = vector
            }
        }
        var vulnerability: [String: Any] = [
            "bom-ref": ref,
            "id": finding.id,
            "source": AdvisoryLinks.publisher(of: finding.id),
            "ratings": [rating],
            "affects": [["ref": component, "versions": [["version": finding.package.version, "status": "affected"]]]],
        ]
        let others = finding.advisoryIDs.filter { $0 != finding.id } + finding.aliases
        if !others.isEmpty { vulnerability["references"] = others.map { ["id": $0, "source": AdvisoryLinks.publisher(of: $0)] } }
        if let summary = finding.summary { vulnerability["description"] = summary }
        if let fix = finding.fixedVersions.first {
            vulnerability["recommendation"] = "Upgrade \(finding.package.name) to \(fix) or later."
        }
        let urls = finding.references.filter { $0.hasPrefix("http") }.prefix(10)
        if !urls.isEmpty { vulnerability["advisories"] = urls.map { ["url": $0] } }
        if let suppression, let vex = suppression.vex {
            // A VEX statement in CycloneDX's own words: not_affected stays not_affected, fixed is resolved.
            var analysis: [String: Any] = ["state": vex.status == .fixed ? "resolved" : "not_affected",
                                           "detail": "\(suppression.reason) (\(vex.format.rawValue) \(vex.location.path))"]
            if let justification = vex.justification, cycloneDXJustifications.contains(justification) {
                analysis["justification"] = justification
            }
            vulnerability["analysis"] = analysis
        } else if let suppression {
            let source = suppression.sourceLabel.map { "\(suppression.origin.rawValue) (\($0))" } ?? ".fnaudit.toml"
            vulnerability["analysis"] = ["response": ["will_not_fix"],
                                         "detail": "Suppressed in \(source): \(suppression.reason)" + (suppression.until.map { " (until \($0))" } ?? "")]
        } else if let investigation {
            vulnerability["analysis"] = ["state": "in_triage", "detail": "\(investigation.reason) (\(investigation.format.rawValue) \(investigation.location.path))"]
        }
        return vulnerability
    }

    /// `analysis.justification` values of the 1.6 schema.
    static let cycloneDXJustifications: Set<String> = [
        "code_not_present", "code_not_reachable", "requires_configuration", "requires_dependency", "requires_environment",
        "protected_by_compiler", "protected_at_runtime", "protected_at_perimeter", "protected_by_mitigating_control",
    ]
}
