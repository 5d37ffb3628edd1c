import Logging
import ServiceLifecycle
import Synchronization
import SwitchboardProtocol
import SwitchboardStore

/// Owns the cached health summary: refreshes it periodically and on request, bumps the
/// health version and broadcasts the `health` event after each refresh (§5.1, §6.2).
final class HealthMonitor: Service, Sendable {
    private struct State {
        var summary: HealthSummary
        /// The summary as `health` returns it, encoded once per refresh.
        var encoded: EncodedPayload?
        var version = 1
    }

    let intervalMs: Int
    /// Connect-triggered refreshes closer together than this collapse into one.
    let coalesceMs: Int
    let bus: EventBus
    let presence: PresenceRegistry
    let clock: GatewayClock
    let store: StoreHealth?
    let sessions: HealthSessionSource?
    /// Conditions worth telling that do not make the gateway unhealthy (no model provider yet).
    let warnings: @Sendable () -> [String]
    private let state: Mutex<State>
    private let requests: AsyncStream<Void>
    private let requestContinuation: AsyncStream<Void>.Continuation

    init(
        intervalMs: Int, coalesceMs: Int, bus: EventBus, presence: PresenceRegistry, clock: GatewayClock, store: StoreHealth? = nil,
        sessions: HealthSessionSource? = nil, warnings: @escaping @Sendable () -> [String] = { [] }
    ) {
        self.intervalMs = intervalMs
        self.coalesceMs = coalesceMs
        self.bus = bus
        self.presence = presence
        self.clock = clock
        self.store = store
        self.sessions = sessions
        self.warnings = warnings
        let summary = Self.compute(clock: clock, store: store, sessions: sessions, warnings: warnings())
        self.state = Mutex(State(summary: summary, encoded: try? EncodedPayload(summary)))
        // Coalesces bursts: many connects in a row cause one refresh, not one each.
        (requests, requestContinuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    var summary: HealthSummary { state.withLock { $0.summary } }

    /// The cached summary, encoded (`health` answers with these bytes).
    func encodedSummary() throws -> EncodedPayload {
        // A change in the store's condition is reported at once, not at the next refresh.
        if let store, store.isDegraded != (summary.readiness != nil) { refresh() }
        if let encoded = state.withLock({ $0.encoded }) { return encoded }
        return try EncodedPayload(summary)
    }
    var version: Int { state.withLock { $0.version } }

    var stateVersion: StateVersion { StateVersion(presence: presence.version, health: version) }

    /// Asks for a refresh soon (after a connect); returns at once.
    func requestRefresh() {
        requestContinuation.yield()
    }

    /// Refreshes now and broadcasts; used by `health {probe:true}`.
    @discardableResult
    func refresh() -> HealthSummary {
        let summary = Self.compute(clock: clock, store: store, sessions: sessions, warnings: warnings())
        let encoded = try? EncodedPayload(summary)
        let version = state.withLock { state in
            state.summary = summary
            state.encoded = encoded
            state.version += 1
            return state.version
        }
        bus.broadcast(HealthEvent.self, summary, stateVersion: StateVersion(presence: presence.version, health: version))
        return summary
    }

    /// Reads session counts from the store, then refreshes (`health {probe: true}`).
    @discardableResult
    func refreshReadingStore() async -> HealthSummary {
        await sessions?.update()
        return refresh()
    }

    func run() async throws {
        await withDiscardingTaskGroup { group in
            group.addTask {
                await cancelWhenGracefulShutdown {
                    await self.refreshReadingStore()
                    while (try? await Task.sleep(for: .milliseconds(self.intervalMs))) != nil {
                        await self.refreshReadingStore()
                    }
                }
            }
            await cancelWhenGracefulShutdown {
                for await _ in self.requests {
                    await self.refreshReadingStore()
                    guard (try? await Task.sleep(for: .milliseconds(self.coalesceMs))) != nil else { return }
                }
            }
            group.cancelAll()
        }
    }

    static func compute(clock: GatewayClock, store: StoreHealth?, sessions: HealthSessionSource?, warnings: [String] = []) -> HealthSummary {
        let started = ContinuousClock.now
        let now = clock.nowMs()
        var summary = HealthSummary(ts: now, agents: [.init(agentId: AgentConfiguration.defaultAgentId, isDefault: true)])
        if let sessions {
            (summary.agents, summary.sessions) = sessions.describe(nowMs: now)
            summary.heartbeatSeconds = (summary.agents.first(where: \.isDefault)?.heartbeat.everyMs ?? 0) / 1000
        }
        if let store, store.isDegraded {
            summary.readiness = ["status": "degraded", "problems": .array(store.problems.map { .string($0) })]
        }
        if !warnings.isEmpty {
            var readiness = summary.readiness?.objectValue ?? ["status": "ok"]
            readiness["warnings"] = .array(warnings.map { .string($0) })
            summary.readiness = .object(readiness)
        }
        summary.durationMs = Int((ContinuousClock.now - started).microseconds / 1000)
        return summary
    }
}
