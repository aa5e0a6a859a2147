import FnauditMatching

/// Where advisory ids are published, in one place.
enum AdvisoryLinks {
    /// The page a person should open for a finding: the GitHub advisory for GHSA ids, osv.dev
    /// for PYSEC and CVE ids, else the advisory's own first reference.
    static func primary(_ finding: Finding) -> String? {
        if finding.id.hasPrefix("GHSA-") { return "https://github.com/advisories/\(finding.id)" }
        if finding.id.hasPrefix("PYSEC-") || finding.id.hasPrefix("CVE-") { return "https://osv.dev/vulnerability/\(finding.id)" }
        return finding.references.first
    }

    /// The database that publishes an id, with the id's page there (CycloneDX `source`).
    static func publisher(of id: String) -> [String: Any] {
        if id.hasPrefix("GHSA-") { return ["name": "GitHub Advisory Database", "url": "https://github.com/advisories/\(id)"] }
        if id.hasPrefix("CVE-") { return ["name": "NVD", "url": "https://nvd.nist.gov/vuln/detail/\(id)"] }
        if id.hasPrefix("PYSEC-") { return ["name": "PyPA Advisory Database", "url": "https://osv.dev/vulnerability/\(id)"] }
        return ["name": "OSV"]
    }
}
