import Foundation
import FnauditAdvisory
import FnauditMatching
import FnauditModel
import FnauditPolicy

/// `--format html`: one self-contained page (inline CSS, JS and SVG; nothing fetched, works from
/// `file://`) for someone who wants to look rather than read: summary cards, a chart of findings
/// by severity and ecosystem, a sortable, filterable findings table per target, the fix plan,
/// suppressed findings, unevaluated packages, and where the advisories came from.
public enum HTMLReport {
    public static func render(_ report: AuditReport, version: String, withFindings: Bool = true) -> String {
        let findings = withFindings ? report.shownFindings : []
        var body = "<header><h1>fnaudit report</h1><p class=\"sub\">\(html(report.inputs.joined(separator: ", ")))</p>"
        body += "<p id=\"headline\" class=\"\(report.isComplete ? "ok" : "warn")\">\(html(withFindings ? TableReport.headline(report) : "\(report.packages.count) packages (inventory: no advisories matched)"))</p></header>"
        body += cards(report, findings)
        if withFindings { body += chart(findings) }
        body += functionsTable(report, withFindings: withFindings)
        if withFindings {
            body += "<section><h2>Findings</h2><input id=\"filter\" type=\"search\" placeholder=\"Filter by package, advisory, severity…\" aria-label=\"filter\">"
            body += table(report, findings) + "</section>"
            body += fixPlan(report, findings)
            let investigated = report.displayedFindings.filter { report.suppression(of: $0) == nil && report.investigation(of: $0) != nil }
            if !investigated.isEmpty {
                body += "<section><h2>Under investigation (\(investigated.count); VEX, still counted)</h2><ul>" + investigated.map { f in
                    let statement = report.investigation(of: f)
                    return "<li><b>\(html(f.id))</b> \(html(f.package.name)) \(html(f.package.version)): \(html(statement?.reason ?? "")) (\(html(statement?.location.path ?? "")))</li>"
                }.joined() + "</ul></section>"
            }
            let suppressed = report.displayedFindings.filter { report.suppression(of: $0) != nil }
            if !suppressed.isEmpty {
                body += "<section><h2>Suppressed (\(suppressed.count))</h2><ul>" + suppressed.map { f in
                    "<li><b>\(html(f.id))</b> \(html(f.package.name)) \(html(f.package.version)): \(html(report.suppression(of: f)?.reason ?? ""))</li>"
                }.joined() + "</ul></section>"
            }
            if !report.unevaluated.isEmpty {
                body += "<section><h2>Not evaluated (\(report.unevaluated.count)): not known to be safe</h2><ul>" + report.unevaluated.map { u in
                    "<li>\(html(u.package.ecosystem.rawValue)) <b>\(html(u.package.name))</b> \(html(u.package.version)): \(html(u.reason))</li>"
                }.joined() + "</ul></section>"
            }
        } else {
            body += packagesTable(report)
        }
        if !report.unidentified.isEmpty {
            body += "<section><h2>Jars not identified (\(report.unidentified.count))</h2><ul>" + report.unidentified.map { a in
                "<li>\(html(a.location.description))\(a.digests.map { " <code>sha1 \(html($0.sha1))</code>" } ?? ""): \(html(a.reason))</li>"
            }.joined() + "</ul></section>"
        }
        if !report.errors.isEmpty {
            body += "<section><h2>Errors (\(report.errors.count))</h2><ul>" + report.errors.map { e in
                "<li>\(html(e.location.description)): \(html(e.message))</li>"
            }.joined() + "</ul></section>"
        }
        if let database = report.database {
            body += "<section><h2>Advisory data</h2><table><thead><tr><th>Ecosystem</th><th>Advisories</th><th>Newest record</th><th>Age (days)</th></tr></thead><tbody>"
                + database.ecosystems.map { e in
                    "<tr><td>\(html(e.ecosystem))</td><td>\(e.advisories)</td><td>\(html(String(e.newestModified?.prefix(10) ?? "-")))</td><td>\(e.ageDays.map(String.init) ?? "-")</td></tr>"
                }.joined() + "</tbody></table><p class=\"sub\">\(html(database.path))</p></section>"
        }
        body += "<footer>fnaudit \(html(version)) · \(html(TableReport.summaryLine(report)))</footer>"
        return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>fnaudit report</title><style>\(style)</style></head>
        <body>\(body)<script>\(script)</script></body></html>

        """
    }

    /// One row per function: what runs in it, what never loads, and its findings by severity.
    static func functionsTable(_ report: AuditReport, withFindings: Bool) -> String {
        guard !report.functions.isEmpty else { return "" }
        var out = "<section><h2>Functions (\(report.functions.count))</h2><table id=\"functions\"><thead><tr><th>Function</th><th>Framework</th><th>Runtime</th><th>Layers</th><th>Packages loaded</th><th>Shadowed copies</th><th>Permission risks</th>"
            + (withFindings ? "<th>Findings</th>" : "") + "</tr></thead><tbody>"
        for function in PermissionsText.ordered(report) {
            let d = function.definition
            let findings = withFindings ? report.findings(of: function) : []
            let counts = Severity.allCases.reversed().compactMap { severity -> String? in
                let n = findings.filter { $0.severity == severity }.count
                return n == 0 ? nil : "\(n) \(severity.rawValue)"
            }
            out += "<tr><td><b>\(html(d.name))</b>\(d.path.map { "<div class=\"sub\">\(html($0))</div>" } ?? "")</td><td>\(html(d.framework.rawValue))</td>"
                + "<td>\(html(d.runtime ?? "unknown"))</td><td>\(html(d.layers.map(\.name).joined(separator: ", ")))</td>"
                + "<td>\(function.isScanned ? "\(function.effective.count)" : "not scanned: " + html(d.artifact.reason ?? ""))</td>"
                + "<td>\(function.shadowed.map { html("\($0.purl)" + ($0.byPurl.map { " (by \($0))" } ?? " (not on the path)")) }.joined(separator: "<br>"))</td>"
                + "<td>\(d.permissions.map { p in p.risks.isEmpty ? "none found" : p.risks.map { html("\($0.severity.rawValue) \($0.rule): \($0.detail)") }.joined(separator: "<br>") } ?? "-")"
                + "\(withFindings && !findings.isEmpty ? report.elevation(of: function).map { "<div class=\"sub\">findings elevated: \(html($0.severity.rawValue))</div>" } ?? "" : "")</td>"
                + (withFindings ? "<td>\(html(counts.isEmpty ? "none" : counts.joined(separator: ", ")))</td>" : "") + "</tr>"
        }
        return out + "</tbody></table></section>"
    }

    static func cards(_ report: AuditReport, _ findings: [Finding]) -> String {
        var cards: [(String, String, String)] = [("packages", "\(report.packages.count)", "Packages")]
        cards.append(("findings", "\(findings.count)", "Findings"))
        for severity in [Severity.critical, .high] { cards.append((severity.rawValue.lowercased(), "\(findings.filter { $0.severity == severity }.count)", severity.rawValue.capitalized)) }
        cards.append(("fixable", "\(findings.filter { !$0.fixedVersions.isEmpty }.count)", "Fixable"))
        if !report.isComplete { cards.append(("incomplete", "\(report.errors.count + report.unevaluated.count)", "Not read or evaluated")) }
        return "<div class=\"cards\">" + cards.map { id, value, label in
            "<div class=\"card \(id)\"><div class=\"value\" id=\"card-\(id)\">\(value)</div><div class=\"label\">\(label)</div></div>"
        }.joined() + "</div>"
    }

    /// Stacked bars: one per ecosystem, a segment per severity.
    static func chart(_ findings: [Finding]) -> String {
        let ecosystems = Ecosystem.allCases.filter { e in findings.contains { $0.package.ecosystem == e } }
        guard !ecosystems.isEmpty else { return "" }
        let order: [Severity] = [.critical, .high, .medium, .low, .unknown]
        let most = max(1, ecosystems.map { e in findings.filter { $0.package.ecosystem == e }.count }.max() ?? 1)
        var svg = "<svg role=\"img\" aria-label=\"findings by severity and ecosystem\" width=\"560\" height=\"\(40 + ecosystems.count * 34)\" viewBox=\"0 0 560 \(40 + ecosystems.count * 34)\">"
        for (row, ecosystem) in ecosystems.enumerated() {
            let y = 10 + row * 34
            svg += "<text x=\"0\" y=\"\(y + 18)\" class=\"axis\">\(ecosystem.rawValue)</text>"
            var x = 70.0
            for severity in order {
                let count = findings.filter { $0.package.ecosystem == ecosystem && $0.severity == severity }.count
                guard count > 0 else { continue }
                let w = Double(count) / Double(most) * 460
                svg += "<rect x=\"\(x)\" y=\"\(y)\" width=\"\(w)\" height=\"24\" class=\"sev-\(severity.rawValue.lowercased())\"><title>\(ecosystem.rawValue) \(severity.rawValue): \(count)</title></rect>"
                x += w
            }
        }
        let legendY = 26 + ecosystems.count * 34
        for (i, severity) in order.enumerated() {
            svg += "<rect x=\"\(70 + i * 95)\" y=\"\(legendY - 10)\" width=\"10\" height=\"10\" class=\"sev-\(severity.rawValue.lowercased())\"></rect><text x=\"\(84 + i * 95)\" y=\"\(legendY)\" class=\"axis\">\(severity.rawValue)</text>"
        }
        return "<section><h2>By severity and ecosystem</h2>" + svg + "</svg></section>"
    }

    static func table(_ report: AuditReport, _ findings: [Finding]) -> String {
        var out = ""
        for target in TableReport.targets(report, findings) {
            if report.inputs.count > 1 { out += "<h3>\(html(target.input))</h3>" }
            out += "<table class=\"findings sortable\"><thead><tr><th>Severity</th><th>CVSS</th><th>Package</th><th>Version</th><th>Fixed in</th><th>Advisory</th><th>Title</th><th>Where</th></tr></thead><tbody>"
            let sorted = target.findings.sorted { ($0.kind == .maliciousPackage ? 1 : 0, $0.severity.rank, $0.cvssScore ?? -1) > ($1.kind == .maliciousPackage ? 1 : 0, $1.severity.rank, $1.cvssScore ?? -1) }
            for f in sorted {
                let url = AdvisoryLinks.primary(f).flatMap { $0.hasPrefix("https://") || $0.hasPrefix("http://") ? $0 : nil }
                let link = url.map { "<a href=\"\(html($0))\" rel=\"noreferrer\">\(html(f.id))</a>" } ?? html(f.id)
                out += "<tr class=\"sev-row-\(f.severity.rawValue.lowercased())\"><td data-sort=\"\(f.kind == .maliciousPackage ? 9 : f.severity.rank)\"><span class=\"badge sev-\(f.severity.rawValue.lowercased())\">\(f.kind == .maliciousPackage ? "MALICIOUS" : f.severity.rawValue)</span></td>"
                    + "<td>\(f.cvssScore.map { String(format: "%.1f", $0) } ?? "")</td><td>\(html(f.package.name))</td><td>\(html(f.package.version))</td>"
                    + "<td>\(html(f.fixedVersions.first ?? "–"))</td><td>\(link)</td><td>\(html(f.summary ?? ""))</td>"
                    + "<td class=\"where\">\(html(TableReport.where_(f.package, relativeTo: target.input)))</td></tr>"
            }
            out += "</tbody></table>"
        }
        return out.isEmpty ? "<p>No known vulnerabilities.</p>" : out
    }

    /// Per package: the upgrade that fixes all its findings, most fixes first.
    static func fixPlan(_ report: AuditReport, _ findings: [Finding]) -> String {
        let byPackage = Dictionary(grouping: findings, by: \.package.identity)
        let plan = byPackage.compactMap { identity, group -> (Package, String, Int)? in
            guard let upgrade = report.safeUpgrades[identity], let package = group.first?.package else { return nil }
            return (package, upgrade, group.count)
        }.sorted { ($0.2, $1.0.name) > ($1.2, $0.0.name) }
        guard !plan.isEmpty else { return "" }
        return "<section><h2>Fix plan</h2><ol>" + plan.map { package, upgrade, count in
            "<li>Upgrade <b>\(html(package.name))</b> \(html(package.version)) → <b>\(html(upgrade))</b>: fixes \(count) finding\(count == 1 ? "" : "s")</li>"
        }.joined() + "</ol></section>"
    }

    static func packagesTable(_ report: AuditReport) -> String {
        "<section><h2>Packages</h2><input id=\"filter\" type=\"search\" placeholder=\"Filter…\" aria-label=\"filter\"><table class=\"findings sortable\"><thead><tr><th>Ecosystem</th><th>Package</th><th>Version</th><th>Where</th></tr></thead><tbody>"
            + report.packages.map { p in
                "<tr><td>\(p.ecosystem.rawValue)</td><td>\(html(p.name))</td><td>\(html(p.versionKind == .exact ? p.version : p.versionKind.rawValue))</td><td class=\"where\">\(html(TableReport.locationText(p)))</td></tr>"
            }.joined() + "</tbody></table></section>"
    }

    /// Text as HTML: markup characters escaped, control characters made visible.
    static func html(_ text: String) -> String {
        var out = ""
        for character in DisplayText.escaped(text) {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    static let style = """
    body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0 auto;max-width:1200px;padding:24px;color:#1b1f24;background:#fafbfc}
    h1{margin:0}h2{margin-top:32px;font-size:18px}.sub{color:#57606a;margin:4px 0}
    #headline{font-size:16px;font-weight:600}#headline.warn{color:#9a6700}
    .cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}.card{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:12px 18px;min-width:110px}
    .card .value{font-size:26px;font-weight:700}.card .label{color:#57606a}.card.critical .value{color:#a40e26}.card.high .value{color:#d1242f}.card.incomplete .value{color:#9a6700}
    table{border-collapse:collapse;width:100%;background:#fff;margin:8px 0}th,td{border-bottom:1px solid #d0d7de;padding:6px 8px;text-align:left;vertical-align:top}
    th{cursor:pointer;background:#f6f8fa;user-select:none}td.where{font-family:ui-monospace,monospace;font-size:12px;word-break:break-all}
    .badge{border-radius:10px;padding:1px 8px;color:#fff;font-size:12px;font-weight:600}
    .sev-critical{background:#a40e26;fill:#a40e26}.sev-high{background:#d1242f;fill:#d1242f}.sev-medium{background:#bf8700;fill:#bf8700}
    .sev-low{background:#0969da;fill:#0969da}.sev-unknown{background:#6e7781;fill:#6e7781}.axis{font-size:12px;fill:#57606a}
    input[type=search]{width:100%;max-width:420px;padding:6px 10px;border:1px solid #d0d7de;border-radius:6px}
    footer{margin-top:32px;color:#57606a;font-size:12px}
    """

    /// Sorting by column and filtering by text; no library, nothing fetched.
    static let script = """
    document.querySelectorAll('table.sortable th').forEach(function(th, column){th.addEventListener('click', function(){
      var body = th.closest('table').tBodies[0], rows = Array.prototype.slice.call(body.rows), down = th.dataset.down !== '1';
      th.dataset.down = down ? '1' : '0';
      rows.sort(function(a, b){var x = a.cells[column], y = b.cells[column];
        var p = x.dataset.sort || x.textContent, q = y.dataset.sort || y.textContent, n = parseFloat(p), m = parseFloat(q);
        var order = (!isNaN(n) && !isNaN(m)) ? n - m : p.localeCompare(q); return down ? -order : order;});
      rows.forEach(function(row){body.appendChild(row);});});});
    var filter = document.getElementById('filter');
    if (filter) filter.addEventListener('input', function(){var text = filter.value.toLowerCase();
      document.querySelectorAll('table.sortable tbody tr').forEach(function(row){
        row.style.display = row.textContent.toLowerCase().indexOf(text) < 0 ? 'none' : '';});});
    """
}
