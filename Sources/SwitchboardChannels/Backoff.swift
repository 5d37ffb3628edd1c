/// Exponential backoff with full jitter, for reconnect and redelivery loops.
public struct Backoff: Sendable, Hashable {
    public var baseMs: Int
    public var maxMs: Int

    public init(baseMs: Int, maxMs: Int) {
        self.baseMs = baseMs
        self.maxMs = maxMs
    }

    /// The wait before attempt `attempt + 1` (attempt counts from 1), between half and all of the cap.
    public func delayMs(afterAttempt attempt: Int) -> Int {
        let exponent = min(max(attempt - 1, 0), 20)
        let cap = min(maxMs, baseMs << exponent)
        guard cap > 1 else { return max(cap, 0) }
        return cap / 2 + Int.random(in: 0...(cap / 2))
    }
}
