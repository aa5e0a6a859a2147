import FnauditAdvisoryDB
import FnauditModel
import FnauditVersioning

/// Evaluates one OSV `affected[]` entry against one version, per the OSV schema's rules.
public enum AffectedEvaluator {
    public enum Verdict: Equatable, Sendable {
        case affected(fixedIn: [String])
        case notAffected
        /// A version of the entry could not be parsed by the ecosystem's rules, and nothing
        /// else in the entry said "affected": the answer is unknown, never "safe".
        case unknown(reason: String)
    }

    /// `version` must already be valid in `ecosystem`.
    public static func evaluate(_ entry: AffectedEntry, version: EcosystemVersion, raw: String, ecosystem: Ecosystem) -> Verdict {
        var fromRanges = Verdict.notAffected
        var unknown: String?
        for range in entry.ranges {
            switch evaluate(range, version: version, ecosystem: ecosystem) {
            case .affected(let fixedIn):
                fromRanges = .affected(fixedIn: fixedIn)
            case .unknown(let reason):
                unknown = unknown ?? reason
            case .notAffected:
                break
            }
            if case .affected = fromRanges { break }
        }
        if case .affected = fromRanges { return fromRanges }
        // Explicit versions: the same string, or an equal version by the ecosystem's rules.
        for listed in entry.versions {
            let equal = listed == raw || ecosystem.parseVersion(listed).version.flatMap { EcosystemVersion.compare($0, version) } == 0
            if equal { return .affected(fixedIn: smallestFix(above: version, in: entry, ecosystem)) }
        }
        if let unknown { return .unknown(reason: unknown) }
        return .notAffected
    }

    /// For a version listed explicitly: the smallest `fixed` event above it, if any.
    private static func smallestFix(above version: EcosystemVersion, in entry: AffectedEntry, _ ecosystem: Ecosystem) -> [String] {
        var best: (EcosystemVersion, String)?
        for range in entry.ranges {
            for event in range.events where event.kind == .fixed {
                guard let parsed = ecosystem.parseVersion(event.version).version,
                      (EcosystemVersion.compare(parsed, version) ?? 0) > 0 else { continue }
                if best.map({ (EcosystemVersion.compare(parsed, $0.0) ?? 0) < 0 }) ?? true { best = (parsed, event.version) }
            }
        }
        return best.map { [$0.1] } ?? []
    }

    /// One SEMVER or ECOSYSTEM range: events sorted by version (`introduced: 0` first);
    /// `introduced` opens, `fixed` and `limit` close (exclusive), `last_affected` closes inclusive.
    /// Versions are read with the package ecosystem's rules (for npm, SEMVER and ECOSYSTEM agree).
    static func evaluate(_ range: OSVRecord.Range, version: EcosystemVersion, ecosystem: Ecosystem) -> Verdict {
        var events: [(kind: OSVRecord.Range.EventKind, version: EcosystemVersion?, raw: String)] = []
        for event in range.events {
            if event.kind == .introduced && event.version == "0" {
                events.append((event.kind, nil, event.version))
                continue
            }
            guard let parsed = ecosystem.parseVersion(event.version).version else {
                return .unknown(reason: "\(event.kind.rawValue) version \(event.version.debugDescription) is not a valid \(ecosystem.rawValue) version")
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
