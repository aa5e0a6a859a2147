import FnauditAdvisory
import FnauditModel
import FnauditVersioning

/// An installed version, read by its ecosystem's rules and, for OSV `SEMVER` ranges, by SemVer's.
public struct InstalledVersion: Sendable {
    public let raw: String
    public let ecosystem: Ecosystem
    /// By the ecosystem's rules: what fix versions and upgrades are ordered by.
    public let parsed: EcosystemVersion
    private let asSemver: ParsedVersion

    /// nil when the ecosystem rejects `raw` (the package is then "could not be evaluated").
    public init?(_ raw: String, ecosystem: Ecosystem) {
        guard let parsed = ecosystem.parseVersion(raw).version else { return nil }
        self.raw = raw
        self.ecosystem = ecosystem
        self.parsed = parsed
        asSemver = ecosystem == .npm ? .valid(parsed) : VersionScheme.semver.parse(raw)
    }

    func parsed(in scheme: VersionScheme) -> ParsedVersion {
        scheme == .semver ? asSemver : .valid(parsed)
    }
}

/// Evaluates one OSV `affected[]` entry against one version, per the OSV schema's rules.
public enum AffectedEvaluator {
    public enum Verdict: Equatable, Sendable {
        case affected(fixedIn: [String])
        case notAffected
        /// A version of the entry (or the installed one, under the range's scheme) could not be
        /// parsed, and nothing else in the entry said "affected": the answer is unknown, never "safe".
        case unknown(reason: String)
    }

    public static func evaluate(_ entry: AffectedEntry, version: InstalledVersion) -> Verdict {
        var unknown: String?
        for range in entry.ranges {
            switch evaluate(range, version: version) {
            case .affected(let fixedIn): return .affected(fixedIn: fixedIn)
            case .unknown(let reason): unknown = unknown ?? reason
            case .notAffected: break
            }
        }
        // Explicit versions: the same string, or an equal version by the ecosystem's rules.
        for listed in entry.versions {
            let equal = listed == version.raw
                || version.ecosystem.parseVersion(listed).version.flatMap { EcosystemVersion.compare($0, version.parsed) } == 0
            if equal { return .affected(fixedIn: smallestFix(above: version, in: entry)) }
        }
        if let unknown { return .unknown(reason: unknown) }
        return .notAffected
    }

    /// For a version listed explicitly: the smallest `fixed` event above it, if any.
    private static func smallestFix(above version: InstalledVersion, in entry: AffectedEntry) -> [String] {
        var best: (EcosystemVersion, String)?
        for range in entry.ranges {
            for event in range.events where event.kind == .fixed {
                guard let parsed = version.ecosystem.parseVersion(event.version).version,
                      (EcosystemVersion.compare(parsed, version.parsed) ?? 0) > 0 else { continue }
                if best.map({ (EcosystemVersion.compare(parsed, $0.0) ?? 0) < 0 }) ?? true { best = (parsed, event.version) }
            }
        }
        return best.map { [$0.1] } ?? []
    }

    /// One range: events sorted by version (`introduced: 0` first); `introduced` opens, `fixed`
    /// and `limit` close (exclusive), `last_affected` closes inclusive. The range's type decides
    /// the comparator: SemVer for `SEMVER`, the ecosystem's rules for `ECOSYSTEM`.
    static func evaluate(_ range: OSVRecord.Range, version installed: InstalledVersion) -> Verdict {
        guard let scheme = VersionScheme(osvRangeType: range.type, ecosystem: installed.ecosystem) else { return .notAffected }
        let schemeName = scheme == .semver ? "SEMVER" : installed.ecosystem.rawValue
        let version: EcosystemVersion
        switch installed.parsed(in: scheme) {
        case .valid(let parsed): version = parsed
        case .invalid(let text, let reason): return .unknown(reason: "version \(text.debugDescription) is \(reason)")
        }
        var events: [(kind: OSVRecord.Range.EventKind, version: EcosystemVersion?, raw: String)] = []
        for event in range.events {
            if event.kind == .introduced && event.version == "0" {
                events.append((event.kind, nil, event.version))
                continue
            }
            guard let parsed = scheme.parse(event.version).version else {
                return .unknown(reason: "\(event.kind.rawValue) version \(event.version.debugDescription) is not a valid \(schemeName) version")
            }
            events.append((event.kind, parsed, event.version))
        }
        events.sort { a, b in
            guard let x = a.version else { return b.version != nil }
            guard let y = b.version else { return false }
            return (EcosystemVersion.compare(x, y) ?? 0) < 0
        }
        var affected = false
        var fixedIn: [String] = []
        for event in events {
            guard let boundary = event.version else {
                affected = true   // introduced: "0"
                continue
            }
            let order = EcosystemVersion.compare(version, boundary) ?? 0
            if order < 0 {
                // Events above the version decide nothing more; the first closing one names the fix.
                if event.kind == .introduced { continue }
                if affected && event.kind == .fixed { fixedIn = [event.raw] }
                break
            }
            switch event.kind {
            case .introduced: affected = true
            case .fixed, .limit: affected = false
            case .lastAffected: if order > 0 { affected = false }
            }
        }
        return affected ? .affected(fixedIn: fixedIn) : .notAffected
    }
}
