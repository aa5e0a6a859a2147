import FnauditMatching

/// The page a person should open for a finding: the GitHub advisory for GHSA ids, else the
/// advisory's own first reference.
enum AdvisoryLinks {
    static func primary(_ finding: Finding) -> String? {
        if finding.id.hasPrefix("GHSA-") { return "https://github.com/advisories/\(finding.id)" }
        if finding.id.hasPrefix("PYSEC-") || finding.id.hasPrefix("CVE-") { return "https://osv.dev/vulnerability/\(finding.id)" }
        return finding.references.first
    }
}
