import Synchronization

/// Limits failed shared-secret attempts per client address (a fixed window per address), so
/// a token cannot be guessed at line rate. Successful attempts do not count.
final class AuthRateLimiter: Sendable {
    struct Window {
        var startedAtMs: Int
        var failures: Int
    }

    let maxAttempts: Int
    let windowMs: Int
    /// Upper bound on tracked addresses; the oldest windows are dropped first.
    let maxTrackedAddresses = 10_000
    private let windows = Mutex<[String: Window]>([:])

    init(maxAttempts: Int, windowMs: Int) {
        self.maxAttempts = maxAttempts
        self.windowMs = windowMs
    }

    /// Milliseconds until `address` may try again, or nil if it may try now.
    func retryAfterMs(address: String, nowMs: Int) -> Int? {
        windows.withLock { windows in
            guard let window = windows[address] else { return nil }
            let elapsed = nowMs - window.startedAtMs
            if elapsed >= windowMs {
                windows[address] = nil
                return nil
            }
            return window.failures >= maxAttempts ? windowMs - elapsed : nil
        }
    }

    func recordFailure(address: String, nowMs: Int) {
        windows.withLock { windows in
            if var window = windows[address], nowMs - window.startedAtMs < windowMs {
                window.failures += 1
                windows[address] = window
            } else {
                if windows.count >= maxTrackedAddresses {
                    windows = windows.filter { nowMs - $0.value.startedAtMs < windowMs }
                    if windows.count >= maxTrackedAddresses, let oldest = windows.min(by: { $0.value.startedAtMs < $1.value.startedAtMs }) {
                        windows[oldest.key] = nil
                    }
                }
                windows[address] = Window(startedAtMs: nowMs, failures: 1)
            }
        }
    }
}
