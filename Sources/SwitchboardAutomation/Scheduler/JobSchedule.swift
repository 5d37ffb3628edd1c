public import Foundation

/// When a job runs: once at a time, every fixed period, or on a cron expression — OpenClaw's
/// `CronJob.schedule` kinds `at`, `every` and `cron`, and Clara's task types `one_shot`,
/// `interval` and `cron`.
public enum JobSchedule: Sendable, Equatable {
    /// Once, at a Unix time in ms.
    case at(Int64)
    /// Every `everyMs`, counted from `anchorMs` (runs fall on `anchorMs + k × everyMs`).
    case every(everyMs: Int64, anchorMs: Int64)
    /// On a cron expression in a time zone; `staggerMs` spreads jobs sharing an expression by a
    /// fixed offset per job in `0..<staggerMs` (0: none).
    case cron(CronExpression, zone: TimeZone, staggerMs: Int64)

    /// The first run strictly after `afterMs`, or nil when there is none (a past one-shot).
    public func nextRun(afterMs: Int64, jobId: String) -> Int64? {
        switch self {
        case .at(let at):
            return at > afterMs ? at : nil
        case .every(let every, let anchor):
            guard afterMs >= anchor else { return anchor }
            let periods = (afterMs - anchor) / every + 1
            let (product, overflow) = periods.multipliedReportingOverflow(by: every)
            let (next, beyond) = anchor.addingReportingOverflow(product)
            return overflow || beyond ? nil : next
        case .cron(let expression, let zone, let staggerMs):
            let offset = Self.stagger(jobId: jobId, staggerMs: staggerMs)
            return expression.nextFire(after: afterMs - offset, in: zone).map { $0 + offset }
        }
    }

    /// A stable offset in `0..<staggerMs` from the job id (FNV-1a), the same on every start.
    public static func stagger(jobId: String, staggerMs: Int64) -> Int64 {
        guard staggerMs > 0 else { return 0 }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in jobId.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return Int64(hash % UInt64(staggerMs))
    }
}

/// Why a schedule was refused, naming the field.
public struct ScheduleError: Error, Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var reason: String
    public var description: String { "\(field): \(reason)" }

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }
}

extension JobSchedule {
    /// The smallest period an `every` or `interval` schedule may have.
    public static let minimumEveryMs: Int64 = 1000
    /// The largest period, delay or stagger (ten years): beyond it a number is a mistake.
    public static let maximumEveryMs: Int64 = 10 * 365 * 86_400_000
    /// The longest a command, hook or agent turn of a job may run before it is stopped (a week).
    public static let maximumTimeoutSeconds: Double = 7 * 86_400

    /// Reads a time as ISO 8601 (`2024-12-25T09:00:00Z`, with an offset, fractional seconds, or
    /// no offset — then it is wall time in `zone`) or as Unix ms digits.
    public static func parseTime(_ text: String, field: String, zone: TimeZone) throws(ScheduleError) -> Int64 {
        let text = text.trimmingCharacters(in: .whitespaces)
        if !text.isEmpty, text.allSatisfy(\.isASCIIDigitCharacter), let ms = Int64(text) { return ms }
        for options: ISO8601DateFormatter.Options in [[.withInternetDateTime, .withFractionalSeconds], [.withInternetDateTime]] {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = options
            if let date = formatter.date(from: text) { return Int64((date.timeIntervalSince1970 * 1000).rounded()) }
        }
        // No offset: wall time in the zone.
        for format in ["yyyy-MM-dd'T'HH:mm:ss.SSS", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm"] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = zone
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return Int64((date.timeIntervalSince1970 * 1000).rounded()) }
        }
        throw ScheduleError(field: field, reason: "\"\(text)\" is not a time; expected ISO 8601 like 2024-12-25T09:00:00Z")
    }

    /// A time zone by IANA name (`Europe/Berlin`), or the gateway's own when nil or empty.
    public static func zone(_ name: String?, field: String) throws(ScheduleError) -> TimeZone {
        guard let name, !name.isEmpty else { return TimeZone.current }
        guard let zone = TimeZone(identifier: name) else {
            throw ScheduleError(field: field, reason: "unknown time zone \"\(name)\"; expected an IANA name like Europe/Berlin")
        }
        return zone
    }
}

extension Character {
    var isASCIIDigitCharacter: Bool { asciiValue.map { $0 >= 48 && $0 <= 57 } ?? false }
}
