import Synchronization
import SwitchboardProtocol

/// Limits failed secret checks per bucket (a fixed window per bucket), so no secret the
/// gateway compares can be guessed at line rate: the shared token or password on `connect`,
/// device tokens, `register.secret` on the adapter socket and the `/metrics` bearer all go
/// through one limiter. Successful attempts do not count. While a bucket is limited, no
/// comparison is made at all: a right guess is refused like a wrong one.
///
/// Buckets: a browser page's origin (`origin:https://site`), else the client address
/// (`ip:127.0.0.1`), so failures from a page never lock out the owner's CLI on loopback.
final class AuthRateLimiter: Sendable {
    struct Window {
        var startedAtMs: Int
        var failures: Int
    }

    let maxAttempts: Int
    let windowMs: Int
    /// Upper bound on tracked buckets; the oldest windows are dropped first.
    let maxTrackedBuckets = 10_000
    private let windows = Mutex<[String: Window]>([:])

    init(maxAttempts: Int, windowMs: Int) {
        self.maxAttempts = maxAttempts
        self.windowMs = windowMs
    }

    static func key(origin: String?, address: String) -> String {
        if let origin { return "origin:" + String(origin.lowercased().prefix(200)) }
        return "ip:" + address
    }

    /// Milliseconds until `key` may try again, or nil if it may try now.
    func retryAfterMs(key: String, nowMs: Int) -> Int? {
        windows.withLock { windows in
            guard let window = windows[key] else { return nil }
            let elapsed = nowMs - window.startedAtMs
            if elapsed >= windowMs {
                windows[key] = nil
                return nil
            }
            return window.failures >= maxAttempts ? windowMs - elapsed : nil
        }
    }

    func recordFailure(key: String, nowMs: Int) {
        windows.withLock { windows in
            if var window = windows[key], nowMs - window.startedAtMs < windowMs {
                window.failures += 1
                windows[key] = window
            } else {
                if windows.count >= maxTrackedBuckets {
                    windows = windows.filter { nowMs - $0.value.startedAtMs < windowMs }
                    if windows.count >= maxTrackedBuckets, let oldest = windows.min(by: { $0.value.startedAtMs < $1.value.startedAtMs }) {
                        windows[oldest.key] = nil
                    }
                }
                windows[key] = Window(startedAtMs: nowMs, failures: 1)
            }
        }
    }

    /// Runs one secret check under the limiter: nil when limited (with the wait), else the
    /// check's outcome, a failure counted.
    func attempt(key: String, nowMs: Int, _ check: () -> Bool) -> AttemptOutcome {
        if let retryAfter = retryAfterMs(key: key, nowMs: nowMs) { return .limited(retryAfterMs: retryAfter) }
        if check() { return .passed }
        recordFailure(key: key, nowMs: nowMs)
        return .failed
    }

    enum AttemptOutcome: Equatable {
        case passed
        case failed
        case limited(retryAfterMs: Int)
    }

    /// The `connect` error while limited (§2.3 `AUTH_RATE_LIMITED`).
    static func connectError(retryAfterMs: Int) -> GatewayError {
        GatewayError(
            code: .invalidRequest,
            message: "unauthorized: too many failed auth attempts; retry in \((retryAfterMs + 999) / 1000) s",
            details: ["code": .string(GatewayDetailCode.authRateLimited.rawValue), "recommendedNextStep": "wait_then_retry"],
            retryable: true,
            retryAfterMs: retryAfterMs
        )
    }
}
