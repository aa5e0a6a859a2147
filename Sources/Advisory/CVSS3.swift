import Foundation

/// CVSS v3.x base scores, computed as the CVSS v3.1 specification (section 7) defines them.
public enum CVSS3 {
    /// The base score of a `CVSS:3.0/…` or `CVSS:3.1/…` vector; nil if the vector is not valid.
    public static func baseScore(vector: String) -> Double? {
        let parts = vector.split(separator: "/")
        guard let head = parts.first, head == "CVSS:3.1" || head == "CVSS:3.0" else { return nil }
        var metrics: [Substring: Substring] = [:]
        for part in parts.dropFirst() {
            let kv = part.split(separator: ":", maxSplits: 1)
            guard kv.count == 2, metrics[kv[0]] == nil else { return nil }
            metrics[kv[0]] = kv[1]
        }
        guard let av = metrics["AV"].flatMap({ ["N": 0.85, "A": 0.62, "L": 0.55, "P": 0.2][$0] }),
              let ac = metrics["AC"].flatMap({ ["L": 0.77, "H": 0.44][$0] }),
              let ui = metrics["UI"].flatMap({ ["N": 0.85, "R": 0.62][$0] }),
              let scope = metrics["S"], scope == "U" || scope == "C",
              let c = metrics["C"].flatMap(impactWeight), let i = metrics["I"].flatMap(impactWeight),
              let a = metrics["A"].flatMap(impactWeight),
              let prLetter = metrics["PR"] else { return nil }
        let changed = scope == "C"
        let pr: Double
        switch prLetter {
        case "N": pr = 0.85
        case "L": pr = changed ? 0.68 : 0.62
        case "H": pr = changed ? 0.5 : 0.27
        default: return nil
        }
        let iss = 1 - (1 - c) * (1 - i) * (1 - a)
        let impact = changed ? 7.52 * (iss - 0.029) - 3.25 * pow(iss - 0.02, 15) : 6.42 * iss
        let exploitability = 8.22 * av * ac * pr * ui
        if impact <= 0 { return 0 }
        return changed ? roundUp(min(1.08 * (impact + exploitability), 10)) : roundUp(min(impact + exploitability, 10))
    }

    private static func impactWeight(_ letter: Substring) -> Double? {
        ["H": 0.56, "L": 0.22, "N": 0][letter]
    }

    /// Appendix A's Roundup: the smallest one-decimal number >= x, immune to floating-point noise.
    static func roundUp(_ x: Double) -> Double {
        let scaled = Int((x * 100_000).rounded())
        if scaled % 10_000 == 0 { return Double(scaled) / 100_000 }
        return Double(scaled / 10_000 + 1) / 10
    }
}
