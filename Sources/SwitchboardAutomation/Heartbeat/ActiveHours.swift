public import Foundation

/// A daily window in local time (`activeHours: {start: "08:00", end: "24:00", timezone}`):
/// outside it periodic heartbeats are skipped. An end before the start wraps past midnight;
/// equal start and end mean all day.
public struct ActiveHours: Sendable, Hashable {
    /// Minutes after midnight.
    public var startMinute: Int
    public var endMinute: Int
    /// An IANA zone name, or nil for the gateway host's zone (`local`).
    public var timezone: String?

    public init(startMinute: Int, endMinute: Int, timezone: String? = nil) {
        self.startMinute = startMinute
        self.endMinute = endMinute
        self.timezone = timezone
    }

    /// `HH:MM` from 00:00 to 23:59 (and `24:00` as an end) to minutes, or a description of what is wrong.
    public static func minutes(_ text: String, isEnd: Bool) -> Result<Int, ActiveHoursProblem> {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]), (0...59).contains(minute)
        else { return .failure(.init(message: "\"\(text.prefix(20))\" is not a time: expected HH:MM (24-hour)")) }
        if hour == 24 && minute == 0 && isEnd { return .success(24 * 60) }
        guard (0...23).contains(hour) else {
            return .failure(.init(message: "\"\(text)\" is not a time: hours run 00–23\(isEnd ? " (24:00 is allowed as an end)" : "")"))
        }
        return .success(hour * 60 + minute)
    }

    /// The zone to read the clock in; nil when `timezone` names no zone this system knows.
    public static func zone(_ name: String?) -> TimeZone? {
        guard let name, !name.isEmpty, name != "local", name != "user" else { return .current }
        return TimeZone(identifier: name)
    }

    /// Whether `nowMs` falls inside the window.
    public func contains(nowMs: Int64) -> Bool {
        if startMinute == endMinute { return true }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = Self.zone(timezone) ?? .current
        let parts = calendar.dateComponents([.hour, .minute], from: Date(timeIntervalSince1970: Double(nowMs) / 1000))
        let current = (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
        if endMinute > startMinute { return current >= startMinute && current < endMinute }
        return current >= startMinute || current < endMinute
    }
}

public struct ActiveHoursProblem: Error, Equatable {
    public var message: String
}
