import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import SwitchboardAgent
import SwitchboardPluginAPI
import SwitchboardProtocol

/// Owns every agent run: a FIFO lane per session key, a global concurrency limit, a timeout
/// per run, abort, and a bounded memory of recent outcomes for `agent.wait`.
///
/// Runs are child tasks of this service's task group, never of a connection, so a client
/// that disconnects does not stop its run and a run never blocks a connection's reader.
final class AgentRunService: Service, Sendable {
    let live: LiveConfiguration
    let metrics: GatewayMetrics
    let workspace: String
    let sessions: any SessionStoring
    let journal: any RunJournaling
    let catalog: ModelCatalog
    let mcp: MCPServers
    let builtinTools: [any AgentTool]
    /// Tools whose set changes while running (nodes' commands), asked per run.
    let toolSources: [any ToolSource]
    let bus: EventBus
    let clock: GatewayClock
    let logger: Logger
    /// Tells the hooks what runs do (message in, tool steps, reply out).
    let activity = ActivityRelay()
    /// Finished runs remembered for `agent.wait` and idempotent retries.
    static let recentLimit = 1000

    private struct State {
        var accepting = true
        var active: [String: RunHandle] = [:]
        /// Session key → its runs in arrival order (running first).
        var lanes: [String: [RunHandle]] = [:]
        var recent: [String: RunHandle] = [:]
        var recentOrder: [String] = []
    }

    private let state = Mutex(State())
    private let semaphore: AsyncSemaphore
    private let submissions: AsyncStream<(RunHandle, RunHandle?)>
    private let submit: AsyncStream<(RunHandle, RunHandle?)>.Continuation

    init(
        live: LiveConfiguration, metrics: GatewayMetrics, workspace: String, sessions: any SessionStoring, journal: any RunJournaling, catalog: ModelCatalog,
        mcp: MCPServers, builtinTools: [any AgentTool], toolSources: [any ToolSource] = [], bus: EventBus, clock: GatewayClock, logger: Logger
    ) {
        self.live = live
        self.metrics = metrics
        self.workspace = workspace
        self.sessions = sessions
        self.journal = journal
        self.catalog = catalog
        self.mcp = mcp
        self.builtinTools = builtinTools
        self.toolSources = toolSources
        self.bus = bus
        self.clock = clock
        self.logger = logger
        semaphore = AsyncSemaphore(permits: live.current.agent.maxConcurrentRuns)
        (submissions, submit) = AsyncStream.makeStream(of: (RunHandle, RunHandle?).self)
    }

    /// Per-run settings are hot: each run reads them as it starts.
    var config: AgentConfiguration { live.current.agent }
    /// How long shutdown waits for running runs before aborting them (`gateway.shutdownDrainMs`).
    var drainMs: Int { live.current.gateway.shutdownDrainMs }

    /// Refuses early when the session's lane is full or the gateway is stopping.
    func checkCapacity(sessionKey: String) throws {
        try state.withLock { state in
            guard state.accepting else { throw GatewayError.unavailable("the gateway is shutting down; retry after it restarts", retryAfterMs: 1000) }
            let total = state.active.count
            guard total < config.maxQueuedRuns else {
                throw GatewayError.unavailable(
                    "the gateway already has \(total) runs queued or running (agents.defaults.maxQueuedRuns = \(config.maxQueuedRuns))", retryAfterMs: 1000
                )
            }
            let queued = state.lanes[sessionKey]?.count ?? 0
            guard queued < config.maxQueuedRunsPerSession else {
                throw GatewayError.unavailable(
                    "session \(sessionKey) already has \(queued) runs queued (agents.defaults.maxQueuedRunsPerSession = \(config.maxQueuedRunsPerSession))",
                    retryAfterMs: 1000
                )
            }
        }
    }

    /// Queues a run behind the session's earlier runs. `resumed`: a journaled run from before
    /// a restart, admitted whatever the limits (it was acknowledged under them).
    func start(_ request: RunRequest, resumed: Bool = false) throws -> RunHandle {
        if !resumed { try checkCapacity(sessionKey: request.sessionKey) }
        let handle = RunHandle(request: request, acceptedAtMs: clock.nowMs())
        // Submitted under the lock that stopping takes too: a run is either queued before the
        // stream ends (and drained) or refused, never left in `active` with nobody to run it.
        try state.withLock { state in
            guard state.accepting else { throw GatewayError.unavailable("the gateway is shutting down; retry after it restarts", retryAfterMs: 1000) }
            let previous = state.lanes[request.sessionKey]?.last
            state.lanes[request.sessionKey, default: []].append(handle)
            state.active[request.runId] = handle
            submit.yield((handle, previous))
        }
        return handle
    }

    /// An active run, or a recently finished one.
    func run(_ runId: String) -> RunHandle? {
        state.withLock { $0.active[runId] ?? $0.recent[runId] }
    }

    func activeRuns(sessionKey: String) -> [RunHandle] {
        state.withLock { $0.lanes[sessionKey] ?? [] }
    }

    var activeCount: Int { state.withLock { $0.active.count } }

    /// Aborts `runId` (or every run of the session); returns the run ids aborted.
    func abort(sessionKey: String, runId: String?, reason: String) -> [String] {
        let targets = state.withLock { state in (state.lanes[sessionKey] ?? []).filter { runId == nil || $0.runId == runId } }
        for handle in targets { handle.abort(reason: reason) }
        return targets.map(\.runId)
    }

    func run() async throws {
        await withDiscardingTaskGroup { group in
            group.addTask {
                try? await gracefulShutdown()
                self.stopAccepting()
            }
            group.addTask { await self.pruneJournalPeriodically() }
            for await (handle, previous) in submissions {
                group.addTask { await self.execute(handle, after: previous) }
            }
            await drain()
            group.cancelAll()
        }
    }

    private func stopAccepting() {
        state.withLock { state in
            state.accepting = false
            submit.finish()
        }
    }

    /// Puts off acknowledged runs that have not started (they resume at the next start), lets
    /// running runs finish for up to `drainMs`, then aborts the rest.
    private func drain() async {
        let handles = state.withLock { Array($0.active.values) }
        guard !handles.isEmpty else { return }
        for handle in handles { handle.deferIfNotStarted() }
        logger.notice("waiting for agent runs before stopping", metadata: ["sb.runs": "\(handles.count)", "sb.drain.ms": "\(drainMs)"])
        await waitAtMost(.milliseconds(drainMs)) {
            for handle in handles { await handle.finished.wait() }
        }
        for handle in state.withLock({ Array($0.active.values) }) { handle.abort(reason: "shutdown") }
        for handle in handles { await handle.finished.wait() }
    }

    private func execute(_ handle: RunHandle, after previous: RunHandle?) async {
        let result: RunResult
        if let previous, !(await Self.first(previous.finished, before: handle.abortSignal)) {
            result = abortedBeforeStart(handle)
        } else if !(await acquireSlot(for: handle)) {
            result = abortedBeforeStart(handle)
        } else if !handle.claimStart(atMs: clock.nowMs()) {
            semaphore.release()
            result = abortedBeforeStart(handle)
        } else {
            defer { semaphore.release() }
            result = await perform(handle)
        }
        await journalFinished(handle, result)
        state.withLock { state in
            state.active[handle.runId] = nil
            state.lanes[handle.sessionKey]?.removeAll { $0 === handle }
            if state.lanes[handle.sessionKey]?.isEmpty == true { state.lanes[handle.sessionKey] = nil }
            if state.recent[handle.runId] == nil { state.recentOrder.append(handle.runId) }
            state.recent[handle.runId] = handle
            while state.recentOrder.count > Self.recentLimit { state.recent[state.recentOrder.removeFirst()] = nil }
        }
        metrics.recordRunFinished(outcome: result.status.rawValue, startedAtMs: result.startedAtMs, endedAtMs: result.endedAtMs)
        handle.finish(result)
    }

    private func acquireSlot(for handle: RunHandle) async -> Bool {
        // The usual case, a free slot, costs no child tasks (each would be two thread hops).
        if !handle.abortSignal.isRaised, semaphore.tryAcquire() { return true }
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask { await self.semaphore.acquire() }
            group.addTask {
                await handle.abortSignal.wait()
                return false
            }
            let acquired = await group.next() ?? false
            group.cancelAll()
            // When the abort won, the semaphore may still have granted a permit just before
            // its cancellation: give it back.
            if !acquired, await group.next() == true { semaphore.release() }
            return acquired
        }
    }

    private func abortedBeforeStart(_ handle: RunHandle) -> RunResult {
        let reason = handle.abortReason ?? "rpc"
        if handle.isDeferred {
            // Not over: it runs after the restart, so clients are told nothing now.
            return RunResult(status: .aborted, text: "", stopReason: reason, usage: TokenUsage(), toolCalls: 0, startedAtMs: nil, endedAtMs: clock.nowMs())
        }
        let events = RunEvents(request: handle.request, agentId: handle.request.agentId, includeToolResults: false, throttleMs: 0, bus: bus, clock: clock, activity: activity)
        let result = RunResult(status: .aborted, text: "", stopReason: reason, usage: TokenUsage(), toolCalls: 0, startedAtMs: nil, endedAtMs: clock.nowMs())
        events.finish(result)
        return result
    }

    /// True when `signal` was raised before `other`.
    static func first(_ signal: OneShotSignal, before other: OneShotSignal) async -> Bool {
        if other.isRaised { return false }
        if signal.isRaised { return true }
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await signal.wait()
                return true
            }
            group.addTask {
                await other.wait()
                return false
            }
            let winner = await group.next() ?? false
            group.cancelAll()
            return winner && !other.isRaised
        }
    }
}
