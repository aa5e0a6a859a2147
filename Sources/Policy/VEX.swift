import Foundation
import FnauditExtractors
import FnauditMatching
import FnauditModel

/// One VEX statement, from OpenVEX 0.2.0 (https://github.com/openvex/spec/blob/main/OPENVEX-SPEC.md)
/// or a CycloneDX VEX `vulnerabilities[]` entry (https://cyclonedx.org/docs/1.6/json/#vulnerabilities_items_analysis).
public struct VEXStatement: Sendable, Equatable {
    public enum Status: String, Sendable {
        case notAffected = "not_affected", affected, fixed, underInvestigation = "under_investigation"
    }
    public enum Format: String, Sendable {
        case openVEX = "OpenVEX", cycloneDX = "CycloneDX VEX"
    }
    /// The vulnerability's id and its aliases (any of them matches any id or alias of a finding).
    public var vulnerability: String
    public var aliases: [String]
    /// The packages it speaks of (products and subcomponents that are npm, PyPI or Maven purls).
    public var products: [ParsedPackageURL]
    public var status: Status
    /// OpenVEX's justification label, or CycloneDX's `analysis.justification`.
    public var justification: String?
    /// OpenVEX `impact_statement` / CycloneDX `analysis.detail`.
    public var impactStatement: String?
    public var actionStatement: String?
    /// ISO 8601; a later statement about the same finding overrides an earlier one (OpenVEX §Statement).
    public var timestamp: String?
    public var format: Format
    /// The VEX file.
    public var location: Location

    public init(vulnerability: String, aliases: [String] = [], products: [ParsedPackageURL], status: Status,
                justification: String? = nil, impactStatement: String? = nil, actionStatement: String? = nil,
                timestamp: String? = nil, format: Format, location: Location) {
        self.vulnerability = vulnerability
        self.aliases = aliases
        self.products = products
        self.status = status
        self.justification = justification
        self.impactStatement = impactStatement
        self.actionStatement = actionStatement
        self.timestamp = timestamp
        self.format = format
        self.location = location
    }

    public func matches(_ finding: Finding) -> Bool {
        let names = Set(([finding.id] + finding.advisoryIDs + finding.aliases).map { $0.uppercased() })
        guard ([vulnerability] + aliases).contains(where: { names.contains($0.uppercased()) }) else { return false }
        return products.contains { $0.matches(finding.package) }
    }

    /// What a report says about it: status, justification, statement and file.
    public var reason: String {
        var text = "VEX \(status.rawValue)"
        if let justification { text += " (\(justification))" }
        if let statement = impactStatement ?? actionStatement, !statement.isEmpty { text += ": \(statement)" }
        return text
    }

    /// A `not_affected` or `fixed` statement as a suppression (nil for the other statuses).
    public var suppression: Suppression? {
        guard status == .notAffected || status == .fixed else { return nil }
        var suppression = Suppression(id: vulnerability, reason: reason, location: location)
        suppression.origin = format == .openVEX ? .openVEX : .cycloneDXVEX
        suppression.vex = self
        return suppression
    }
}

/// Reads `--vex` files: OpenVEX (`@context` https://openvex.dev/ns…) or CycloneDX (`bomFormat` with `vulnerabilities`).
public enum VEXReader {
    public struct Result: Sendable {
        public var statements: [VEXStatement] = []
        /// Statements that could not be used (no package purl, not_affected without a reason).
        public var warnings: [ScanIssue] = []
    }

    public static func read(_ path: String) throws -> Result {
        func fail(_ message: String) -> PolicyConfig.ConfigError { PolicyConfig.ConfigError(path: path, line: nil, message: message) }
        guard let data = FileManager.default.contents(atPath: path) else { throw fail("cannot be read") }
        let root: [String: Any]
        do {
            guard let object = try StructuredDocument.json([UInt8](data)) as? [String: Any] else { throw fail("not a VEX document: not a JSON object") }
            root = object
        } catch let error as PolicyConfig.ConfigError {
            throw error
        } catch {
            throw fail("not a VEX document: \(error)")
        }
        if let context = root.string("@context"), context.hasPrefix("https://openvex.dev/ns") { return openVEX(root, path: path) }
        if root.string("bomFormat") == "CycloneDX" {
            guard root["vulnerabilities"] is [Any] else { throw fail("a CycloneDX document without vulnerabilities: no VEX statements") }
            return cycloneDX(root, path: path)
        }
        throw fail("neither OpenVEX (@context https://openvex.dev/ns/…) nor CycloneDX VEX (bomFormat CycloneDX with vulnerabilities)")
    }

    /// Purls of a product or subcomponent: its `@id` and `identifiers.purl` (0.2.0), or the string itself (0.0.x).
    private static func purls(_ item: Any) -> [String] {
        if let text = item as? String { return [text] }
        guard let object = item as? [String: Any] else { return [] }
        return [object.string("@id"), object.dictionary("identifiers")?.string("purl")].compactMap { $0 }
    }

    static func openVEX(_ root: [String: Any], path: String) -> Result {
        var result = Result()
        let documentTime = root.string("timestamp")
        for (index, item) in ((root["statements"] as? [Any]) ?? []).enumerated() {
            let label = "statement \(index + 1)"
            guard let statement = item as? [String: Any] else { continue }
            var names: [String] = []
            if let vulnerability = statement.dictionary("vulnerability") {
                names = [vulnerability.string("name"), vulnerability.string("@id")].compactMap { $0 }
                    + ((vulnerability["aliases"] as? [Any]) ?? []).compactMap { $0 as? String }
            } else if let name = statement.string("vulnerability") {
                names = [name]
            }
            names = names.filter { !$0.isEmpty && !$0.contains("://") }
            var texts: [String] = []
            for product in (statement["products"] as? [Any]) ?? [] {
                texts += purls(product)
                for sub in ((product as? [String: Any])?["subcomponents"] as? [Any]) ?? [] { texts += purls(sub) }
            }
            for sub in (statement["subcomponents"] as? [Any]) ?? [] { texts += purls(sub) }
            let statusText = statement.string("status") ?? ""
            add(names: names, purls: texts, statusText: statusText, status: VEXStatement.Status(rawValue: statusText),
                justification: statement.string("justification"), impact: statement.string("impact_statement"),
                action: statement.string("action_statement"), timestamp: statement.string("timestamp") ?? documentTime,
                format: .openVEX, label: label, path: path, into: &result)
        }
        return result
    }

    static func cycloneDX(_ root: [String: Any], path: String) -> Result {
        var result = Result()
        // bom-ref → purl, for `affects[].ref` that point into the document's components.
        var refs: [String: String] = [:]
        var stack: [[Any]] = [(root["components"] as? [Any]) ?? []]
        if let main = root.dictionary("metadata")?.dictionary("component") { stack.append([main]) }
        while let list = stack.popLast() {
            for item in list {
                guard let component = item as? [String: Any] else { continue }
                if let ref = component.string("bom-ref"), let purl = component.string("purl") { refs[ref] = purl }
                if let nested = component["components"] as? [Any] { stack.append(nested) }
            }
        }
        let documentTime = root.dictionary("metadata")?.string("timestamp")
        for (index, item) in ((root["vulnerabilities"] as? [Any]) ?? []).enumerated() {
            guard let vulnerability = item as? [String: Any] else { continue }
            let label = "vulnerability \(index + 1)"
            let names = ([vulnerability.string("id")] + ((vulnerability["references"] as? [Any]) ?? []).map { ($0 as? [String: Any])?.string("id") })
                .compactMap { $0 }.filter { !$0.isEmpty }
            let texts = ((vulnerability["affects"] as? [Any]) ?? []).compactMap { ($0 as? [String: Any])?.string("ref") }.compactMap { ref -> String? in
                if ref.hasPrefix("pkg:") { return ref }
                if let purl = refs[ref] { return purl }
                // A BOM-Link (urn:cdx:serial/version#bom-ref) into another document: its bom-ref is often the purl.
                if ref.hasPrefix("urn:cdx:"), let hash = ref.firstIndex(of: "#") {
                    let fragment = String(ref[ref.index(after: hash)...])
                    let decoded = fragment.removingPercentEncoding ?? fragment
                    return decoded.hasPrefix("pkg:") ? decoded : refs[decoded]
                }
                return nil
            }
            let analysis = vulnerability.dictionary("analysis") ?? [:]
            let state = analysis.string("state") ?? ""
            // CycloneDX states in VEX terms, as Trivy reads them.
            let status: VEXStatement.Status?
            switch state {
            case "not_affected", "false_positive": status = .notAffected
            case "resolved", "resolved_with_pedigree": status = .fixed
            case "in_triage": status = .underInvestigation
            case "exploitable": status = .affected
            default: status = nil
            }
            let justification = analysis.string("justification") ?? (state == "false_positive" ? "false_positive" : nil)
            let responses = ((analysis["response"] as? [Any]) ?? []).compactMap { $0 as? String }
            add(names: names, purls: texts, statusText: state, status: status, justification: justification,
                impact: analysis.string("detail"), action: responses.isEmpty ? nil : responses.joined(separator: ", "),
                timestamp: analysis.string("lastUpdated") ?? analysis.string("firstIssued") ?? documentTime,
                format: .cycloneDX, label: label, path: path, into: &result)
        }
        return result
    }

    private static func add(names: [String], purls texts: [String], statusText: String, status: VEXStatement.Status?,
                            justification: String?, impact: String?, action: String?, timestamp: String?,
                            format: VEXStatement.Format, label: String, path: String, into result: inout Result) {
        let location = Location(path: path)
        func warn(_ message: String) { result.warnings.append(ScanIssue(location: location, message: "\(label): \(message)", severity: .warning)) }
        guard let first = names.first else { return warn("no vulnerability id: not applied") }
        guard let status else { return warn("\(first): unknown status \(statusText.debugDescription): not applied") }
        let products = texts.compactMap(ParsedPackageURL.init)
        guard !products.isEmpty else {
            return warn("\(first): no npm, PyPI or Maven package purl among its products\(texts.isEmpty ? "" : " (\(texts.prefix(2).joined(separator: ", ")))"): not applied")
        }
        // OpenVEX (and CISA's minimum elements) require a reason for not_affected; one without it is not trusted.
        if status == .notAffected, (justification ?? "").isEmpty, (impact ?? "").isEmpty {
            return warn("\(first): not_affected without a justification or impact statement: not applied")
        }
        result.statements.append(VEXStatement(vulnerability: first, aliases: Array(names.dropFirst()), products: products,
                                              status: status, justification: justification, impactStatement: impact,
                                              actionStatement: action, timestamp: timestamp, format: format, location: location))
    }
}
