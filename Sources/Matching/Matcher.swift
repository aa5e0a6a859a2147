import Foundation
import FnauditAdvisory
import FnauditModel
import FnauditVersioning

/// A vulnerability affecting one package: advisories that share ids or aliases, grouped.
public struct Finding: Sendable {
    public var package: Package
    /// The id shown first (GHSA, else PYSEC, else CVE, else the smallest id).
    public var id: String
    /// Every advisory id in the group, including `id`.
    public var advisoryIDs: [String]
    /// Aliases named by the advisories that are not themselves advisory ids here.
    public var aliases: [String]
    public var summary: String?
    public var severity: Severity
    public var cvssScore: Double?
    /// The CVSS v3 vector behind `cvssScore`.
    public var cvssVector: String?
    /// Versions that fix this finding, from the affected ranges.
    public var fixedVersions: [String]
    /// Reference URLs of the grouped advisories, advisory pages first, without repeats.
    public var references: [String]
    /// When an advisory's curators say affected versions end below this package's version, though
    /// its ranges say affected (OSV semantics are kept: it is still a finding): the words to show.
    public var rangeNote: String?
    public var kind: Kind = .vulnerability
    /// Which record and which metric gave `severity` (`CVSS v3 score of GHSA-…`).
    public var severitySource: String?

    public enum Kind: String, Sendable {
        case vulnerability
        /// An OSV `MAL-` record: the package itself is malware; no version of it is a fix.
        case maliciousPackage = "malicious-package"
    }

    public init(package: Package, id: String, advisoryIDs: [String], aliases: [String], summary: String?, severity: Severity,
                cvssScore: Double?, cvssVector: String?, fixedVersions: [String], references: [String]) {
        self.package = package
        self.id = id
        self.advisoryIDs = advisoryIDs
        self.aliases = aliases
        self.summary = summary
        self.severity = severity
        self.cvssScore = cvssScore
        self.cvssVector = cvssVector
        self.fixedVersions = fixedVersions
        self.references = references
    }
}

extension AffectedEntry {
    /// "the advisory says affected versions end before 4.0.0", when `version` lies past the
    /// curators' `last_known_affected_version_range` (`< 4.0.0`, `<= 2.3`).
    func rangeNote(for version: InstalledVersion) -> String? {
        guard let hint = lastKnownAffected?.trimmingCharacters(in: .whitespaces) else { return nil }
        let inclusive = hint.hasPrefix("<=")
        guard hint.hasPrefix("<") else { return nil }
        let bound = hint.dropFirst(inclusive ? 2 : 1).trimmingCharacters(in: .whitespaces)
        guard let parsed = version.ecosystem.parseVersion(bound).version,
              let order = EcosystemVersion.compare(version.parsed, parsed), order > 0 || (order == 0 && !inclusive) else { return nil }
        return "the advisory says affected versions end \(inclusive ? "at" : "before") \(bound) (last_known_affected_version_range \"\(hint)\"); \(version.raw) is past that, so this may be an error in the advisory data"
    }
}

/// A package that could not be checked, and which advisories might apply to it.
public struct Unevaluated: Sendable {
    public var package: Package
    public var reason: String
    public var advisoryIDs: [String]
}

public struct MatchResult: Sendable {
    public var findings: [Finding] = []
    public var unevaluated: [Unevaluated] = []
    /// Per package identity: the smallest known version that fixes all its findings.
    public var safeUpgrades: [PackageIdentity: String] = [:]

    public init(findings: [Finding] = [], unevaluated: [Unevaluated] = [], safeUpgrades: [PackageIdentity: String] = [:]) {
        self.findings = findings
        self.unevaluated = unevaluated
        self.safeUpgrades = safeUpgrades
    }
}

/// Matches packages against an advisory source. The version format decides the comparator
/// (Grype's rule): the package's ecosystem, or SemVer for OSV `SEMVER` ranges. The lookup is one
/// query per distinct package name.
public struct Matcher: Sendable {
    private let source: any AdvisorySource

    public init(source: any AdvisorySource) {
        self.source = source
    }

    /// Found inside a JavaScript bundle (a `js-bundle:` extractor) with no version any evidence states.
    static func isBundledUnknown(_ package: Package) -> Bool {
        package.versionKind == .unresolved && package.extractors.contains { $0.id.hasPrefix("js-bundle:") }
    }

    public func match(_ packages: [Package]) throws -> MatchResult {
        var result = MatchResult()
        var entriesByEcosystem: [Ecosystem: [String: [AffectedEntry]]] = [:]
        for ecosystem in Ecosystem.allCases {
            let names = Set(packages.filter { $0.ecosystem == ecosystem && ($0.versionKind == .exact || Self.isBundledUnknown($0)) }.map(\.normalizedName))
            if !names.isEmpty { entriesByEcosystem[ecosystem] = try source.affectedEntries(ecosystem: ecosystem, names: names) }
        }
        // Per package: which advisories affect it, with their fixes.
        var hits: [(Package, InstalledVersion?, [Int64: [String]], [AffectedEntry])] = []
        var unknowns: [(Package, String, Set<Int64>)] = []
        // A package compiled into a bundle whose version nothing states is never safe: every advisory
        // for its name is listed as possibly applying.
        var bundled: [(Package, Set<Int64>)] = []
        for package in packages where Self.isBundledUnknown(package) {
            if let entries = entriesByEcosystem[package.ecosystem]?[package.normalizedName], !entries.isEmpty {
                bundled.append((package, Set(entries.map(\.advisoryKey))))
            }
        }
        for package in packages where package.versionKind == .exact {
            guard let entries = entriesByEcosystem[package.ecosystem]?[package.normalizedName], !entries.isEmpty else { continue }
            guard let version = InstalledVersion(package.version, ecosystem: package.ecosystem) else {
                // A version the ecosystem rejects can still be listed, as written, in `versions`
                // (`0.1-bulbasaur`, `trunk`): that is an exact match. Everything else is unknown.
                let listed = entries.filter { $0.versions.contains(package.version) }
                let listedKeys = Set(listed.map(\.advisoryKey))
                if !listed.isEmpty { hits.append((package, nil, Dictionary(uniqueKeysWithValues: listedKeys.map { ($0, []) }), listed)) }
                let rest = Set(entries.map(\.advisoryKey)).subtracting(listedKeys)
                if !rest.isEmpty, case .invalid(_, let reason) = package.ecosystem.parseVersion(package.version) {
                    unknowns.append((package, "version \(package.version.debugDescription) is \(reason)", rest))
                }
                continue
            }
            var affecting: [Int64: [String]] = [:]
            var unknownReason: String?
            var unknownIDs: Set<Int64> = []
            for entry in entries {
                switch AffectedEvaluator.evaluate(entry, version: version) {
                case .affected(let fixedIn): affecting[entry.advisoryKey, default: []].append(contentsOf: fixedIn)
                case .unknown(let reason):
                    unknownReason = unknownReason ?? reason
                    unknownIDs.insert(entry.advisoryKey)
                case .notAffected: break
                }
            }
            unknownIDs.subtract(affecting.keys)
            if !unknownIDs.isEmpty, let unknownReason { unknowns.append((package, unknownReason, unknownIDs)) }
            if !affecting.isEmpty { hits.append((package, version, affecting, entries)) }
        }

        for (package, ids) in bundled {
            let file = package.locations.first?.fileName ?? "a bundle"
            let count = ids.count == 1 ? "1 advisory exists" : "\(ids.count) advisories exist"
            unknowns.append((package, "\(package.name) is bundled in \(file); its version is unknown; \(count) for \(package.name)", ids))
        }
        let keys = Set(hits.flatMap { $0.2.keys } + unknowns.flatMap { $0.2 })
        let advisories = try source.advisories(keys: keys)
        for (package, reason, ids) in unknowns {
            result.unevaluated.append(Unevaluated(package: package, reason: reason,
                                                  advisoryIDs: ids.compactMap { advisories[$0]?.id }.sorted()))
        }
        for (package, version, affecting, entries) in hits {
            let groups = AliasGrouping.group(affecting.keys.compactMap { advisories[$0] })
            var packageFixes: Set<String> = []
            for group in groups {
                let fixes = Array(Set(group.flatMap { affecting[$0.key] ?? [] }))
                let sortedFixes = sortVersions(fixes, package.ecosystem)
                packageFixes.formUnion(fixes)
                var finding = makeFinding(package, group, fixedVersions: sortedFixes)
                if let version {
                    let groupKeys = Set(group.map(\.key))
                    finding.rangeNote = entries.lazy.filter { groupKeys.contains($0.advisoryKey) }.compactMap { $0.rangeNote(for: version) }.first
                }
                result.findings.append(finding)
            }
            if let version, !result.findings.contains(where: { $0.package.identity == package.identity && $0.kind == .maliciousPackage }),
               let upgrade = safeUpgrade(package, current: version, candidates: packageFixes,
                                         entries: entries.filter { affecting[$0.advisoryKey] != nil }) {
                result.safeUpgrades[package.identity] = upgrade
            }
        }
        return result
    }

    private func makeFinding(_ package: Package, _ group: [AdvisorySummary], fixedVersions: [String]) -> Finding {
        let ids = group.map(\.id).sorted()
        let idSet = Set(ids)
        let aliases = Set(group.flatMap(\.aliases)).subtracting(idSet).sorted()
        let primary = ids.first { $0.hasPrefix("GHSA-") } ?? ids.first { $0.hasPrefix("PYSEC-") }
            ?? ids.first { $0.hasPrefix("CVE-") } ?? ids[0]
        let summary = group.first(where: { $0.id == primary })?.summary ?? group.compactMap(\.summary).first
        var seen = Set<String>()
        let references = group.sorted { $0.id == primary && $1.id != primary }.flatMap(\.references).filter { seen.insert($0).inserted }
        var finding = Finding(package: package, id: primary, advisoryIDs: ids, aliases: aliases, summary: summary,
                              severity: .unknown, cvssScore: nil, cvssVector: nil, fixedVersions: fixedVersions, references: references)
        Matcher.rate(&finding, group)
        return finding
    }

    /// A finding's severity is the highest known across its alias group: the highest CVSS score
    /// (v3, else v4) of any of its records, so a PYSEC record without one takes its GHSA alias's;
    /// else the highest `database_specific.severity` label; else UNKNOWN. A malicious-package
    /// record (`MAL-`) makes the whole group a malicious package: CRITICAL, and no fix.
    static func rate(_ finding: inout Finding, _ group: [AdvisorySummary]) {
        if let malicious = group.map(\.id).sorted().first(where: { $0.hasPrefix("MAL-") }) {
            finding.kind = .maliciousPackage
            finding.severity = .critical
            finding.severitySource = "malicious package (\(malicious))"
            finding.fixedVersions = []
            return
        }
        let scores = group.flatMap { advisory -> [(score: Double, vector: String?, version: String, id: String)] in
            [(advisory.cvssScore, advisory.cvssVector, "CVSS v3"), (advisory.cvss4Score, advisory.cvss4Vector, "CVSS v4.0")]
                .compactMap { score, vector, version in score.map { ($0, vector, version, advisory.id) } }
        }
        if let best = scores.max(by: { ($0.score, $1.id) < ($1.score, $0.id) }) {
            finding.severity = Severity(cvssScore: best.score)
            finding.cvssScore = best.score
            finding.cvssVector = best.vector
            finding.severitySource = "\(best.version) score of \(best.id)"
        } else if let labelled = group.filter({ $0.severityLabel != nil }).max(by: { ($0.severityLabel ?? .unknown, $1.id) < ($1.severityLabel ?? .unknown, $0.id) }),
                  let label = labelled.severityLabel {
            finding.severity = label
            finding.severitySource = "database_specific.severity of \(labelled.id)"
        }
    }

    /// The smallest fix version, above the installed one, that no affecting advisory affects.
    private func safeUpgrade(_ package: Package, current: InstalledVersion, candidates: Set<String>, entries: [AffectedEntry]) -> String? {
        let family = Matcher.qualifierFamily(package.version, package.ecosystem)
        for fix in sortVersions(Array(candidates), package.ecosystem) {
            // Stay in the installed flavour: guava 30.1-jre upgrades to 32.0.0-jre, not 32.0.0-android.
            var candidate = fix
            if let family, let other = Matcher.qualifierFamily(fix, package.ecosystem), other != family {
                candidate = String(fix.dropLast(other.count)) + family
            }
            guard let version = InstalledVersion(candidate, ecosystem: package.ecosystem),
                  (EcosystemVersion.compare(version.parsed, current.parsed) ?? 0) > 0 else { continue }
            let stillAffected = entries.contains { entry in
                if case .notAffected = AffectedEvaluator.evaluate(entry, version: version) {
                    return false
                }
                return true
            }
            if !stillAffected { return candidate }
        }
        return nil
    }

    /// A Maven version's flavour: its last `-`-separated word when that is a name, not a release
    /// stage (`jre`, `android` in `31.1-jre`; nil for `1.0-rc1`, `2.0.0`, `5.3.18.RELEASE`).
    static func qualifierFamily(_ version: String, _ ecosystem: Ecosystem) -> String? {
        guard ecosystem == .maven, let dash = version.lastIndex(of: "-") else { return nil }
        let word = version[version.index(after: dash)...]
        let stages = ["alpha", "beta", "milestone", "rc", "cr", "snapshot", "ga", "final", "release", "sp", "a", "b", "m"]
        guard !word.isEmpty, word.allSatisfy({ $0.isASCII && $0.isLetter }), !stages.contains(word.lowercased()) else { return nil }
        return String(word)
    }

    private func sortVersions(_ versions: [String], _ ecosystem: Ecosystem) -> [String] {
        versions.sorted { a, b in
            guard let x = ecosystem.parseVersion(a).version, let y = ecosystem.parseVersion(b).version,
                  let order = EcosystemVersion.compare(x, y) else { return a < b }
            return order < 0 || (order == 0 && a < b)
        }
    }
}

/// Advisories that name each other (by id or alias) describe one vulnerability.
enum AliasGrouping {
    static func group(_ advisories: [AdvisorySummary]) -> [[AdvisorySummary]] {
        var parent = Array(advisories.indices)
        func find(_ i: Int) -> Int {
            var i = i
            while parent[i] != i { parent[i] = parent[parent[i]]; i = parent[i] }
            return i
        }
        var owner: [String: Int] = [:]
        for (i, advisory) in advisories.enumerated() {
            for name in [advisory.id] + advisory.aliases {
                if let j = owner[name] { parent[find(i)] = find(j) } else { owner[name] = i }
            }
        }
        var groups: [Int: [AdvisorySummary]] = [:]
        for (i, advisory) in advisories.enumerated() { groups[find(i), default: []].append(advisory) }
        return groups.values.sorted { ($0.map(\.id).min() ?? "") < ($1.map(\.id).min() ?? "") }
    }
}
