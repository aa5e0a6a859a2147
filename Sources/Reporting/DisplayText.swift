/// Untrusted text (package names, versions, archive entry names, advisory text) made safe for
/// people's screens: a lockfile must not be able to move the cursor, recolour the terminal, set
/// its title, or forge a line such as "No known vulnerabilities found." beside real findings.
public enum DisplayText {
    /// C0 and C1 control characters, DEL, and the bidirectional overrides that reorder what is
    /// shown (Trojan Source) become visible escapes (`\e`, `\n`, `\u{202E}`). With
    /// `keepingLineBreaks`, `\n` and `\t` stay (multi-line advisory details).
    public static func escaped(_ text: String, keepingLineBreaks: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: { needsEscape($0, keepingLineBreaks) }) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar, keepingLineBreaks) else {
                out.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{1B}": out += "\\e"
            default: out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            }
        }
        return out
    }

    private static func needsEscape(_ scalar: Unicode.Scalar, _ keepingLineBreaks: Bool) -> Bool {
        let v = scalar.value
        if keepingLineBreaks && (v == 0x0A || v == 0x09) { return false }
        return v < 0x20 || (0x7F...0x9F).contains(v) || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
            || v == 0x200E || v == 0x200F || v == 0x061C
    }

    /// Escaped, then Markdown's inline syntax neutralised with backslashes, so text cannot open a
    /// link, an image, emphasis, HTML or a table cell in a pull-request comment.
    public static func markdown(_ text: String) -> String {
        var out = ""
        for character in escaped(text) {
            if "\\`*_[]<>|~".contains(character) { out.append("\\") }
            out.append(character)
        }
        return out
    }

    /// A Markdown code span that holds `text` whatever backticks it contains (the fence is longer
    /// than any run inside), with `|` escaped for tables.
    public static func markdownCode(_ text: String) -> String {
        let content = escaped(text).replacingOccurrences(of: "|", with: "\\|")
        var longest = 0, run = 0
        for character in content {
            run = character == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: longest + 1)
        let padded = content.hasPrefix("`") || content.hasSuffix("`") ? " \(content) " : content
        return fence + padded + fence
    }
}
