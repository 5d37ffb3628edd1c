public import Foundation

/// When and how long to wait before retrying a failed model call (429, 5xx, dropped
/// connection before any output).
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts in total, the first included.
    public var maxAttempts: Int
    public var baseDelayMs: Int
    /// Longest wait between attempts; a `Retry-After` above this fails at once instead.
    public var maxDelayMs: Int

    public init(maxAttempts: Int = 3, baseDelayMs: Int = 500, maxDelayMs: Int = 30_000) {
        self.maxAttempts = maxAttempts
        self.baseDelayMs = baseDelayMs
        self.maxDelayMs = maxDelayMs
    }

    /// Exponential backoff with jitter for attempt `n` (1 = the wait after the first failure),
    /// or the server's own `Retry-After` when it gave one.
    public func delayMs(afterAttempt attempt: Int, retryAfterMs: Int?) -> Int {
        if let retryAfterMs { return max(0, retryAfterMs) }
        let exponential = baseDelayMs * (1 << min(attempt - 1, 16))
        let capped = min(exponential, maxDelayMs)
        return capped / 2 + Int.random(in: 0...max(capped / 2, 0))
    }

    /// Parses `Retry-After` (delta-seconds or an HTTP date) or `retry-after-ms`.
    public static func retryAfterMs(retryAfter: String?, retryAfterMsHeader: String?, now: Date = Date()) -> Int? {
        if let text = retryAfterMsHeader?.trimmingCharacters(in: .whitespaces), let ms = Double(text), ms >= 0 {
            return Int(ms)
        }
        guard let text = retryAfter?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        if let seconds = Double(text), seconds >= 0 { return Int(seconds * 1000) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: text) else { return nil }
        return max(0, Int(date.timeIntervalSince(now) * 1000))
    }
}
