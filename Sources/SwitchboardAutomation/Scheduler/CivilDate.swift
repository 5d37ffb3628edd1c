/// Proleptic Gregorian calendar arithmetic on plain integers (Howard Hinnant's algorithms):
/// no `Calendar`, no allocation, exact for any year a schedule can name.
enum CivilDate {
    /// Days since 1970-01-01 of `year-month-day`.
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let shifted = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * shifted + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date `days` after 1970-01-01.
    static func date(days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shifted = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shifted + 2) / 5 + 1
        let month = shifted < 10 ? shifted + 3 : shifted - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// 0 = Sunday … 6 = Saturday.
    static func weekday(year: Int, month: Int, day: Int) -> Int {
        let d = days(year: year, month: month, day: day)
        return d >= -4 ? (d + 4) % 7 : (d + 5) % 7 + 6
    }

    static func isLeap(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

/// A wall-clock minute in some time zone, as the zone's clocks show it.
struct WallMinute: Comparable, Hashable {
    var year: Int
    var month: Int
    var day: Int
    var hour: Int
    var minute: Int

    /// Seconds since 1970 if this wall time were UTC.
    var naiveSeconds: Int64 {
        Int64(CivilDate.days(year: year, month: month, day: day)) * 86_400 + Int64(hour * 3600 + minute * 60)
    }

    init(year: Int, month: Int, day: Int, hour: Int, minute: Int) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
    }

    /// The minute containing `naiveSeconds` (floor).
    init(naiveSeconds: Int64) {
        let days = naiveSeconds >= 0 ? naiveSeconds / 86_400 : (naiveSeconds - 86_399) / 86_400
        let rest = Int(naiveSeconds - days * 86_400)
        let date = CivilDate.date(days: Int(days))
        self.init(year: date.year, month: date.month, day: date.day, hour: rest / 3600, minute: rest % 3600 / 60)
    }

    static func < (lhs: WallMinute, rhs: WallMinute) -> Bool { lhs.naiveSeconds < rhs.naiveSeconds }
}
