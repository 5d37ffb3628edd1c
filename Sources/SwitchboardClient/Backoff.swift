/// Exponential reconnect delay: initial, doubled each failure, capped; reset after success.
public struct Backoff: Sendable {
    public let initial: Duration
    public let maximum: Duration
    private(set) var attempt = 0

    public init(initial: Duration, maximum: Duration) {
        self.initial = initial
        self.maximum = maximum
    }

    /// The delay before the next attempt (with up to 10% jitter so clients do not stampede).
    public mutating func next() -> Duration {
        let factor = 1 << min(attempt, 16)
        attempt += 1
        let base = min(initial * factor, maximum)
        let jitter = base * Double.random(in: 0...0.1)
        return min(base + jitter, maximum)
    }

    public mutating func reset() {
        attempt = 0
    }
}
