import Synchronization

/// Discord's REST rate limits as its headers describe them: per-route buckets
/// (`X-RateLimit-Remaining`, `X-RateLimit-Reset-After`) and the global limit a 429 with
/// `global: true` sets. Asked before every request how long to wait first.
final class DiscordRateLimiter: Sendable {
    private struct State {
        var buckets: [String: (remaining: Int, resetAtMs: Int)] = [:]
        var globalUntilMs = 0
    }

    private let state = Mutex(State())
    /// Buckets kept at most (routes are per channel); the oldest resets are dropped first.
    static let maxBuckets = 1000

    /// Milliseconds to wait before a request on `route` may go.
    func waitMs(route: String, nowMs: Int) -> Int {
        state.withLock { state in
            var wait = max(0, state.globalUntilMs - nowMs)
            if let bucket = state.buckets[route], bucket.remaining <= 0 { wait = max(wait, bucket.resetAtMs - nowMs) }
            return wait
        }
    }

    /// Records what a response said about `route`'s bucket.
    func update(route: String, remaining: Int?, resetAfterMs: Int?, nowMs: Int) {
        guard let remaining, let resetAfterMs else { return }
        state.withLock { state in
            state.buckets[route] = (remaining, nowMs + resetAfterMs)
            if state.buckets.count > Self.maxBuckets {
                state.buckets = state.buckets.filter { $0.value.resetAtMs > nowMs }
            }
        }
    }

    /// A 429: this route (or, when global, every route) waits `retryAfterMs`.
    func limited(route: String, retryAfterMs: Int, global: Bool, nowMs: Int) {
        state.withLock { state in
            if global {
                state.globalUntilMs = max(state.globalUntilMs, nowMs + retryAfterMs)
            } else {
                state.buckets[route] = (0, nowMs + retryAfterMs)
            }
        }
    }
}
