import Synchronization
import SwitchboardProtocol
import Testing

@testable import SwitchboardCore

final class ManualClock: Sendable {
    let now = Mutex(1_000_000)
    var gatewayClock: GatewayClock { GatewayClock { self.now.withLock { $0 } } }
    func advance(_ ms: Int) { now.withLock { $0 += ms } }
}

struct IdempotencyCacheTests {
    @Test func claimThenReplayTheAckThenTheResult() {
        let cache = IdempotencyCache(ttlMs: 1000, maxEntries: 10)
        #expect(cache.claim("agent:k1", ack: ["status": "accepted"]) == .claimed)
        #expect(cache.claim("agent:k1") == .existing(.inFlight(ack: ["status": "accepted"])))
        cache.complete("agent:k1", ok: true, payload: ["status": "ok"], error: nil)
        #expect(cache.claim("agent:k1") == .existing(.completed(ok: true, payload: ["status": "ok"], error: nil)))
    }

    @Test func entriesExpireAfterTheTTL() {
        let clock = ManualClock()
        let cache = IdempotencyCache(ttlMs: 300_000, maxEntries: 10, clock: clock.gatewayClock)
        #expect(cache.claim("send:a") == .claimed)
        clock.advance(299_999)
        #expect(cache.outcome(for: "send:a") != nil)
        clock.advance(1)
        cache.sweep()
        #expect(cache.outcome(for: "send:a") == nil)
        #expect(cache.claim("send:a") == .claimed)
    }

    @Test func theOldestEntryIsEvictedBeyondMaxEntries() {
        let cache = IdempotencyCache(ttlMs: 300_000, maxEntries: 3)
        for key in ["a", "b", "c", "d"] { #expect(cache.claim(key) == .claimed) }
        #expect(cache.count == 3)
        #expect(cache.outcome(for: "a") == nil)
        #expect(cache.outcome(for: "d") != nil)
    }

    @Test func releaseAllowsAFreshAttempt() {
        let cache = IdempotencyCache()
        #expect(cache.claim("chat:x") == .claimed)
        cache.release("chat:x")
        #expect(cache.claim("chat:x") == .claimed)
        #expect(cache.ttlMs == 300_000 && cache.maxEntries == 1000)
    }
}
