import ArgumentParser
import Foundation

/// Errors that end a command with exit code 2 (usage or input error) and a one-line message.
enum CLIError: Error, CustomStringConvertible {
    case input(String)
    var description: String {
        switch self {
        case .input(let message): return message
        }
    }
}

/// Messages on stderr, one line each, prefixed so they stand out in CI logs.
enum Console {
    static func error(_ message: String) { write("fnaudit: error: \(message)\n") }
    static func warn(_ message: String) { write("fnaudit: warning: \(message)\n") }
    static func note(_ message: String) { write("fnaudit: \(message)\n") }

    private static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    static func writeJSON<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(value)
        data.append(0x0A)
        FileHandle.standardOutput.write(data)
    }
}

enum ByteFormat {
    static func megabytes(_ bytes: Int64) -> String { String(format: "%.1f MB", Double(bytes) / 1_000_000) }
}

enum SnapshotAge {
    /// Whole days from an ISO 8601 date (or date-time) to now.
    static func days(_ date: String) -> Int? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        guard let day = formatter.date(from: String(date.prefix(10))) else { return nil }
        return Int(Date().timeIntervalSince(day) / 86_400)
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
