import Foundation
import FnauditMatching
import FnauditModel
import FnauditPolicy
import Rainbow

/// The default output: a headline that says whether the scan was complete, then per target
/// (input) the vulnerable packages, most severe first, each with its findings and the upgrade
/// that fixes them all; then what needs a look, and a summary. Every line fits `width`.
public enum TableReport {
    public static func render(_ report: AuditReport, colour: Bool, width: Int = 80) -> String {
        let width = max(width, 40)
        var out = headline(report) + "\n"
        let shown = report.shownFindings
        if report.functions.isEmpty {
            for target in targets(report, shown) {
                if report.inputs.count > 1 { out += "\n" + fit(DisplayText.escaped("── \(target.input)"), width) + "\n" }
                out += "\n" + findingsTable(report, target.findings, relativeTo: target.input, width: width, colour: colour)
            }
        } else {
            out += functionSections(report, shown, width: width, colour: colour)
        }
        var notes: [String] = []
        for finding in shown where finding.rangeNote != nil {
            notes.append("\(finding.package.name) \(finding.package.version) \(finding.id): \(finding.rangeNote ?? "")")
        }
        out += section("Advisory data to check:", notes, width)
        out += section("Suppressed by configuration (not counted):", report.findings.filter { report.suppression(of: $0) != nil }.map { f in
            let s = report.suppression(of: f)
            return "\(f.id) \(f.package.name) \(f.package.version): \(s?.reason ?? "")\(s?.until.map { " (until \($0))" } ?? "")"
                + (s?.sourceLabel.map { " [\($0)]" } ?? "")
        }, width)
        out += section("Under investigation (VEX; still counted):", shown.compactMap { f in
            report.investigation(of: f).map { "\(f.id) \(f.package.name) \(f.package.version): \($0.reason) [\($0.location.path)]" }
        }, width)
        let onShadowed = report.displayedFindings.filter { report.isShadowed($0) && report.suppression(of: $0) == nil }
        out += section("On shadowed copies only (they never load; not counted):", Dictionary(grouping: onShadowed, by: { $0.package.identity })
            .sorted { $0.key < $1.key }.compactMap { identity, findings in
                guard let package = findings.first?.package else { return nil }
                let ids = findings.map(\.id).sorted()
                return "\(package.name) \(package.version) (\(ids.count) finding\(ids.count == 1 ? "" : "s"): \(ids.prefix(3).joined(separator: ", "))\(ids.count > 3 ? ", …" : "")): "
                    + shadowReasons(identity, report).joined(separator: "; ")
            }, width)
        out += section("Could not be evaluated (not known to be safe):", report.unevaluated.map { u in
            "\(u.package.ecosystem.rawValue) \(u.package.name)\(u.package.version.isEmpty ? "" : " " + u.package.version): \(u.reason)"
                + (u.advisoryIDs.isEmpty ? "" : " [might apply: \(u.advisoryIDs.joined(separator: ", "))]")
        }, width)
        out += section("Jars that could not be identified (not checked):", report.unidentified.map { a in
            "\(a.location)" + (a.digests.map { " sha1 \($0.sha1)" } ?? "") + ": \(a.reason)"
        }, width)
        out += section("Secrets (remove them from what ships, and rotate them):", report.activeSecrets.map { secret in
            "\(secret.severity.rawValue) \(secret.rule) \(secret.redacted) at \(secretLocation(secret.location)) (fingerprint \(secret.fingerprint.prefix(16))): \(secret.title)"
        }, width)
        out += section("Secrets allowed by configuration (not counted):", report.secrets.filter { report.allowance(of: $0) != nil }.map { secret in
            let allowance = report.allowance(of: secret)
            return "\(secret.rule) \(secret.redacted) at \(secretLocation(secret.location)): \(allowance?.reason ?? "")\(allowance?.until.map { " (until \($0))" } ?? "")"
        }, width)
        if shown.contains(where: { $0.package.identification != nil }) {
            out += "\n" + wrap("(inferred): identified from a jar's manifest or file name, not from Maven metadata (--format json shows the evidence).", width, indent: "") + "\n"
        }
        out += section("Errors:", report.errors.map { "\($0.location): \($0.message)" }, width)
        if report.hiddenCount > 0 {
            out += "\n" + wrap("\(report.hiddenCount) finding\(report.hiddenCount == 1 ? "" : "s") not shown (--severity, --ignore-unfixed).", width, indent: "") + "\n"
        }
        out += "\n" + wrap(summaryLine(report), width, indent: "") + "\n"
        return out
    }

    /// True to what happened: complete or not, something checked or not.
    public static func headline(_ report: AuditReport) -> String {
        let secrets = report.activeSecrets.count
        let line = findingsHeadline(report)
        guard secrets > 0 else { return line }
        return String(line.dropLast()) + "; \(secrets) secret\(secrets == 1 ? "" : "s") found."
    }

    static func findingsHeadline(_ report: AuditReport) -> String {
        let active = report.activeFindings.count
        let findings = "\(active) finding\(active == 1 ? "" : "s")"
        if !report.isComplete {
            let unread = report.errors.count + report.unevaluated.count
            return "Scan incomplete: \(unread) input\(unread == 1 ? "" : "s"), entr\(unread == 1 ? "y" : "ies") or package\(unread == 1 ? "" : "s") could not be read or evaluated"
                + (active > 0 ? "; \(findings) in what could." : ".")
        }
        if report.packages.isEmpty { return "No packages found in the inputs: nothing was checked." }
        if active == 0 { return "No known vulnerabilities in \(report.packages.count) package\(report.packages.count == 1 ? "" : "s")." }
        let packages = Set(report.activeFindings.map(\.package.identity)).count
        return "\(findings) in \(packages) package\(packages == 1 ? "" : "s")."
    }

    /// One section per function (its runtime, layers and counts, then its findings), a layer shared
    /// by several functions read once; then findings outside every function.
    static func functionSections(_ report: AuditReport, _ shown: [Finding], width: Int, colour: Bool) -> String {
        var out = ""
        var inFunctions = Set<PackageIdentity>()
        let shownKeys = Set(shown.map(AuditReport.key(of:)))
        // Functions whose permissions elevate their findings come first (Docs/IAM.md).
        for function in PermissionsText.ordered(report) {
            let d = function.definition
            let findings = report.locatedFindings(of: function).filter { shownKeys.contains(AuditReport.key(of: $0)) }
            inFunctions.formUnion(function.effective)
            let counts = Severity.allCases.reversed().compactMap { severity -> String? in
                let n = findings.filter { $0.severity == severity }.count
                return n == 0 ? nil : "\(n) \(severity.rawValue)"
            }
            var facts = [d.framework.rawValue, d.runtime ?? "runtime unknown"]
            if !d.layers.isEmpty { facts.append("layers: " + d.layers.map(\.name).joined(separator: ", ")) }
            // Two projects in one tree can both have an `ApiFunction`: the template tells them apart.
            if report.functions.filter({ $0.definition.name == d.name }).count > 1 { facts.append(shortPath(d.descriptor, report)) }
            out += "\n" + fit(DisplayText.escaped("── \(d.name) (\(facts.joined(separator: "; ")))"), width) + "\n"
            var status: [String] = []
            if !function.isScanned { status.append("not scanned: \(d.artifact.reason ?? "code not on disk")") } else { status.append(findings.isEmpty ? "\(function.effective.count) package\(function.effective.count == 1 ? " loads" : "s load"), no known vulnerabilities"
                          : "\(function.effective.count) package\(function.effective.count == 1 ? " loads" : "s load"); " + counts.joined(separator: ", ")) }
            if !function.shadowed.isEmpty { status.append("\(function.shadowed.count) shadowed cop\(function.shadowed.count == 1 ? "y never loads" : "ies never load")") }
            out += wrap(DisplayText.escaped(status.joined(separator: "; ")), width, indent: "   ") + "\n"
            for note in function.notes where function.isScanned {
                out += wrap(DisplayText.escaped("note: " + note), width, indent: "   ") + "\n"
            }
            for line in PermissionsText.lines(function, report, hasFindings: !findings.isEmpty) {
                out += wrap(DisplayText.escaped(line), width, indent: "   ") + "\n"
            }
            if !findings.isEmpty {
                out += "\n" + findingsTable(report, findings, relativeTo: report.inputs.count == 1 ? (report.inputs.first ?? "") : "", width: width, colour: colour)
            }
        }
        let outside = shown.filter { !inFunctions.contains($0.package.identity) }
        if !outside.isEmpty {
            out += "\n" + fit("── Outside the functions (other files of the inputs)", width) + "\n"
            out += "\n" + findingsTable(report, outside, relativeTo: report.inputs.count == 1 ? (report.inputs.first ?? "") : "", width: width, colour: colour)
        }
        return out
    }

    /// Why each copy of a package never loads, per function.
    static func shadowReasons(_ identity: PackageIdentity, _ report: AuditReport) -> [String] {
        report.functions.flatMap { function in
            function.shadowed.filter { $0.package == identity }.map { copy in
                "in \(function.definition.name), \(shortPath(copy.location, report)) " + (copy.byPurl.map { "is shadowed by \($0)" } ?? "never loads") + " (\(copy.reason))"
            }
        }
    }

    /// A location inside the inputs, without the input's own path (one input) to keep lines short.
    static func shortPath(_ location: Location, _ report: AuditReport) -> String {
        guard report.inputs.count == 1, let input = report.inputs.first, under(input, location), location.path != input else { return location.description }
        return String(location.description.dropFirst(input.hasSuffix("/") ? input.count : input.count + 1))
    }

    struct Target { var input: String; var findings: [Finding] }

    /// Findings grouped by the input they were found in (a package in two inputs is in both).
    static func targets(_ report: AuditReport, _ findings: [Finding]) -> [Target] {
        guard !findings.isEmpty else { return [] }
        guard report.inputs.count > 1 else { return [Target(input: report.inputs.first ?? "", findings: findings)] }
        return report.inputs.compactMap { input in
            let inside = findings.filter { $0.package.locations.contains { under(input, $0) } }
            return inside.isEmpty ? nil : Target(input: input, findings: inside)
        }
    }

    static func under(_ input: String, _ location: Location) -> Bool {
        location.path == input || location.path.hasPrefix(input.hasSuffix("/") ? input : input + "/")
    }

    /// One block per package, most severe package first (malicious, then severity, then CVSS),
    /// its findings in the same order, and the upgrade that fixes all of them.
    static func findingsTable(_ report: AuditReport, _ findings: [Finding], relativeTo input: String, width: Int, colour: Bool) -> String {
        func rank(_ f: Finding) -> (Int, Int, Double) { (f.kind == .maliciousPackage ? 1 : 0, f.severity.rank, f.cvssScore ?? -1) }
        let byPackage = Dictionary(grouping: findings, by: { $0.package.identity })
        let order = byPackage.keys.sorted { a, b in
            let x = byPackage[a]?.map(rank).max { $0 < $1 } ?? (0, 0, 0), y = byPackage[b]?.map(rank).max { $0 < $1 } ?? (0, 0, 0)
            return x != y ? x > y : a < b
        }
        var rows: [[String]] = []
        var severities: [Severity?] = []
        var notes: [String?] = []   // a line under the row (the upgrade)
        for identity in order {
            guard let group = byPackage[identity]?.sorted(by: { rank($0) != rank($1) ? rank($0) > rank($1) : $0.id < $1.id }),
                  let package = group.first?.package else { continue }
            for (i, finding) in group.enumerated() {
                var ids = Array(([finding.id] + finding.advisoryIDs.filter { $0 != finding.id } + finding.aliases).prefix(2))
                if finding.kind == .maliciousPackage { ids = ["MALICIOUS PACKAGE", finding.id] }
                rows.append([
                    finding.severity.rawValue + (finding.cvssScore.map { String(format: " %.1f", $0) } ?? ""),
                    i == 0 ? package.ecosystem.rawValue : "",
                    i == 0 ? package.name + (package.identification != nil ? " (inferred)" : "") : "",
                    i == 0 ? package.version : "",
                    ids.joined(separator: ", "),
                    finding.fixedVersions.first ?? "-",
                    finding.summary ?? "",
                    i == 0 ? where_(package, relativeTo: input) : "",
                ])
                severities.append(finding.severity)
                var note: [String] = []
                if i == group.count - 1 {
                    if group.count > 1, let upgrade = report.safeUpgrades[identity] { note.append("→ upgrade to \(upgrade) to fix all \(group.count)") }
                    if package.isDirect == false, let path = package.dependencyPaths.first, path.count > 1 {
                        note.append("via \(path.joined(separator: " > ")): transitive, pulled in by \(path[0]) (upgrade it, or override \(package.name))")
                    }
                }
                notes.append(note.isEmpty ? nil : note.joined(separator: "\n  "))
            }
        }
        return layout(["SEVERITY", "ECOSYSTEM", "PACKAGE", "VERSION", "ADVISORY", "FIXED IN", "TITLE", "WHERE"], rows, severities, notes,
                      width: width, colour: colour)
    }

    /// The first location, relative to the input, with how many more.
    static func where_(_ package: Package, relativeTo input: String) -> String {
        guard let first = package.locations.first(where: { under(input, $0) }) ?? package.locations.first else { return "" }
        var text = first.line.map { "\(first):\($0)" } ?? first.description
        let prefix = input.hasSuffix("/") ? input : input + "/"
        if text.hasPrefix(prefix) { text = String(text.dropFirst(prefix.count)) }
        else if text.hasPrefix(input + "!/") { text = String(text.dropFirst(input.count + 2)) }   // inside the input archive
        return package.locations.count > 1 ? "\(text) (+\(package.locations.count - 1))" : text
    }

    /// Columns sized to their content, then shrunk to fit `width`: TITLE goes first (it is shown
    /// only when there is room), then WHERE (shortened from the middle), ADVISORY, PACKAGE,
    /// VERSION and FIXED IN down to a floor each.
    static func layout(_ header: [String], _ rows: [[String]], _ severities: [Severity?], _ notes: [String?],
                       width: Int, colour: Bool) -> String {
        let cells = rows.map { $0.map { DisplayText.escaped($0) } }
        var widths = header.indices.map { c in max(header[c].count, cells.map { $0[c].count }.max() ?? 0) }
        let gap = width < 100 ? 1 : 2
        var visible = Array(repeating: true, count: header.count)
        func total() -> Int { zip(widths, visible).filter(\.1).map(\.0).reduce(0, +) + gap * (visible.filter { $0 }.count - 1) }
        // TITLE: at most 50, and only when at least 20 fit.
        let title = 6, whereColumn = 7, advisoryColumn = 4
        widths[title] = min(widths[title], 50)
        if total() > width {
            let others = total() - widths[title] - gap
            if width - others - gap >= 20 { widths[title] = width - others - gap } else { visible[title] = false }
        }
        if rows.allSatisfy({ $0[title].isEmpty }) { visible[title] = false }
        // Narrow terminals: the ecosystem is implied by the package's name (group:artifact is Maven).
        if width < 100 && total() > width { visible[1] = false }
        let floors: [(Int, Int)] = [(1, 5), (2, 28), (whereColumn, 28), (advisoryColumn, 19), (2, 16), (whereColumn, 16),
                                    (3, 8), (5, 8), (whereColumn, 12)]
        for (column, floor) in floors where total() > width && widths[column] > floor {
            widths[column] = max(floor, widths[column] - (total() - width))
        }
        // Still too wide (a narrow terminal): the ecosystem is implied by the package's name.
        if total() > width { visible[1] = false }
        for (column, floor) in [(whereColumn, 8), (2, 12), (advisoryColumn, 14), (3, 6)] where total() > width && widths[column] > floor {
            widths[column] = max(floor, widths[column] - (total() - width))
        }
        var out = ""
        func line(_ values: [String], severity: Severity?, isHeader: Bool) -> String {
            var text = ""
            for c in header.indices where visible[c] {
                let isLast = c == header.indices.last(where: { visible[$0] })
                let value = c == whereColumn ? shortenMiddle(values[c], widths[c])
                    : c == advisoryColumn ? shortenList(values[c], widths[c]) : shortenEnd(values[c], widths[c])
                var cell = isLast ? value : value.padding(toLength: widths[c] + gap, withPad: " ", startingAt: 0)
                if colour { cell = isHeader ? cell.bold : (c == 0 ? colourize(cell, severity, colour: true) : cell) }
                text += cell
            }
            return text.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        // A narrowed ECOSYSTEM column gets a short heading rather than a cut one.
        let headings = header.enumerated().map { c, h in c == 1 && widths[1] < h.count ? "ECO" : h }
        out += line(headings, severity: nil, isHeader: true) + "\n"
        for (r, row) in cells.enumerated() {
            out += line(row, severity: severities[r], isHeader: false) + "\n"
            if let note = notes[r] {
                for line in note.components(separatedBy: "\n  ") { out += shortenEnd("  " + DisplayText.escaped(line), width) + "\n" }
            }
        }
        return out
    }

    /// `GHSA-…, CVE-…` cut at a comma when the whole list does not fit, so an id is never cut.
    static func shortenList(_ text: String, _ width: Int) -> String {
        guard text.count > width else { return text }
        var kept = ""
        for id in text.components(separatedBy: ", ") {
            let next = kept.isEmpty ? id : kept + ", " + id
            if next.count > width { break }
            kept = next
        }
        return kept.isEmpty ? shortenEnd(text, width) : kept
    }

    static func shortenEnd(_ text: String, _ width: Int) -> String {
        text.count <= width ? text : String(text.prefix(max(0, width - 1))) + "…"
    }

    /// `…/BOOT-INF/lib/x.jar!/META-INF/…`: keeps both ends of a path.
    static func shortenMiddle(_ text: String, _ width: Int) -> String {
        guard text.count > width, width > 3 else { return shortenEnd(text, width) }
        let head = (width - 1) / 3, tail = width - 1 - head
        return String(text.prefix(head)) + "…" + String(text.suffix(tail))
    }

    /// A titled list, each item wrapped to `width` under a two-space indent.
    static func section(_ title: String, _ items: [String], _ width: Int) -> String {
        guard !items.isEmpty else { return "" }
        return "\n" + title + "\n" + items.map { wrap(DisplayText.escaped($0), width, indent: "  ") }.joined(separator: "\n") + "\n"
    }

    /// Word-wraps `text` to `width` columns; continuation lines get `indent` twice over.
    static func wrap(_ text: String, _ width: Int, indent: String) -> String {
        var lines: [String] = []
        var current = indent
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            let candidate = current == indent || current.allSatisfy({ $0 == " " }) ? current + word : current + " " + word
            if candidate.count > width && !current.trimmingCharacters(in: .whitespaces).isEmpty {
                lines.append(current)
                current = indent + indent + word
            } else {
                current = candidate
            }
            while current.count > width {
                lines.append(String(current.prefix(width)))
                current = indent + indent + current.dropFirst(width)
            }
        }
        lines.append(current)
        return lines.joined(separator: "\n")
    }

    static func fit(_ text: String, _ width: Int) -> String { shortenEnd(text, width) }


    static func secretLocation(_ location: Location) -> String {
        location.line.map { "\(location):\($0)" } ?? location.description
    }

    public static func summaryLine(_ report: AuditReport) -> String {
        let counts = report.packageCounts()
        let perEcosystem = Ecosystem.allCases.compactMap { e in counts[e].map { "\(e.rawValue) \($0)" } }.joined(separator: ", ")
        var line = "Scanned \(report.packages.count) package\(report.packages.count == 1 ? "" : "s")" + (perEcosystem.isEmpty ? "" : " (\(perEcosystem))")
        let findingCounts = report.findingCounts()
        let severities = Severity.allCases.reversed().compactMap { s in findingCounts[s].map { "\($0) \(s.rawValue)" } }
        let active = report.activeFindings.count
        line += "; \(active) finding\(active == 1 ? "" : "s")"
        if !severities.isEmpty { line += " (\(severities.joined(separator: ", ")))" }
        let suppressed = report.findings.filter { report.suppression(of: $0) != nil }.count
        if suppressed > 0 { line += "; \(suppressed) suppressed" }
        let shadowed = report.findings.count - active - suppressed
        if shadowed > 0 { line += "; \(shadowed) on shadowed copies only" }
        if !report.unevaluated.isEmpty { line += "; \(report.unevaluated.count) not evaluated" }
        if !report.secrets.isEmpty {
            let activeSecrets = report.activeSecrets.count
            line += "; \(activeSecrets) secret\(activeSecrets == 1 ? "" : "s")"
            if report.secrets.count > activeSecrets { line += " (\(report.secrets.count - activeSecrets) allowed)" }
        }
        line += PermissionsText.summary(report)
        if !report.unidentified.isEmpty { line += "; \(report.unidentified.count) unidentified jar\(report.unidentified.count == 1 ? "" : "s")" }
        if !report.errors.isEmpty { line += "; \(report.errors.count) error\(report.errors.count == 1 ? "" : "s")" }
        if let database = report.database {
            let dates = database.ecosystems.compactMap { e in e.newestModified.map { "\(e.ecosystem) \($0.prefix(10))" } }
            if !dates.isEmpty {
                line += "; advisories as of " + dates.joined(separator: ", ")
            } else if let date = database.snapshotDate {
                line += "; advisory snapshot \(date)"
            }
        }
        if !report.includeDev { line += "; dev dependencies excluded" }
        return line + "."
    }

    public static func locationText(_ package: Package) -> String {
        guard let first = package.locations.first else { return "" }
        let text = first.line.map { "\(first):\($0)" } ?? first.description
        return package.locations.count > 1 ? "\(text) (+\(package.locations.count - 1) more)" : text
    }

    /// Rainbow also honours NO_COLOR and FORCE_COLOR; callers decide TTY-ness.
    static func colourize(_ text: String, _ severity: Severity?, colour: Bool) -> String {
        guard colour else { return text }
        switch severity {
        case .critical?: return text.red.bold
        case .high?: return text.red
        case .medium?: return text.yellow
        case .low?: return text.cyan
        case .unknown?: return text.lightBlack
        case nil: return text
        }
    }
}

/// `fnaudit inventory`'s table: one package per line.
public enum InventoryTable {
    public static func render(_ report: AuditReport) -> String {
        var text = ""
        for p in report.packages {
            let version = p.versionKind == .exact ? p.version : "(\(p.versionKind.rawValue): \(p.versionNote ?? ""))"
            // The licence column is always there ("-" when none is declared), so columns line up for `cut`.
            let fields = [p.ecosystem.rawValue, p.name, version, p.licenses.isEmpty ? "-" : p.licenses.joined(separator: ", ")]
                + (p.isDev ? ["dev"] : []) + [TableReport.locationText(p)]
                + (p.identification.map { ["inferred from \($0.method) \($0.evidence)"] } ?? [])
            text += fields.map { DisplayText.escaped($0) }.joined(separator: "\t") + "\n"
        }
        for artifact in report.unidentified {
            text += ["Maven", "(unidentified)", "", DisplayText.escaped(artifact.location.description), DisplayText.escaped(artifact.reason)]
                .joined(separator: "\t") + "\n"
        }
        for function in report.functions {
            let d = function.definition
            let facts = [d.framework.rawValue, d.runtime ?? "runtime unknown"] + (d.layers.isEmpty ? [] : ["layers: " + d.layers.map(\.name).joined(separator: ", ")])
            text += DisplayText.escaped("function \(d.name) (\(facts.joined(separator: "; "))): "
                + (function.isScanned ? "\(function.effective.count) packages load, \(function.shadowed.count) shadowed" : "not scanned: \(d.artifact.reason ?? "")")) + "\n"
            for copy in function.shadowed {
                text += DisplayText.escaped("  shadowed \(copy.purl) at \(copy.location)" + (copy.byPurl.map { " by \($0)" } ?? "") + ": \(copy.reason)") + "\n"
            }
        }
        return text + summary(report) + "\n"
    }

    /// The summary line without anything about findings: an inventory matched nothing.
    public static func summary(_ report: AuditReport) -> String {
        TableReport.summaryLine(report).replacingOccurrences(of: "; 0 findings", with: "")
    }
}
