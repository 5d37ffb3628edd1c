import NIOCore
import Synchronization
public import SwitchboardProtocol

/// Remembers the outcome of side-effecting requests by idempotency key (§7), so a retried
/// `agent`, `chat.send` or `send` replays its answer instead of acting twice.
///
/// Bounded by age (`ttlMs`, default 5 min) and size (`maxEntries`, default 1000; the oldest
/// entry is evicted first).
public final class IdempotencyCache: Sendable {
    public enum Outcome: Sendable, Equatable {
        /// Still running; `ack` is what a retry should be told meanwhile (e.g. `accepted`).
        case inFlight(ack: JSONValue?)
        case completed(ok: Bool, payload: JSONValue?, error: GatewayError?)
    }

    public enum Lookup: Sendable, Equatable {
        /// First time: the caller now owns the key and must call ``complete``.
        case claimed
        case existing(Outcome)
    }

    private struct Entry {
        var outcome: Outcome
        var storedAtMs: Int
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var order = CircularBuffer<String>()
    }

    public let ttlMs: Int
    public let maxEntries: Int
    private let clock: GatewayClock
    private let state = Mutex(State())

    public init(ttlMs: Int = 300_000, maxEntries: Int = 1000, clock: GatewayClock = .system) {
        self.ttlMs = ttlMs
        self.maxEntries = maxEntries
        self.clock = clock
    }

    /// Claims `key` for a new request, or returns what is already known about it.
    public func claim(_ key: String, ack: JSONValue? = nil) -> Lookup {
        let now = clock.nowMs()
        return state.withLock { state in
            Self.expire(&state, now: now, ttlMs: ttlMs)
            if let entry = state.entries[key] { return .existing(entry.outcome) }
            state.entries[key] = Entry(outcome: .inFlight(ack: ack), storedAtMs: now)
            state.order.append(key)
            while state.entries.count > maxEntries, let oldest = state.order.popFirst() {
                state.entries[oldest] = nil
            }
            return .claimed
        }
    }

    /// Replaces the in-flight acknowledgement (e.g. once a run id is known).
    public func updateAck(_ key: String, ack: JSONValue) {
        state.withLock { state in
            guard case .inFlight = state.entries[key]?.outcome else { return }
            state.entries[key]?.outcome = .inFlight(ack: ack)
        }
    }

    /// Stores the final answer; later retries replay it until it expires.
    public func complete(_ key: String, ok: Bool, payload: JSONValue?, error: GatewayError?) {
        let now = clock.nowMs()
        state.withLock { state in
            if state.entries[key] == nil { state.order.append(key) }
            state.entries[key] = Entry(outcome: .completed(ok: ok, payload: payload, error: error), storedAtMs: now)
            while state.entries.count > maxEntries, let oldest = state.order.popFirst() {
                state.entries[oldest] = nil
            }
        }
    }

    /// Forgets `key` (a request that failed before doing anything may be retried afresh).
    public func release(_ key: String) {
        state.withLock { state in state.entries[key] = nil }
    }

    public func outcome(for key: String) -> Outcome? {
        let now = clock.nowMs()
        return state.withLock { state in
            Self.expire(&state, now: now, ttlMs: ttlMs)
            return state.entries[key]?.outcome
        }
    }

    public var count: Int { state.withLock { $0.entries.count } }

    /// Drops expired entries; also called by the periodic sweep.
    public func sweep() {
        let now = clock.nowMs()
        state.withLock { Self.expire(&$0, now: now, ttlMs: ttlMs) }
    }

    private static func expire(_ state: inout State, now: Int, ttlMs: Int) {
        while let oldest = state.order.first {
            guard let entry = state.entries[oldest] else {
                state.order.removeFirst()
                continue
            }
            guard now - entry.storedAtMs >= ttlMs else { break }
            state.order.removeFirst()
            state.entries[oldest] = nil
        }
    }
}
