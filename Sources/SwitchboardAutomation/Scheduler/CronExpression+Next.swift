public import Foundation

extension CronExpression {
    /// The first time after `afterMs` (Unix ms) at which the expression fires in `zone`, in Unix ms;
    /// nil only if it never fires again within 400 years.
    ///
    /// Daylight-saving changes:
    /// - **Clocks go forward** (a wall time does not exist): a job at a fixed hour runs once when
    ///   the clocks jump (a 02:30 job runs at 03:00 the new time); a job that runs every hour just
    ///   has no runs in the missing hour.
    /// - **Clocks go back** (a wall time happens twice): a job at a fixed hour runs at the first
    ///   occurrence only; a job that runs every hour runs in both, following real time.
    public func nextFire(after afterMs: Int64, in zone: TimeZone) -> Int64? {
        let after = afterMs >= 0 ? afterMs / 1000 : (afterMs - 999) / 1000
        let offset = Int64(zone.secondsFromGMT(for: Date(unixSeconds: after)))
        // Near a clock change, a wall time earlier than now's can still be ahead in real time
        // (the second pass through a repeated hour): scan from three hours back.
        let window: Int64 = 3 * 3600
        let nearChange = zone.secondsFromGMT(for: Date(unixSeconds: after - window))
            != zone.secondsFromGMT(for: Date(unixSeconds: after + window))
        var cursor = WallMinute(naiveSeconds: after + offset - (nearChange ? window : 0))
        let limitYear = cursor.year + 400
        var best: Int64?
        while let wall = firstWall(onOrAfter: cursor, limitYear: limitYear) {
            if let best, wall.naiveSeconds > best + offsetAt(best, zone) + window { break }
            for instant in instants(of: wall, in: zone) where instant * 1000 > afterMs {
                best = min(best ?? instant, instant)
            }
            cursor = WallMinute(naiveSeconds: wall.naiveSeconds + 60)
        }
        return best.map { $0 * 1000 }
    }

    /// The first wall-clock minute on or after `start` that the expression names.
    func firstWall(onOrAfter start: WallMinute, limitYear: Int) -> WallMinute? {
        var year = start.year
        var month = start.month
        var day = start.day
        var sameDay = true
        while year <= limitYear {
            if months & (1 << month) == 0 || day > CivilDate.daysIn(year: year, month: month) {
                month += 1
                day = 1
                sameDay = false
                if month > 12 {
                    month = 1
                    year += 1
                }
                continue
            }
            if matches(year: year, month: month, day: day) {
                let firstHour = sameDay ? start.hour : 0
                var hourBits = UInt64(hours) & (~UInt64(0) << UInt64(firstHour))
                while hourBits != 0 {
                    let hour = hourBits.trailingZeroBitCount
                    let firstMinute = sameDay && hour == start.hour ? start.minute : 0
                    let minuteBits = minutes & (~UInt64(0) << UInt64(firstMinute))
                    if minuteBits != 0 {
                        return WallMinute(year: year, month: month, day: day, hour: hour, minute: minuteBits.trailingZeroBitCount)
                    }
                    hourBits &= hourBits - 1
                }
            }
            day += 1
            sameDay = false
        }
        return nil
    }

    /// The real instants (Unix seconds) at which `wall` is shown in `zone`, after the rules above.
    func instants(of wall: WallMinute, in zone: TimeZone) -> [Int64] {
        let naive = wall.naiveSeconds
        // At most one clock change lies within a day and a half of any moment.
        let before = offsetAt(naive - 18 * 3600, zone)
        let after = offsetAt(naive + 18 * 3600, zone)
        let valid = Set([before, after]).map { naive - $0 }.filter { offsetAt($0, zone) == naive - $0 }.sorted()
        if valid.isEmpty {
            // In the gap of clocks going forward: fixed-hour jobs run when the clocks jump.
            return everyHour ? [] : [changeInstant(from: naive - max(before, after), to: naive - min(before, after), zone)]
        }
        return everyHour ? valid : [valid[0]]
    }

    /// The first second in `low...high` whose offset differs from `low`'s.
    private func changeInstant(from low: Int64, to high: Int64, _ zone: TimeZone) -> Int64 {
        let start = offsetAt(low, zone)
        var low = low
        var high = high
        while low < high {
            let middle = low + (high - low) / 2
            if offsetAt(middle, zone) == start { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private func offsetAt(_ seconds: Int64, _ zone: TimeZone) -> Int64 {
        Int64(zone.secondsFromGMT(for: Date(unixSeconds: seconds)))
    }
}

extension Date {
    init(unixSeconds: Int64) {
        self.init(timeIntervalSince1970: TimeInterval(unixSeconds))
    }
}
