import Foundation
import FnauditAdvisory
import FnauditModel

/// `fnaudit explain ID`: one advisory in words a person can check against a lockfile.
public enum ExplainReport {
    public static func render(_ detail: AdvisoryDetail, snapshot: AdvisoryProvenance?) -> String {
        let s = detail.summary
        var out = "\(s.id)" + (s.summary.map { ": \($0)" } ?? "") + "\n"
        if !s.aliases.isEmpty { out += "Aliases:    \(s.aliases.joined(separator: ", "))\n" }
        var severity = "Severity:   \(s.severity.rawValue)"
        if let score = s.cvssScore { severity += String(format: " (CVSS %.1f", score) + (detail.cvssVector.map { ", \($0)" } ?? "") + ")" }
        out += severity + "\n"
        if let v4 = detail.cvss4Vector { out += "CVSS v4:    \(v4)\n" }
        if let published = s.published { out += "Published:  \(published)\n" }
        out += "Modified:   \(s.modified)\n"
        if let withdrawn = detail.withdrawn { out += "WITHDRAWN:  \(withdrawn) (never matched)\n" }
        out += "\nAffected:\n"
        for (ecosystem, entry) in detail.affected {
            out += "  \(ecosystem.rawValue) \(entry.packageAsWritten)\n"
            for range in entry.ranges { out += "    \(humanRange(range))\n" }
            if let hint = entry.lastKnownAffected {
                out += "    curators' last known affected version range: \(hint) (database_specific)\n"
            }
            if !entry.versions.isEmpty {
                let shown = entry.versions.prefix(12).joined(separator: ", ")
                out += "    versions: \(shown)\(entry.versions.count > 12 ? ", … (\(entry.versions.count) in all)" : "")\n"
            }
            if entry.ignoredRanges > 0 { out += "    (\(entry.ignoredRanges) GIT range\(entry.ignoredRanges == 1 ? "" : "s") not used for matching)\n" }
        }
        if let details = detail.details, !details.isEmpty { out += "\nDetails:\n" + details.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n") + "\n" }
        if !detail.references.isEmpty {
            out += "\nReferences:\n" + detail.references.map { "  [\($0.type)] \($0.url)" }.joined(separator: "\n") + "\n"
        }
        if let snapshot {
            out += "\nFrom the advisory database \(snapshot.path)" + (snapshot.snapshotDate.map { ", snapshot \($0)" } ?? "") + ".\n"
        }
        return DisplayText.escaped(out, keepingLineBreaks: true)
    }

    /// `>= 2.9.0, < 2.9.10.4` for an introduced/fixed pair; `<= 1.2.17` for last_affected; `all versions` for introduced 0 alone.
    public static func humanRange(_ range: OSVRecord.Range) -> String {
        var intervals: [String] = []
        var lower: String?
        var open = false
        for event in range.events {
            switch event.kind {
            case .introduced:
                if open, let lower { intervals.append(lower) }
                lower = event.version == "0" ? "all versions" : ">= \(event.version)"
                open = true
            case .fixed, .limit:
                let upper = "< \(event.version)"
                intervals.append(lower.map { $0 == "all versions" ? upper : "\($0), \(upper)" } ?? upper)
                open = false
                lower = nil
            case .lastAffected:
                let upper = "<= \(event.version)"
                intervals.append(lower.map { $0 == "all versions" ? upper : "\($0), \(upper)" } ?? upper)
                open = false
                lower = nil
            }
        }
        if open, let lower { intervals.append(lower == "all versions" ? "all versions (no fix known)" : "\(lower) (no fix known)") }
        return "\(range.type): " + intervals.joined(separator: "; ")
    }
}
