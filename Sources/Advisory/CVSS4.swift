import Foundation

/// CVSS v4.0 scoring (FIRST CVSS v4.0 specification, macro-vector method).
///
/// The score is derived in four steps:
///  1. the vector is parsed and every metric resolved to the value that is
///     in effect (a modified/environmental metric overrides its base metric,
///     `X` means "not defined", E defaults to A, CR/IR/AR default to H);
///  2. the six equivalence classes EQ1..EQ6 give a macro vector, whose score
///     is read from the table that FIRST publishes with the specification;
///  3. for EQ1, EQ2, EQ3+EQ6 and EQ4 the distance of the vector from the
///     highest-severity vector of its macro vector is measured and turned
///     into a fraction of the score gap to the next lower macro vector;
///  4. the mean of those corrections is taken off the macro-vector score and
///     the result is rounded (half up) to one decimal.
///
/// Parsing follows the behaviour of the PyPI `cvss` package: metrics may
/// appear in any order after the `CVSS:4.0/` prefix, optional metrics may be
/// omitted, and a vector is rejected for a wrong prefix, an empty vector, an
/// empty field (including a trailing `/`), a field that is not exactly
/// `NAME:VALUE`, an unknown metric or value, a duplicated metric, or a
/// missing base metric.
public enum CVSS4 {

    /// The CVSS v4.0 score of a `CVSS:4.0/...` vector (CVSS-B, or CVSS-BT/BE/BTE
    /// when threat/environmental metrics are present), nil if the vector is not valid.
    public static func score(vector: String) -> Double? {
        guard let given = parseVector(vector) else { return nil }
        return scoreOf(Effective(given))
    }

    // MARK: - Vocabulary

    /// Allowed values of every metric the v4.0 vector string may carry.
    private static let allowedValues: [String: Set<String>] = [
        // Base
        "AV": ["N", "A", "L", "P"],
        "AC": ["L", "H"],
        "AT": ["N", "P"],
        "PR": ["N", "L", "H"],
        "UI": ["N", "P", "A"],
        "VC": ["H", "L", "N"],
        "VI": ["H", "L", "N"],
        "VA": ["H", "L", "N"],
        "SC": ["H", "L", "N"],
        "SI": ["H", "L", "N"],
        "SA": ["H", "L", "N"],
        // Threat
        "E": ["X", "A", "P", "U"],
        // Environmental: security requirements
        "CR": ["X", "H", "M", "L"],
        "IR": ["X", "H", "M", "L"],
        "AR": ["X", "H", "M", "L"],
        // Environmental: modified base metrics
        "MAV": ["X", "N", "A", "L", "P"],
        "MAC": ["X", "L", "H"],
        "MAT": ["X", "N", "P"],
        "MPR": ["X", "N", "L", "H"],
        "MUI": ["X", "N", "P", "A"],
        "MVC": ["X", "H", "L", "N"],
        "MVI": ["X", "H", "L", "N"],
        "MVA": ["X", "H", "L", "N"],
        "MSC": ["X", "H", "L", "N"],
        "MSI": ["X", "S", "H", "L", "N"],
        "MSA": ["X", "S", "H", "L", "N"],
        // Supplemental (no effect on the score)
        "S": ["X", "N", "P"],
        "AU": ["X", "N", "Y"],
        "R": ["X", "A", "U", "I"],
        "V": ["X", "D", "C"],
        "RE": ["X", "L", "M", "H"],
        "U": ["X", "Clear", "Green", "Amber", "Red"],
    ]

    private static let baseMetrics = ["AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA"]

    // MARK: - Parsing

    private static let slash = UInt8(ascii: "/")
    private static let colon = UInt8(ascii: ":")
    private static let prefix = Array("CVSS:4.0/".utf8)

    /// Metric name -> value as written, or nil when the vector is not valid.
    /// Works on UTF-8 bytes so that matching is exact (no Unicode equivalence).
    private static func parseVector(_ vector: String) -> [String: String]? {
        let bytes = Array(vector.utf8)
        guard bytes.count > prefix.count,
              bytes.starts(with: prefix),
              bytes.last != slash
        else { return nil }

        var given: [String: String] = [:]
        for field in bytes[prefix.count...].split(separator: slash, omittingEmptySubsequences: false) {
            // An empty field ("//") is an error, as is anything but one colon.
            let parts = field.split(separator: colon, omittingEmptySubsequences: false)
            guard parts.count == 2,
                  !field.contains(where: { $0 >= 0x80 })
            else { return nil }
            let name = String(decoding: parts[0], as: UTF8.self)
            let value = String(decoding: parts[1], as: UTF8.self)
            guard given[name] == nil,
                  let values = allowedValues[name],
                  values.contains(value)
            else { return nil }
            given[name] = value
        }
        for metric in baseMetrics where given[metric] == nil {
            return nil
        }
        return given
    }

    // MARK: - Effective metric values

    /// The value in force for each metric that takes part in the score.
    private struct Effective {
        let av, ac, at, pr, ui: String
        let vc, vi, va, sc, si, sa: String
        let e, cr, ir, ar: String

        init(_ given: [String: String]) {
            // A modified metric other than X replaces the base one.
            func resolved(_ base: String) -> String {
                if let modified = given["M" + base], modified != "X" { return modified }
                return given[base] ?? ""
            }
            // Threat/requirement metrics: absent or X take the default.
            func defaulted(_ name: String, _ fallback: String) -> String {
                guard let value = given[name], value != "X" else { return fallback }
                return value
            }
            av = resolved("AV"); ac = resolved("AC"); at = resolved("AT")
            pr = resolved("PR"); ui = resolved("UI")
            vc = resolved("VC"); vi = resolved("VI"); va = resolved("VA")
            sc = resolved("SC"); si = resolved("SI"); sa = resolved("SA")
            e = defaulted("E", "A")
            cr = defaulted("CR", "H"); ir = defaulted("IR", "H"); ar = defaulted("AR", "H")
        }

        func value(of metric: String) -> String {
            switch metric {
            case "AV": return av
            case "AC": return ac
            case "AT": return at
            case "PR": return pr
            case "UI": return ui
            case "VC": return vc
            case "VI": return vi
            case "VA": return va
            case "SC": return sc
            case "SI": return si
            case "SA": return sa
            case "E": return e
            case "CR": return cr
            case "IR": return ir
            case "AR": return ar
            default: return ""
            }
        }
    }

    // MARK: - Macro vector

    private struct MacroVector: Hashable {
        var eq1, eq2, eq3, eq4, eq5, eq6: Int

        var key: String { "\(eq1)\(eq2)\(eq3)\(eq4)\(eq5)\(eq6)" }

        init(eq1: Int, eq2: Int, eq3: Int, eq4: Int, eq5: Int, eq6: Int) {
            (self.eq1, self.eq2, self.eq3, self.eq4, self.eq5, self.eq6) = (eq1, eq2, eq3, eq4, eq5, eq6)
        }

        init(_ m: Effective) {
            // EQ1: AV/PR/UI
            if m.av == "N" && m.pr == "N" && m.ui == "N" {
                eq1 = 0
            } else if (m.av == "N" || m.pr == "N" || m.ui == "N") && m.av != "P" {
                eq1 = 1
            } else {
                eq1 = 2
            }
            // EQ2: AC/AT
            eq2 = (m.ac == "L" && m.at == "N") ? 0 : 1
            // EQ3: VC/VI/VA
            if m.vc == "H" && m.vi == "H" {
                eq3 = 0
            } else if m.vc == "H" || m.vi == "H" || m.va == "H" {
                eq3 = 1
            } else {
                eq3 = 2
            }
            // EQ4: SC/SI/SA (S can only come from MSI/MSA)
            if m.si == "S" || m.sa == "S" {
                eq4 = 0
            } else if m.sc == "H" || m.si == "H" || m.sa == "H" {
                eq4 = 1
            } else {
                eq4 = 2
            }
            // EQ5: E
            switch m.e {
            case "A": eq5 = 0
            case "P": eq5 = 1
            default: eq5 = 2
            }
            // EQ6: CR/IR/AR against VC/VI/VA
            let highRequirementMet = (m.cr == "H" && m.vc == "H")
                || (m.ir == "H" && m.vi == "H")
                || (m.ar == "H" && m.va == "H")
            eq6 = highRequirementMet ? 0 : 1
        }
    }

    /// Score of every macro vector "EQ1 EQ2 EQ3 EQ4 EQ5 EQ6", as published by
    /// FIRST with the CVSS v4.0 specification (270 entries; EQ3=2 only exists
    /// with EQ6=1).
    private static let macroVectorScores: [String: Double] = [
        "000000": 10, "000001": 9.9, "000010": 9.8, "000011": 9.5, "000020": 9.5, "000021": 9.2,
        "000100": 10, "000101": 9.6, "000110": 9.3, "000111": 8.7, "000120": 9.1, "000121": 8.1,
        "000200": 9.3, "000201": 9, "000210": 8.9, "000211": 8, "000220": 8.1, "000221": 6.8,
        "001000": 9.8, "001001": 9.5, "001010": 9.5, "001011": 9.2, "001020": 9, "001021": 8.4,
        "001100": 9.3, "001101": 9.2, "001110": 8.9, "001111": 8.1, "001120": 8.1, "001121": 6.5,
        "001200": 8.8, "001201": 8, "001210": 7.8, "001211": 7, "001220": 6.9, "001221": 4.8,
        "002001": 9.2, "002011": 8.2, "002021": 7.2, "002101": 7.9, "002111": 6.9, "002121": 5,
        "002201": 6.9, "002211": 5.5, "002221": 2.7,
        "010000": 9.9, "010001": 9.7, "010010": 9.5, "010011": 9.2, "010020": 9.2, "010021": 8.5,
        "010100": 9.5, "010101": 9.1, "010110": 9, "010111": 8.3, "010120": 8.4, "010121": 7.1,
        "010200": 9.2, "010201": 8.1, "010210": 8.2, "010211": 7.1, "010220": 7.2, "010221": 5.3,
        "011000": 9.5, "011001": 9.3, "011010": 9.2, "011011": 8.5, "011020": 8.5, "011021": 7.3,
        "011100": 9.2, "011101": 8.2, "011110": 8, "011111": 7.2, "011120": 7, "011121": 5.9,
        "011200": 8.4, "011201": 7, "011210": 7.1, "011211": 5.2, "011220": 5, "011221": 3,
        "012001": 8.6, "012011": 7.5, "012021": 5.2, "012101": 7.1, "012111": 5.2, "012121": 2.9,
        "012201": 6.3, "012211": 2.9, "012221": 1.7,
        "100000": 9.8, "100001": 9.5, "100010": 9.4, "100011": 8.7, "100020": 9.1, "100021": 8.1,
        "100100": 9.4, "100101": 8.9, "100110": 8.6, "100111": 7.4, "100120": 7.7, "100121": 6.4,
        "100200": 8.7, "100201": 7.5, "100210": 7.4, "100211": 6.3, "100220": 6.3, "100221": 4.9,
        "101000": 9.4, "101001": 8.9, "101010": 8.8, "101011": 7.7, "101020": 7.6, "101021": 6.7,
        "101100": 8.6, "101101": 7.6, "101110": 7.4, "101111": 5.8, "101120": 5.9, "101121": 5,
        "101200": 7.2, "101201": 5.7, "101210": 5.7, "101211": 5.2, "101220": 5.2, "101221": 2.5,
        "102001": 8.3, "102011": 7, "102021": 5.4, "102101": 6.5, "102111": 5.8, "102121": 2.6,
        "102201": 5.3, "102211": 2.1, "102221": 1.3,
        "110000": 9.5, "110001": 9, "110010": 8.8, "110011": 7.6, "110020": 7.6, "110021": 7,
        "110100": 9, "110101": 7.7, "110110": 7.5, "110111": 6.2, "110120": 6.1, "110121": 5.3,
        "110200": 7.7, "110201": 6.6, "110210": 6.8, "110211": 5.9, "110220": 5.2, "110221": 3,
        "111000": 8.9, "111001": 7.8, "111010": 7.6, "111011": 6.7, "111020": 6.2, "111021": 5.8,
        "111100": 7.4, "111101": 5.9, "111110": 5.7, "111111": 5.7, "111120": 4.7, "111121": 2.3,
        "111200": 6.1, "111201": 5.2, "111210": 5.7, "111211": 2.9, "111220": 2.4, "111221": 1.6,
        "112001": 7.1, "112011": 5.9, "112021": 3, "112101": 5.8, "112111": 2.6, "112121": 1.5,
        "112201": 2.3, "112211": 1.3, "112221": 0.6,
        "200000": 9.3, "200001": 8.7, "200010": 8.6, "200011": 7.2, "200020": 7.5, "200021": 5.8,
        "200100": 8.6, "200101": 7.4, "200110": 7.4, "200111": 6.1, "200120": 5.6, "200121": 3.4,
        "200200": 7, "200201": 5.4, "200210": 5.2, "200211": 4, "200220": 4, "200221": 2.2,
        "201000": 8.5, "201001": 7.5, "201010": 7.4, "201011": 5.5, "201020": 6.2, "201021": 5.1,
        "201100": 7.2, "201101": 5.7, "201110": 5.5, "201111": 4.1, "201120": 4.6, "201121": 1.9,
        "201200": 5.3, "201201": 3.6, "201210": 3.4, "201211": 1.9, "201220": 1.9, "201221": 0.8,
        "202001": 6.4, "202011": 5.1, "202021": 2, "202101": 4.7, "202111": 2.1, "202121": 1.1,
        "202201": 2.4, "202211": 0.9, "202221": 0.4,
        "210000": 8.8, "210001": 7.5, "210010": 7.3, "210011": 5.3, "210020": 6, "210021": 5,
        "210100": 7.3, "210101": 5.5, "210110": 5.9, "210111": 4, "210120": 4.1, "210121": 2,
        "210200": 5.4, "210201": 4.3, "210210": 4.5, "210211": 2.2, "210220": 2, "210221": 1.1,
        "211000": 7.5, "211001": 5.5, "211010": 5.8, "211011": 4.5, "211020": 4, "211021": 2.1,
        "211100": 6.1, "211101": 5.1, "211110": 4.8, "211111": 1.8, "211120": 2, "211121": 0.9,
        "211200": 4.6, "211201": 1.8, "211210": 1.7, "211211": 0.7, "211220": 0.8, "211221": 0.2,
        "212001": 5.3, "212011": 2.4, "212021": 1.4, "212101": 2.4, "212111": 1.2, "212121": 0.5,
        "212201": 1, "212211": 0.3, "212221": 0.1,
    ]

    private static func tableScore(_ macro: MacroVector) -> Double? {
        macroVectorScores[macro.key]
    }

    // MARK: - Severity distances

    /// Severity level of each metric value (0 = most severe), in steps of 0.1.
    private static let severityLevel: [String: [String: Double]] = [
        "AV": ["N": 0.0, "A": 0.1, "L": 0.2, "P": 0.3],
        "PR": ["N": 0.0, "L": 0.1, "H": 0.2],
        "UI": ["N": 0.0, "P": 0.1, "A": 0.2],
        "AC": ["L": 0.0, "H": 0.1],
        "AT": ["N": 0.0, "P": 0.1],
        "VC": ["H": 0.0, "L": 0.1, "N": 0.2],
        "VI": ["H": 0.0, "L": 0.1, "N": 0.2],
        "VA": ["H": 0.0, "L": 0.1, "N": 0.2],
        "SC": ["H": 0.1, "L": 0.2, "N": 0.3],
        "SI": ["S": 0.0, "H": 0.1, "L": 0.2, "N": 0.3],
        "SA": ["S": 0.0, "H": 0.1, "L": 0.2, "N": 0.3],
        "CR": ["H": 0.0, "M": 0.1, "L": 0.2],
        "IR": ["H": 0.0, "M": 0.1, "L": 0.2],
        "AR": ["H": 0.0, "M": 0.1, "L": 0.2],
    ]

    /// One group of metrics whose distances are summed (EQ1, EQ2, EQ3+EQ6, EQ4).
    private struct DistanceGroup {
        /// Metrics of the group, in the order their distances are added.
        let metrics: [String]
        /// Highest-severity vectors of the group for the macro vector at hand.
        let candidates: [[String: String]]
        /// Maximal severity depth of the group (in units of 0.1).
        let depth: Int
    }

    private static func vectors(_ texts: [String]) -> [[String: String]] {
        texts.map { text in
            var metrics: [String: String] = [:]
            for field in text.split(separator: "/") {
                let parts = field.split(separator: ":")
                if parts.count == 2 { metrics[String(parts[0])] = String(parts[1]) }
            }
            return metrics
        }
    }

    /// Highest-severity vectors and depths per EQ level (CVSS v4.0 specification).
    private static func groups(for macro: MacroVector) -> [DistanceGroup] {
        let eq1: DistanceGroup
        switch macro.eq1 {
        case 0: eq1 = DistanceGroup(metrics: ["AV", "PR", "UI"],
                                    candidates: vectors(["AV:N/PR:N/UI:N"]), depth: 1)
        case 1: eq1 = DistanceGroup(metrics: ["AV", "PR", "UI"],
                                    candidates: vectors(["AV:A/PR:N/UI:N", "AV:N/PR:L/UI:N", "AV:N/PR:N/UI:P"]),
                                    depth: 4)
        default: eq1 = DistanceGroup(metrics: ["AV", "PR", "UI"],
                                     candidates: vectors(["AV:P/PR:N/UI:N", "AV:A/PR:L/UI:P"]), depth: 5)
        }

        let eq2: DistanceGroup
        if macro.eq2 == 0 {
            eq2 = DistanceGroup(metrics: ["AC", "AT"], candidates: vectors(["AC:L/AT:N"]), depth: 1)
        } else {
            eq2 = DistanceGroup(metrics: ["AC", "AT"], candidates: vectors(["AC:H/AT:N", "AC:L/AT:P"]), depth: 2)
        }

        let eq36Metrics = ["VC", "VI", "VA", "CR", "IR", "AR"]
        let eq36: DistanceGroup
        switch (macro.eq3, macro.eq6) {
        case (0, 0):
            eq36 = DistanceGroup(metrics: eq36Metrics,
                                 candidates: vectors(["VC:H/VI:H/VA:H/CR:H/IR:H/AR:H"]), depth: 7)
        case (0, _):
            eq36 = DistanceGroup(metrics: eq36Metrics,
                                 candidates: vectors(["VC:H/VI:H/VA:L/CR:M/IR:M/AR:H",
                                                      "VC:H/VI:H/VA:H/CR:M/IR:M/AR:M"]), depth: 6)
        case (1, 0):
            eq36 = DistanceGroup(metrics: eq36Metrics,
                                 candidates: vectors(["VC:L/VI:H/VA:H/CR:H/IR:H/AR:H",
                                                      "VC:H/VI:L/VA:H/CR:H/IR:H/AR:H"]), depth: 8)
        case (1, _):
            eq36 = DistanceGroup(metrics: eq36Metrics,
                                 candidates: vectors(["VC:L/VI:H/VA:L/CR:H/IR:M/AR:H",
                                                      "VC:L/VI:H/VA:H/CR:H/IR:M/AR:M",
                                                      "VC:H/VI:L/VA:H/CR:M/IR:H/AR:M",
                                                      "VC:H/VI:L/VA:L/CR:M/IR:H/AR:H",
                                                      "VC:L/VI:L/VA:H/CR:H/IR:H/AR:M"]), depth: 8)
        default:
            eq36 = DistanceGroup(metrics: eq36Metrics,
                                 candidates: vectors(["VC:L/VI:L/VA:L/CR:H/IR:H/AR:H"]), depth: 10)
        }

        let eq4: DistanceGroup
        switch macro.eq4 {
        case 0: eq4 = DistanceGroup(metrics: ["SC", "SI", "SA"], candidates: vectors(["SC:H/SI:S/SA:S"]), depth: 6)
        case 1: eq4 = DistanceGroup(metrics: ["SC", "SI", "SA"], candidates: vectors(["SC:H/SI:H/SA:H"]), depth: 5)
        default: eq4 = DistanceGroup(metrics: ["SC", "SI", "SA"], candidates: vectors(["SC:L/SI:L/SA:L"]), depth: 4)
        }
        return [eq1, eq2, eq36, eq4]
    }

    /// Per-metric distances of `m` from `candidate` (current level minus
    /// candidate level), in the group's metric order.
    private static func distances(_ m: Effective, from candidate: [String: String], metrics: [String]) -> [Double] {
        metrics.map { metric in
            let levels = severityLevel[metric] ?? [:]
            let current = levels[m.value(of: metric)] ?? 0
            let reference = levels[candidate[metric] ?? ""] ?? 0
            return current - reference
        }
    }

    /// Summed distance per group. Within each group the first highest-severity
    /// vector that `m` does not exceed on any metric is used. Should some group
    /// have no such vector, the last candidate of every group is used (the
    /// behaviour of the FIRST reference calculator's search loop).
    private static func groupDistances(_ m: Effective, _ groups: [DistanceGroup]) -> [Double] {
        var chosen: [[Double]] = []
        var allFound = true
        for group in groups {
            let found = group.candidates.lazy
                .map { distances(m, from: $0, metrics: group.metrics) }
                .first { $0.allSatisfy { $0 >= 0 } }
            if let found {
                chosen.append(found)
            } else {
                allFound = false
                break
            }
        }
        if !allFound {
            chosen = groups.map { group in
                distances(m, from: group.candidates.last ?? [:], metrics: group.metrics)
            }
        }
        return chosen.map { parts in parts.dropFirst().reduce(parts.first ?? 0, +) }
    }

    // MARK: - Score

    private static func scoreOf(_ m: Effective) -> Double? {
        // No impact at all on either system.
        if [m.vc, m.vi, m.va, m.sc, m.si, m.sa].allSatisfy({ $0 == "N" }) {
            return 0.0
        }

        let macro = MacroVector(m)
        guard let macroScore = tableScore(macro) else { return nil }

        // Score of the next lower macro vector along each EQ (nil: none exists).
        var lower1 = macro; lower1.eq1 += 1
        var lower2 = macro; lower2.eq2 += 1
        var lower4 = macro; lower4.eq4 += 1
        var lower5 = macro; lower5.eq5 += 1
        let lowerEq36: Double?
        switch (macro.eq3, macro.eq6) {
        case (0, 0):
            // Two ways down: take the higher of them.
            var viaEq6 = macro; viaEq6.eq6 += 1
            var viaEq3 = macro; viaEq3.eq3 += 1
            switch (tableScore(viaEq6), tableScore(viaEq3)) {
            case let (a?, b?): lowerEq36 = max(a, b)
            case (nil, _): lowerEq36 = nil
            case let (a?, nil): lowerEq36 = a
            }
        case (1, 0):
            var next = macro; next.eq6 += 1
            lowerEq36 = tableScore(next)
        case (0, 1), (1, 1):
            var next = macro; next.eq3 += 1
            lowerEq36 = tableScore(next)
        default:
            var next = macro; next.eq3 += 1; next.eq6 += 1
            lowerEq36 = tableScore(next)
        }

        let groupList = groups(for: macro)
        let distance = groupDistances(m, groupList)
        let lowerScores = [tableScore(lower1), tableScore(lower2), lowerEq36, tableScore(lower4)]

        var corrections: [Double] = []
        var lowerCount = 0
        for index in 0..<4 {
            guard let lower = lowerScores[index] else { continue }
            let available = macroScore - lower
            guard available >= 0 else { continue }
            lowerCount += 1
            let maxSeverity = Double(groupList[index].depth) * 0.1
            corrections.append(available * (distance[index] / maxSeverity))
        }
        // EQ5 (exploit maturity) counts as a step but never moves the score.
        if let lower = tableScore(lower5), macroScore - lower >= 0 {
            lowerCount += 1
            corrections.append(0)
        }

        var value = macroScore
        if lowerCount > 0 {
            let total = corrections.dropFirst().reduce(corrections.first ?? 0, +)
            value -= total / Double(lowerCount)
        }
        value = min(10.0, max(0.0, value))
        return roundedToTenth(value)
    }

    /// Round half up to one decimal, on the exact binary value of
    /// `x + 0.000001` (the small nudge absorbs floating-point noise such as
    /// 1.4499999999999993). Fused multiply-add gives the exact sign of
    /// `10 * y - c`, so no decision here suffers from rounding.
    private static func roundedToTenth(_ x: Double) -> Double {
        let y = x + 1e-6
        var tenths = (y * 10).rounded(.down)
        // Make `tenths` the exact floor of 10*y.
        while (-tenths).addingProduct(y, 10) < 0 { tenths -= 1 }
        while (-(tenths + 1)).addingProduct(y, 10) >= 0 { tenths += 1 }
        if (-(tenths + 0.5)).addingProduct(y, 10) >= 0 { tenths += 1 }
        return tenths / 10
    }
}
