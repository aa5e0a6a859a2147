import Foundation

/// Dates as `YYYY-MM-DD` in UTC: suppression expiry, snapshot ages.
public enum CalendarDay {
    private static func formatter() -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter
    }

    public static func today() -> String { formatter().string(from: Date()) }

    /// `YYYY-MM-DD` minus one day, nil if it is not a date (an exclusive end date made inclusive).
    public static func dayBefore(_ date: String) -> String? {
        guard date.range(of: #"^\d{4}-\d{2}-\d{2}$"#, options: .regularExpression) != nil,
              let day = formatter().date(from: date) else { return nil }
        return formatter().string(from: day.addingTimeInterval(-86_400))
    }

    /// Whole days from an ISO 8601 date (or date-time) to now; nil if it is not a date.
    public static func daysSince(_ date: String) -> Int? {
        guard let day = formatter().date(from: String(date.prefix(10))) else { return nil }
        return Int(Date().timeIntervalSince(day) / 86_400)
    }
}
