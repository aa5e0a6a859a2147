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
        // Explicit versions first: an exact string, or an equal version by the ecosystem's rules.
        for listed in entry.versions {
            if listed == raw { return .affected(fixedIn: fixes(entry, version, ecosystem)) }
            if let parsed = ecosystem.parseVersion(listed).version, EcosystemVersion.compare(parsed, version) == 0 {
                return .affected(fixedIn: fixes(entry, version, ecosystem))
            }
        }
        var unknown: String?
        for range in entry.ranges {
            switch evaluate(range, version: version, ecosystem: ecosystem) {
            case .affected(let fixedIn): return .affected(fixedIn: fixedIn)
            case .unknown(let reason): unknown = unknown ?? reason
            case .notAffected: break
            }
        }
        if let unknown { return .unknown(reason: unknown) }
        return .notAffected
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
                // The first event above the version decides nothing more, but names the fix.
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

    /// The `fixed` events above `version` in an entry listed by explicit versions.
    private static func fixes(_ entry: AffectedEntry, _ version: EcosystemVersion, _ ecosystem: Ecosystem) -> [String] {
        var found: [String] = []
        for range in entry.ranges {
            for event in range.events where event.kind == .fixed {
                if let parsed = ecosystem.parseVersion(event.version).version, (EcosystemVersion.compare(parsed, version) ?? 0) > 0 {
                    found.append(event.version)
                }
            }
        }
        return found
    }
}
