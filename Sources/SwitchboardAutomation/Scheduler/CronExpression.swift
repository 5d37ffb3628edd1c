import SwitchboardProtocol

/// A standard five-field cron expression: `minute hour day-of-month month day-of-week`.
///
/// - Fields take `*`, a value, a range `a-b`, a step `*/n`, `a-b/n` or `a/n` (from `a` to the
///   field's end), and comma lists of these. `?` is `*` in the day fields.
/// - Months take `JAN`…`DEC`, days of the week `SUN`…`SAT` (any case). Day of week 0 and 7 are
///   both Sunday, so `5-7` is Friday to Sunday — Clara compared Monday-based weekdays with
///   Sunday-based cron and ran every weekday job a day late.
/// - When both day fields are restricted (neither starts with `*`), a day matches if **either**
///   matches (`0 9 1 * MON`: the 1st of each month and every Monday), as in Vixie cron; if
///   either starts with `*`, both must match.
/// - Macros: `@yearly` (`@annually`), `@monthly`, `@weekly`, `@daily` (`@midnight`), `@hourly`.
///
/// An expression that can never fire (`0 0 30 2 *`) is refused when parsed.
public struct CronExpression: Sendable, Hashable, CustomStringConvertible {
    /// The text as given.
    public let source: String
    let minutes: UInt64  // bits 0...59
    let hours: UInt32  // bits 0...23
    let days: UInt32  // bits 1...31
    let months: UInt16  // bits 1...12
    let weekdays: UInt8  // bits 0...6, Sunday = 0
    let dayOfMonthStar: Bool
    let dayOfWeekStar: Bool

    public var description: String { source }

    /// Every hour of the day is in the expression: the job follows real time across
    /// daylight-saving changes (see ``nextFire(after:in:)``).
    var everyHour: Bool { hours == (1 << 24) - 1 }

    public init(_ text: String) throws(CronError) {
        let trimmed = String(text.trimmingBlanks)
        let expanded = try Self.expandMacro(trimmed)
        let fields = expanded.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count == 5 else {
            throw CronError(
                expression: trimmed,
                reason: "needs 5 fields (minute hour day-of-month month day-of-week), got \(fields.count)")
        }
        source = trimmed
        do {
            minutes = try CronField.minute.parse(fields[0])
            hours = UInt32(try CronField.hour.parse(fields[1]))
            days = UInt32(try CronField.dayOfMonth.parse(fields[2]))
            months = UInt16(try CronField.month.parse(fields[3]))
            let week = try CronField.dayOfWeek.parse(fields[4])
            // 7 is Sunday as well as 0.
            weekdays = UInt8((week | (week >> 7)) & 0x7F)
        } catch {
            throw CronError(expression: trimmed, reason: error.message)
        }
        dayOfMonthStar = fields[2].hasPrefix("*") || fields[2].hasPrefix("?")
        dayOfWeekStar = fields[4].hasPrefix("*") || fields[4].hasPrefix("?")
        if !canEverFire {
            throw CronError(expression: trimmed, reason: "no month has the day of the month it names, so it never fires")
        }
    }

    /// Whether the expression matches the civil date `year-month-day`.
    func matches(year: Int, month: Int, day: Int) -> Bool {
        guard months & (1 << month) != 0 else { return false }
        let dayMatch = days & (1 << day) != 0
        let weekday = CivilDate.weekday(year: year, month: month, day: day)
        let weekdayMatch = weekdays & (1 << weekday) != 0
        if dayOfMonthStar || dayOfWeekStar { return dayMatch && weekdayMatch }
        return dayMatch || weekdayMatch
    }

    /// When the day of the month alone picks the days, one of them must exist in a chosen month.
    private var canEverFire: Bool {
        guard dayOfWeekStar else { return true }
        let longest = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        for month in 1...12 where months & (1 << month) != 0 {
            for day in 1...longest[month] where days & (1 << day) != 0 { return true }
        }
        return false
    }

    private static func expandMacro(_ text: String) throws(CronError) -> String {
        guard text.hasPrefix("@") else { return text }
        switch text.lowercased() {
        case "@yearly", "@annually": return "0 0 1 1 *"
        case "@monthly": return "0 0 1 * *"
        case "@weekly": return "0 0 * * 0"
        case "@daily", "@midnight": return "0 0 * * *"
        case "@hourly": return "0 * * * *"
        default:
            throw CronError(
                expression: text, reason: "unknown macro; use @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly")
        }
    }
}

/// Why a cron expression was refused, naming the expression and the field.
public struct CronError: Error, Sendable, Equatable, CustomStringConvertible {
    public var expression: String
    public var reason: String
    public var description: String { "invalid cron expression \"\(expression)\": \(reason)" }
}

struct CronFieldError: Error {
    var message: String
}

/// One of the five fields: its name, range and value names.
struct CronField {
    let name: String
    let range: ClosedRange<Int>
    let names: [String: Int]
    let allowsQuestionMark: Bool

    static let minute = CronField(name: "minute", range: 0...59, names: [:], allowsQuestionMark: false)
    static let hour = CronField(name: "hour", range: 0...23, names: [:], allowsQuestionMark: false)
    static let dayOfMonth = CronField(name: "day-of-month", range: 1...31, names: [:], allowsQuestionMark: true)
    static let month = CronField(
        name: "month", range: 1...12,
        names: ["JAN": 1, "FEB": 2, "MAR": 3, "APR": 4, "MAY": 5, "JUN": 6, "JUL": 7, "AUG": 8, "SEP": 9, "OCT": 10, "NOV": 11, "DEC": 12],
        allowsQuestionMark: false)
    static let dayOfWeek = CronField(
        name: "day-of-week", range: 0...7,
        names: ["SUN": 0, "MON": 1, "TUE": 2, "WED": 3, "THU": 4, "FRI": 5, "SAT": 6],
        allowsQuestionMark: true)

    /// The set of values as bits (bit `n` for value `n`).
    func parse(_ text: String) throws(CronFieldError) -> UInt64 {
        var bits: UInt64 = 0
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            bits |= try parseItem(String(item))
        }
        return bits
    }

    private func parseItem(_ item: String) throws(CronFieldError) -> UInt64 {
        guard !item.isEmpty else { throw CronFieldError(message: "\(name) field has an empty list item") }
        let parts = item.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { throw CronFieldError(message: "\(name) field \"\(item)\" has more than one '/'") }
        var step = 1
        if parts.count == 2 {
            guard let value = Int(parts[1]), value > 0 else {
                throw CronFieldError(message: "\(name) field \"\(item)\": the step after '/' must be a whole number above 0")
            }
            step = value
        }
        let base = String(parts[0])
        let low: Int
        var high: Int
        if base == "*" || (base == "?" && allowsQuestionMark) {
            low = range.lowerBound
            high = range.upperBound
            if self.name == "day-of-week" { high = 6 }
        } else if let dash = base.firstIndex(of: "-") {
            low = try value(String(base[..<dash]))
            high = try value(String(base[base.index(after: dash)...]))
            guard low <= high else {
                throw CronFieldError(message: "\(name) field \"\(item)\": the range runs backwards (\(low) is after \(high))")
            }
        } else {
            low = try value(base)
            // `a/n` runs from a to the end of the field.
            high = parts.count == 2 ? (self.name == "day-of-week" ? 6 : range.upperBound) : low
        }
        var bits: UInt64 = 0
        for value in stride(from: low, through: high, by: step) { bits |= 1 << UInt64(value) }
        return bits
    }

    private func value(_ text: String) throws(CronFieldError) -> Int {
        if let named = names[text.uppercased()] { return named }
        if text.contains(where: { "LW#".contains($0) }) {
            throw CronFieldError(message: "\(name) field \"\(text)\": 'L', 'W' and '#' are not supported (standard 5-field cron only)")
        }
        guard let number = Int(text) else {
            let expected = names.isEmpty ? "a number" : "a number or a name (\(names.sorted { $0.value < $1.value }.map(\.key).joined(separator: ", ")))"
            throw CronFieldError(message: "\(name) field \"\(text)\" is not \(expected)")
        }
        guard range.contains(number) else {
            throw CronFieldError(message: "\(name) value \(number) is out of range \(range.lowerBound)-\(range.upperBound)")
        }
        return number
    }
}
