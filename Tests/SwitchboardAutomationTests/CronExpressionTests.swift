import Foundation
import Testing

@testable import SwitchboardAutomation

/// Cron semantics with an injected "now": every expected time is computed by hand, and a
/// day-by-day oracle built on Foundation's calendar checks random expressions.
struct CronExpressionTests {
    static let utc = TimeZone(identifier: "UTC")!
    static let newYork = TimeZone(identifier: "America/New_York")!

    /// Unix ms of an ISO 8601 time with an offset.
    static func ms(_ text: String) -> Int64 {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return Int64(formatter.date(from: text)!.timeIntervalSince1970 * 1000)
    }

    static func iso(_ ms: Int64?) -> String {
        guard let ms else { return "never" }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = utc
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(ms) / 1000))
    }

    /// The next `count` fire times after `start`, as UTC ISO strings.
    static func fires(_ expression: String, after start: String, in zone: TimeZone = utc, count: Int = 1) throws -> [String] {
        let cron = try CronExpression(expression)
        var after = ms(start)
        var result: [String] = []
        for _ in 0..<count {
            guard let next = cron.nextFire(after: after, in: zone) else {
                result.append("never")
                break
            }
            result.append(iso(next))
            after = next
        }
        return result
    }

    // 2026-12-03 is a Thursday.

    @Test("Sunday is 0 and 7 alike; SUN names it; 1-5 is Monday to Friday; 5-7 is Friday to Sunday")
    func weekdays() throws {
        #expect(try Self.fires("0 9 * * 0", after: "2026-12-03T12:00:00Z") == ["2026-12-06T09:00:00Z"])
        #expect(try Self.fires("0 9 * * 7", after: "2026-12-03T12:00:00Z") == ["2026-12-06T09:00:00Z"])
        #expect(try Self.fires("0 9 * * sun", after: "2026-12-03T12:00:00Z") == ["2026-12-06T09:00:00Z"])
        #expect(try Self.fires("0 9 * * 1-5", after: "2026-12-04T12:00:00Z", count: 2) == ["2026-12-07T09:00:00Z", "2026-12-08T09:00:00Z"])
        #expect(
            try Self.fires("0 9 * * 5-7", after: "2026-12-03T12:00:00Z", count: 4)
                == ["2026-12-04T09:00:00Z", "2026-12-05T09:00:00Z", "2026-12-06T09:00:00Z", "2026-12-11T09:00:00Z"])
        // Clara's bug: Python's Monday-based weekday() against Sunday-based cron ran "1" on Tuesdays.
        #expect(try Self.fires("0 9 * * 1", after: "2026-12-03T12:00:00Z") == ["2026-12-07T09:00:00Z"])
        #expect(try Self.fires("0 9 * * MON-FRI", after: "2026-12-05T00:00:00Z") == ["2026-12-07T09:00:00Z"])
    }

    @Test("both day fields restricted: either matches; one starting with * : both must match")
    func dayFieldsOrAnd() throws {
        // The 13th, or any Friday.
        #expect(
            try Self.fires("0 0 13 * 5", after: "2026-12-03T12:00:00Z", count: 4)
                == ["2026-12-04T00:00:00Z", "2026-12-11T00:00:00Z", "2026-12-13T00:00:00Z", "2026-12-18T00:00:00Z"])
        // Odd days of the month that are also Fridays (the day field starts with *).
        #expect(try Self.fires("0 0 */2 * 5", after: "2026-12-03T12:00:00Z", count: 2) == ["2026-12-11T00:00:00Z", "2026-12-25T00:00:00Z"])
        // `?` is `*`.
        #expect(try Self.fires("0 0 ? * 5", after: "2026-12-03T12:00:00Z") == ["2026-12-04T00:00:00Z"])
        // Only the day of the month restricted: the weekday does not widen it.
        #expect(try Self.fires("0 0 1 * *", after: "2026-12-03T12:00:00Z") == ["2027-01-01T00:00:00Z"])
    }

    @Test("leap days: 29 February fires in leap years only, and 2100 is not one")
    func leapDays() throws {
        #expect(try Self.fires("0 0 29 2 *", after: "2026-12-03T12:00:00Z", count: 2) == ["2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"])
        #expect(try Self.fires("0 0 29 2 *", after: "2096-03-01T00:00:00Z") == ["2104-02-29T00:00:00Z"])
        // The last day of February, either way, through a 31-in-month expression list.
        #expect(try Self.fires("0 0 28,29 2 *", after: "2028-02-28T00:00:00Z") == ["2028-02-29T00:00:00Z"])
        // A day some month lacks fires only in the months that have it.
        #expect(try Self.fires("0 0 31 * *", after: "2027-01-31T00:00:00Z", count: 2) == ["2027-03-31T00:00:00Z", "2027-05-31T00:00:00Z"])
    }

    @Test("clocks going forward: a fixed-hour job runs once when they jump, an hourly one skips the missing hour")
    func springForward() throws {
        // New York, 2027-03-14: 02:00 EST becomes 03:00 EDT (07:00Z).
        #expect(
            try Self.fires("30 2 * * *", after: "2027-03-13T12:00:00-05:00", in: Self.newYork, count: 2)
                == ["2027-03-14T07:00:00Z", "2027-03-15T06:30:00Z"])
        #expect(
            try Self.fires("30 * * * *", after: "2027-03-14T01:00:00-05:00", in: Self.newYork, count: 2)
                == ["2027-03-14T06:30:00Z", "2027-03-14T07:30:00Z"])
        // Several minutes inside the gap still run once.
        #expect(
            try Self.fires("*/20 2 * * *", after: "2027-03-14T01:00:00-05:00", in: Self.newYork, count: 2)
                == ["2027-03-14T07:00:00Z", "2027-03-15T06:00:00Z"])
    }

    @Test("clocks going back: a fixed-hour job runs at the first 01:30 only, an hourly one in both")
    func fallBack() throws {
        // New York, 2027-11-07: 02:00 EDT becomes 01:00 EST (06:00Z); 01:30 happens at 05:30Z and 06:30Z.
        #expect(
            try Self.fires("30 1 * * *", after: "2027-11-07T00:00:00-04:00", in: Self.newYork, count: 2)
                == ["2027-11-07T05:30:00Z", "2027-11-08T06:30:00Z"])
        #expect(
            try Self.fires("30 * * * *", after: "2027-11-07T00:00:00-04:00", in: Self.newYork, count: 4)
                == ["2027-11-07T04:30:00Z", "2027-11-07T05:30:00Z", "2027-11-07T06:30:00Z", "2027-11-07T07:30:00Z"])
        // Asked from inside the second 01:xx hour, the fixed job does not run again that day.
        #expect(try Self.fires("45 1 * * *", after: "2027-11-07T01:10:00-05:00", in: Self.newYork) == ["2027-11-08T06:45:00Z"])
    }

    @Test("zones with half-hour offsets and no daylight saving")
    func otherZones() throws {
        let kolkata = TimeZone(identifier: "Asia/Kolkata")!
        #expect(try Self.fires("0 9 * * *", after: "2026-12-03T00:00:00Z", in: kolkata) == ["2026-12-03T03:30:00Z"])
        let berlin = TimeZone(identifier: "Europe/Berlin")!
        // Berlin, 2027-03-28: 02:00 CET becomes 03:00 CEST.
        #expect(try Self.fires("15 2 * * *", after: "2027-03-27T12:00:00Z", in: berlin) == ["2027-03-28T01:00:00Z"])
    }

    @Test("macros, names and steps")
    func syntax() throws {
        #expect(try Self.fires("@daily", after: "2026-12-03T12:00:00Z") == ["2026-12-04T00:00:00Z"])
        #expect(try Self.fires("@hourly", after: "2026-12-03T12:00:00Z") == ["2026-12-03T13:00:00Z"])
        #expect(try Self.fires("@weekly", after: "2026-12-03T12:00:00Z") == ["2026-12-06T00:00:00Z"])
        #expect(try Self.fires("@monthly", after: "2026-12-03T12:00:00Z") == ["2027-01-01T00:00:00Z"])
        #expect(try Self.fires("@yearly", after: "2026-12-03T12:00:00Z") == ["2027-01-01T00:00:00Z"])
        #expect(try Self.fires("0 12 1 JAN,jul *", after: "2026-12-03T12:00:00Z", count: 2) == ["2027-01-01T12:00:00Z", "2027-07-01T12:00:00Z"])
        #expect(
            try Self.fires("*/15 * * * *", after: "2026-12-03T12:07:00Z", count: 3)
                == ["2026-12-03T12:15:00Z", "2026-12-03T12:30:00Z", "2026-12-03T12:45:00Z"])
        #expect(try Self.fires("10-40/15 * * * *", after: "2026-12-03T12:07:00Z", count: 3) == ["2026-12-03T12:10:00Z", "2026-12-03T12:25:00Z", "2026-12-03T12:40:00Z"])
        #expect(try Self.fires("50/5 * * * *", after: "2026-12-03T12:07:00Z", count: 3) == ["2026-12-03T12:50:00Z", "2026-12-03T12:55:00Z", "2026-12-03T13:50:00Z"])
        // Seconds do not count: a time in the middle of a firing minute moves to the next one.
        #expect(try Self.fires("* * * * *", after: "2026-12-03T12:07:30Z") == ["2026-12-03T12:08:00Z"])
    }

    @Test("bad expressions are refused with the field and what was expected")
    func errors() {
        func reason(_ text: String) -> String {
            do {
                _ = try CronExpression(text)
                return "accepted"
            } catch { return error.description }
        }
        #expect(reason("0 9 * *").contains("needs 5 fields (minute hour day-of-month month day-of-week), got 4"))
        #expect(reason("0 9 * * * *").contains("got 6"))
        #expect(reason("0 24 * * *").contains("hour value 24 is out of range 0-23"))
        #expect(reason("60 * * * *").contains("minute value 60 is out of range 0-59"))
        #expect(reason("0 0 0 * *").contains("day-of-month value 0 is out of range 1-31"))
        #expect(reason("0 0 * 13 *").contains("month value 13 is out of range 1-12"))
        #expect(reason("0 0 * * 8").contains("day-of-week value 8 is out of range 0-7"))
        #expect(reason("0 0 * FOO *").contains("is not a number or a name (JAN"))
        #expect(reason("*/0 * * * *").contains("step after '/' must be a whole number above 0"))
        #expect(reason("0 17-9 * * *").contains("the range runs backwards"))
        #expect(reason("0 0 L * *").contains("'L', 'W' and '#' are not supported"))
        #expect(reason("0 0 * * 5#2").contains("not supported"))
        #expect(reason("0 0 30 2 *").contains("never fires"))
        #expect(reason("0 0 31 4,6 *").contains("never fires"))
        #expect(reason("@reboot").contains("unknown macro"))
        #expect(reason("1,,2 * * * *").contains("empty list item"))
        #expect(reason("0 ? * * *").contains("hour field"))
        #expect(reason("0 0 31 4 MON") == "accepted")
    }

    @Test("random expressions agree with a day-by-day oracle on Foundation's calendar")
    func oracle() throws {
        var generator = SplitMix(seed: 0x5EED)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = Self.utc
        let pieces: [[String]] = [
            ["0", "*/7", "5,35", "59", "10-20/5"],
            ["*", "0", "9-17", "*/6", "23"],
            ["*", "1", "13", "28-31", "*/10", "15,31", "?"],
            ["*", "2", "JAN-MAR", "*/4", "6,12"],
            ["*", "0", "5", "MON-FRI", "6,7", "*/3", "?"],
        ]
        for _ in 0..<300 {
            let text = pieces.map { $0[Int(generator.next() % UInt64($0.count))] }.joined(separator: " ")
            guard let cron = try? CronExpression(text) else { continue }
            let after = Self.ms("2026-01-01T00:00:00Z") + Int64(generator.next() % (4 * 365 * 86_400)) * 1000
            let expected = Self.oracleNext(text, after: after, calendar: calendar)
            #expect(Self.iso(cron.nextFire(after: after, in: Self.utc)) == Self.iso(expected), "\(text) after \(Self.iso(after))")
        }
    }

    /// The first matching minute after `after`, found day by day with Calendar (UTC), within 10 years.
    static func oracleNext(_ text: String, after: Int64, calendar: Calendar) -> Int64? {
        let fields = text.split(separator: " ").map(String.init)
        func values(_ field: String, _ range: ClosedRange<Int>, names: [String] = []) -> Set<Int> {
            var result = Set<Int>()
            for item in field.split(separator: ",") {
                let parts = item.split(separator: "/")
                let step = parts.count == 2 ? Int(parts[1])! : 1
                var low = range.lowerBound
                var high = range.upperBound
                if parts[0] != "*" && parts[0] != "?" {
                    let bounds = parts[0].split(separator: "-").map { token -> Int in
                        if let index = names.firstIndex(of: String(token)) { return index + (range.lowerBound == 1 ? 1 : 0) }
                        return Int(token)!
                    }
                    low = bounds[0]
                    high = bounds.count == 2 ? bounds[1] : (parts.count == 2 ? range.upperBound : bounds[0])
                }
                for value in stride(from: low, through: high, by: step) { result.insert(value == 7 && range.upperBound == 7 ? 0 : value) }
            }
            return result
        }
        let minutes = values(fields[0], 0...59)
        let hours = values(fields[1], 0...23)
        let days = values(fields[2], 1...31)
        let months = values(fields[3], 1...12, names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"])
        let weekdays = values(fields[4], 0...7, names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"])
        let dayStar = fields[2].hasPrefix("*") || fields[2].hasPrefix("?")
        let weekStar = fields[4].hasPrefix("*") || fields[4].hasPrefix("?")
        let startDay = (after / 1000) / 86_400
        for dayIndex in startDay...(startDay + 3660) {
            let date = Date(timeIntervalSince1970: TimeInterval(dayIndex * 86_400))
            let parts = calendar.dateComponents([.month, .day, .weekday], from: date)
            let dayMatch = days.contains(parts.day!)
            let weekMatch = weekdays.contains(parts.weekday! - 1)
            guard months.contains(parts.month!), dayStar || weekStar ? dayMatch && weekMatch : dayMatch || weekMatch else { continue }
            for hour in hours.sorted() {
                for minute in minutes.sorted() {
                    let candidate = (dayIndex * 86_400 + Int64(hour * 3600 + minute * 60)) * 1000
                    if candidate > after { return candidate }
                }
            }
        }
        return nil
    }
}

/// A small seeded generator, so a failure repeats.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
