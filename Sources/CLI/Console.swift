import ArgumentParser
import Foundation
import FnauditReporting

/// Errors that end a command with exit code 2 (usage or input error) and a one-line message.
enum CLIError: Error, CustomStringConvertible {
    case input(String)
    var description: String {
        switch self {
        case .input(let message): return message
        }
    }
}

/// Messages on stderr, one line each, prefixed so they stand out in CI logs. They quote file and
/// entry names, so control characters are escaped: a message is always exactly one line.
enum Console {
    static func error(_ message: String) { write("fnaudit: error: \(DisplayText.escaped(message))\n") }
    static func warn(_ message: String) { write("fnaudit: warning: \(DisplayText.escaped(message))\n") }
    static func note(_ message: String) { write("fnaudit: \(DisplayText.escaped(message))\n") }

    private static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}

enum ByteFormat {
    static func megabytes(_ bytes: Int64) -> String { String(format: "%.1f MB", Double(bytes) / 1_000_000) }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
