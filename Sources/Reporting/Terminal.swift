import Foundation

/// What the terminal allows, decided in one place: colour on stdout, redrawing on stderr.
public enum Terminal {
    private static var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// Colour only on a terminal, and never when `NO_COLOR` is set to anything non-empty.
    public static var colourOnStandardOutput: Bool {
        isatty(1) == 1 && environment["NO_COLOR"].map(\.isEmpty) != false
    }

    /// The width to fit: `$COLUMNS`, else the terminal's, else 80.
    public static var columns: Int {
        if let text = environment["COLUMNS"], let value = Int(text), value > 0 { return value }
        var size = winsize()
        if isatty(1) == 1, ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return 80
    }

    /// A progress bar only on an interactive stderr: not in pipes, CI logs or dumb terminals.
    public static var standardErrorIsInteractive: Bool {
        isatty(2) == 1 && environment["CI"] == nil && environment["TERM"] != "dumb"
    }
}

/// The JSON formatting every JSON output shares: pretty, sorted keys, slashes as written, final newline.
public enum JSONOutput {
    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        try text(JSONTreeEncoder.node(for: value, at: []), pretty: true)
    }

    /// One compact line (JSON Lines).
    public static func encodeLine<T: Encodable>(_ value: T) throws -> Data {
        try text(JSONTreeEncoder.node(for: value, at: []), pretty: false)
    }

    static func text(_ node: JSONNode, pretty: Bool) -> Data {
        var writer = JSONWriter(pretty: pretty)
        writer.write(node)
        return Data(writer.bytes + [0x0A])
    }
}
