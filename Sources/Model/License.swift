import Foundation

/// Declared licences, normalised to SPDX where the text says so unambiguously; otherwise the text
/// as written is kept. Nothing is guessed: `Apache Software License` (no version), `BSD` or `GPL`
/// stay as written.
public enum LicenseText {
    /// Lowercased id → canonical SPDX spelling (ids match case-insensitively, SPDX spec annex D).
    private static let canonical: [String: String] = {
        var map: [String: String] = [:]
        for id in SPDXLicenseList.identifiers { map[id.lowercased()] = id }
        return map
    }()

    /// Names packages write for a licence that have exactly one SPDX meaning (lowercased, with
    /// runs of spaces, commas and a leading "the " removed by `key`).
    private static let aliases: [String: String] = [
        "mit license": "MIT", "mit licence": "MIT", "mit/x11": "MIT", "expat": "MIT", "expat license": "MIT",
        "apache 2": "Apache-2.0", "apache 2.0": "Apache-2.0", "apache-2": "Apache-2.0", "apache2": "Apache-2.0",
        "apache license 2.0": "Apache-2.0", "apache license version 2.0": "Apache-2.0", "apache license v2.0": "Apache-2.0",
        "apache software license version 2.0": "Apache-2.0", "apache software license 2.0": "Apache-2.0",
        "apache license version 2": "Apache-2.0", "asl 2.0": "Apache-2.0", "apache public license 2.0": "Apache-2.0",
        "apache 2.0 license": "Apache-2.0", "apache-2.0 license": "Apache-2.0",
        "bsd 2-clause": "BSD-2-Clause", "bsd-2": "BSD-2-Clause", "simplified bsd": "BSD-2-Clause",
        "bsd 3-clause": "BSD-3-Clause", "bsd-3": "BSD-3-Clause", "new bsd": "BSD-3-Clause", "new bsd license": "BSD-3-Clause",
        "revised bsd": "BSD-3-Clause", "modified bsd": "BSD-3-Clause", "bsd 3-clause license": "BSD-3-Clause",
        "bsd 2-clause license": "BSD-2-Clause", "3-clause bsd": "BSD-3-Clause", "3-clause bsd license": "BSD-3-Clause",
        "isc license": "ISC", "isc license (iscl)": "ISC", "iscl": "ISC",
        "mozilla public license 2.0": "MPL-2.0", "mozilla public license version 2.0": "MPL-2.0", "mpl 2.0": "MPL-2.0",
        "mozilla public license 2.0 (mpl 2.0)": "MPL-2.0", "mozilla public license 1.1 (mpl 1.1)": "MPL-1.1",
        "eclipse public license 1.0": "EPL-1.0", "eclipse public license - v 1.0": "EPL-1.0", "eclipse public license v1.0": "EPL-1.0",
        "eclipse public license 2.0": "EPL-2.0", "eclipse public license - v 2.0": "EPL-2.0", "eclipse public license v2.0": "EPL-2.0",
        "eclipse distribution license - v 1.0": "BSD-3-Clause", "edl 1.0": "BSD-3-Clause",
        "python software foundation license": "PSF-2.0", "psf license": "PSF-2.0", "psfl": "PSF-2.0",
        "the unlicense (unlicense)": "Unlicense", "unlicense": "Unlicense",
        "cc0 1.0 universal (cc0 1.0) public domain dedication": "CC0-1.0", "cc0 1.0 universal": "CC0-1.0",
        "gnu general public license v2 (gplv2)": "GPL-2.0-only", "gnu general public license v2 or later (gplv2+)": "GPL-2.0-or-later",
        "gnu general public license v3 (gplv3)": "GPL-3.0-only", "gnu general public license v3 or later (gplv3+)": "GPL-3.0-or-later",
        "gnu lesser general public license v2 (lgplv2)": "LGPL-2.0-only", "gnu lesser general public license v2 or later (lgplv2+)": "LGPL-2.0-or-later",
        "gnu lesser general public license v3 (lgplv3)": "LGPL-3.0-only", "gnu lesser general public license v3 or later (lgplv3+)": "LGPL-3.0-or-later",
        "gnu affero general public license v3": "AGPL-3.0-only", "gnu affero general public license v3 or later (agplv3+)": "AGPL-3.0-or-later",
        "historical permission notice and disclaimer (hpnd)": "HPND", "zlib/libpng license": "Zlib", "zlib license": "Zlib",
        "boost software license 1.0 (bsl-1.0)": "BSL-1.0", "boost software license 1.0": "BSL-1.0",
        "universal permissive license (upl)": "UPL-1.0", "mit no attribution license (mit-0)": "MIT-0",
        "common development and distribution license 1.0": "CDDL-1.0", "cddl 1.0": "CDDL-1.0",
    ]

    private static func key(_ text: String) -> String {
        var out = ""
        var lastSpace = false
        for character in text.lowercased() {
            if character == "," { continue }
            if character == " " || character == "\t" {
                if !lastSpace && !out.isEmpty { out.append(" ") }
                lastSpace = true
            } else {
                out.append(character)
                lastSpace = false
            }
        }
        if out.hasSuffix(" ") { out.removeLast() }
        if out.hasPrefix("the ") { out.removeFirst(4) }
        return out
    }

    /// The SPDX id or expression `raw` stands for, else `raw` trimmed; nil for "no licence stated"
    /// placeholders (`UNKNOWN`, `NOASSERTION`, empty).
    public static func normalize(_ raw: String) -> String? {
        let text = raw.trimmingWhitespace
        guard !text.isEmpty, !["unknown", "noassertion", "none", "n/a"].contains(text.lowercased()) else { return nil }
        if let id = canonical[text.lowercased()] { return id }
        if let expression = canonicalExpression(text) { return expression }
        if let id = aliases[key(text)] { return id }
        return text
    }

    /// A `License :: …` trove classifier's licence; nil for the bare `OSI Approved` marker.
    public static func fromClassifier(_ classifier: String) -> String? {
        let parts = classifier.components(separatedBy: "::").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.first == "License", let last = parts.last, parts.count >= 2, last != "OSI Approved" else { return nil }
        if let id = aliases[key(last)] { return id }
        // "Eclipse Public License 2.0 (EPL-2.0)": the classifier names its SPDX id in parentheses.
        if let open = last.lastIndex(of: "("), last.hasSuffix(")") {
            let inner = String(last[last.index(after: open)..<last.index(before: last.endIndex)])
            if let id = canonical[inner.lowercased()] { return id }
        }
        return normalize(last)
    }

    /// Whether `text` is exactly one id of the SPDX licence list (CycloneDX `license.id`).
    public static func isSPDXIdentifier(_ text: String) -> Bool { canonical[text.lowercased()] == text }

    /// Whether `text` is an SPDX expression of listed ids and `LicenseRef-`s with AND, OR, WITH
    /// (CycloneDX `expression`). A single id is one too, but reports write it as an id.
    public static func isSPDXExpression(_ text: String) -> Bool { canonicalExpression(text) == text }

    /// `text` with every id in its canonical case, if it is an SPDX expression (at least one operator).
    private static func canonicalExpression(_ text: String) -> String? {
        var tokens: [String] = []
        var current = ""
        for character in text {
            if character == "(" || character == ")" || character == " " {
                if !current.isEmpty { tokens.append(current); current = "" }
                if character != " " { tokens.append(String(character)) }
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { tokens.append(current) }
        var out: [String] = []
        var depth = 0
        var expectOperand = true
        var operators = 0
        for token in tokens {
            let upper = token.uppercased()
            if token == "(" {
                guard expectOperand else { return nil }
                depth += 1
                out.append(token)
            } else if token == ")" {
                guard !expectOperand, depth > 0 else { return nil }
                depth -= 1
                out.append(token)
            } else if upper == "AND" || upper == "OR" || upper == "WITH" {
                guard !expectOperand else { return nil }
                operators += 1
                out.append(upper)
                expectOperand = true
            } else {
                guard expectOperand else { return nil }
                var operand = token
                let plus = operand.hasSuffix("+")
                if plus { operand.removeLast() }
                if operand.hasPrefix("LicenseRef-") || operand.hasPrefix("DocumentRef-") {
                    out.append(token)
                } else if let id = canonical[operand.lowercased()] {
                    out.append(id + (plus ? "+" : ""))
                } else {
                    return nil
                }
                expectOperand = false
            }
        }
        guard depth == 0, !expectOperand, operators > 0 else { return nil }
        // Spaces around operators, none inside parentheses: the usual SPDX spelling.
        var rendered = ""
        for token in out {
            if token == ")" { rendered += ")"; continue }
            if !rendered.isEmpty && !rendered.hasSuffix("(") { rendered += " " }
            rendered += token
        }
        return rendered
    }
}
