import Foundation
import Logging
import ServiceLifecycle
import SwitchboardAgent
import SwitchboardAutomation
import SwitchboardPluginAPI
import SwitchboardProtocol
import Synchronization

/// The default agent's heartbeat: a periodic turn of its main session that carries the queued
/// system events, whose acknowledgement (`HEARTBEAT_OK`, or nothing) is kept quiet and whose
/// alert goes to the configured target through the outbox.
///
/// Durable: the events a turn takes are claimed before it is journaled and deleted after it
/// finished, and the turn's id is kept until its answer is handled — a restart finishes the
/// turn's delivery or gives its events back, never both and never neither.
final class HeartbeatRuntime: Service, Sendable {
    let agent: AgentRuntime
    let store: any HeartbeatStoring
    let delivery: AnswerDelivery
    let bus: EventBus
    let clock: GatewayClock
    let logger: Logger
    let scheduler: HeartbeatScheduler
    /// `set-heartbeats {enabled: false}` pauses them until the next start.
    let paused = Atomic<Bool>(false)
    private let lastEvent = Mutex<HeartbeatEventPayload?>(nil)

    var agentId: String { AgentConfiguration.defaultAgentId }
    var sessionKey: String { AgentIdentity.mainSessionKey(agentId: agentId) }
    var settings: HeartbeatSettings { agent.config.heartbeat }

    /// An alert equal to the last one sent within this window is not sent again.
    static let duplicateWindowMs = 24 * 3_600_000
    /// Longest `preview` in the event.
    static let previewChars = 200

    init(agent: AgentRuntime, store: any HeartbeatStoring, delivery: AnswerDelivery, bus: EventBus, clock: GatewayClock, schedulerClock: any SchedulerClock, logger: Logger) {
        self.agent = agent
        self.store = store
        self.delivery = delivery
        self.bus = bus
        self.clock = clock
        self.logger = logger
        let live = agent.live
        scheduler = HeartbeatScheduler(clock: schedulerClock, interval: { live.current.agent.heartbeat.everyMs })
    }

    /// Finishes what the last stop left, then beats until shutdown.
    func run() async throws {
        await restore()
        await scheduler.run { await self.beat($0) }
    }

    /// For `status`: the setting, the last outcome and what waits.
    func statusSummary() async -> JSONValue {
        let settings = settings
        var summary: [String: JSONValue] = [
            "every": settings.everyMs == nil ? "off" : .string(settings.every), "target": .string(settings.target),
            "paused": .bool(paused.load(ordering: .relaxed)),
        ]
        if let next = scheduler.nextDueMs { summary["nextDueAtMs"] = .int(Int(next)) }
        if let last {
            summary["last"] = .string(last.status + (last.reason.map { " (\($0))" } ?? ""))
            summary["lastAtMs"] = .int(last.ts)
        }
        if let waiting = try? await store.pendingSystemEvents(sessionKey: sessionKey) { summary["queuedEvents"] = .int(waiting.count) }
        return .object(summary)
    }

    /// The last `heartbeat` event (kept across restarts).
    var last: HeartbeatEventPayload? { lastEvent.withLock { $0 } }

    /// Reads the kept state and finishes a turn a stop or crash left unhandled. Run before the scheduler.
    func restore() async {
        do {
            let state = try await store.heartbeatState(agentId: agentId)
            scheduler.restore(lastBeatMs: state.lastBeatAtMs.map(Int64.init))
            if let json = state.lastEventJSON, let event = try? JSONDecoder().decode(HeartbeatEventPayload.self, from: Data(json.utf8)) {
                lastEvent.withLock { $0 = event }
            }
            // The turn a stop left first (its own events), then every other claim.
            if let runId = state.pendingRunId { await recover(runId: runId, state: state) }
            try await store.recoverSystemEvents()
        } catch is CancellationError {
            // The start was called off (a busy port, a stop): nothing is wrong with the store.
        } catch {
            logger.error("could not read the heartbeat state", metadata: ["error": "\(error)"])
        }
    }

    private func recover(runId: String, state: HeartbeatState) async {
        let startedAt = clock.nowMs()
        let record = try? await agent.runs.journal.run(id: runId)
        switch record?.state {
        case .queued?:
            // Resumed by the run service; wait for it like a fresh turn.
            if let handle = agent.runs.run(runId), let result = await handle.waitForResult() {
                await finish(runId: runId, status: result.status, text: result.text, error: result.errorMessage, startedAtMs: startedAt)
            }
        case .done?:
            let status: RunResult.Status = record?.outcome == "ok" ? .ok : record?.outcome == "aborted" ? .aborted : .error
            await finish(runId: runId, status: status, text: record?.summary ?? "", error: record?.summary, startedAtMs: startedAt)
        default:
            // Never journaled, or cut short: its events are pending again for the next beat.
            try? await store.finishSystemEvents(runId: runId, consumed: false)
            var cleared = state
            cleared.pendingRunId = nil
            try? await store.saveHeartbeatState(agentId: agentId, cleared)
            logger.notice("heartbeat turn did not finish before the last stop; its events wait for the next beat", metadata: ["sb.run": "\(runId)"])
        }
    }

    /// Queues a system event for the main session's next heartbeat; `wakeNow` runs that
    /// heartbeat at once. Returns the event and how many now wait.
    func queue(_ text: String, source: String, wakeNow: Bool, reason: String) async throws -> (SystemEventRecord, Int) {
        let automation = agent.live.current.automation
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw GatewayError.invalidRequest("invalid params: text: must not be empty") }
        guard trimmed.count <= automation.systemEventMaxChars else {
            throw GatewayError.invalidRequest("invalid params: text: at most \(automation.systemEventMaxChars) characters (automation.systemEventMaxChars), got \(trimmed.count)")
        }
        let record: SystemEventRecord?
        do {
            record = try await store.enqueueSystemEvent(sessionKey: sessionKey, text: trimmed, source: source, nowMs: clock.nowMs(), limit: automation.systemEventsMax)
        } catch {
            throw StoreFailure.error(error, doing: "queueing the system event", logger: logger)
        }
        guard let record else {
            throw GatewayError.unavailable(
                "\(automation.systemEventsMax) system events already wait for the next heartbeat (automation.systemEventsMax); wake with mode now to take them, or retry later",
                retryAfterMs: 60_000)
        }
        let waiting = (try? await store.pendingSystemEvents(sessionKey: sessionKey).count) ?? 1
        if wakeNow { scheduler.requestNow(reason: reason) }
        return (record, waiting)
    }

    /// One heartbeat.
    func beat(_ trigger: HeartbeatScheduler.Trigger) async -> HeartbeatScheduler.Outcome {
        let settings = settings
        let now = clock.nowMs()
        if paused.load(ordering: .relaxed) { return .done }
        if trigger.periodic {
            guard settings.everyMs != nil else { return .done }
            if let hours = settings.activeHours, !hours.contains(nowMs: Int64(now)) {
                logger.debug("heartbeat skipped outside active hours")
                return .done
            }
        }
        if !agent.runs.activeRuns(sessionKey: sessionKey).isEmpty { return .busy }
        // No model and no runner: a turn could only fail. A gateway without a provider (the
        // first start) stays quiet instead of logging an error every interval.
        if agent.catalog.providers.isEmpty, agent.config.agent(agentId)?.runner == nil {
            if !trigger.periodic { await emit(status: "skipped", reason: "no-model", startedAtMs: now) }
            return .done
        }
        let events: [SystemEventRecord]
        do {
            events = try await store.pendingSystemEvents(sessionKey: sessionKey)
        } catch {
            await emit(status: "failed", reason: "could not read the system events: \(error)", startedAtMs: now)
            return .done
        }
        if trigger.periodic, events.isEmpty, Self.heartbeatFileIsEmpty(workspace: agent.workspace) {
            await emit(status: "skipped", reason: "empty-heartbeat-file", startedAtMs: now)
            return .done
        }
        let runId = "heartbeat-\(UUID().uuidString.lowercased())"
        let prompt = HeartbeatPrompt.compose(events: events, settings: settings, reason: trigger.reason)
        do {
            try await store.claimSystemEvents(ids: events.map(\.id), runId: runId)
            await saveBeat(now, pendingRunId: runId)
        } catch {
            await emit(status: "failed", reason: "could not claim the system events: \(error)", startedAtMs: now)
            return .done
        }
        let request = RunRequest(
            runId: runId, sessionKey: sessionKey, agentId: agentId, message: prompt, origin: .agent, connectionId: nil,
            timeoutMs: agent.config.timeoutSeconds * 1000, model: nil, extraSystemPrompt: HeartbeatPrompt.systemNote)
        let handle: RunHandle
        do {
            guard case .started(let started) = try await RunStarter.start(request, agent: agent, clock: clock) else {
                await finish(runId: runId, status: .error, text: "", error: "the heartbeat turn was a duplicate", startedAtMs: now)
                return .done
            }
            handle = started
        } catch {
            await finish(runId: runId, status: .error, text: "", error: "could not start the heartbeat turn: \(error)", startedAtMs: now, journaled: false)
            return .done
        }
        logger.info("heartbeat", metadata: ["sb.run": "\(runId)", "reason": "\(trigger.reason)", "events": "\(events.count)"])
        // nil: the gateway is stopping; the next start finishes it (``restore()``).
        guard let result = await handle.waitForResult() else { return .done }
        await finish(runId: runId, status: result.status, text: result.text, error: result.errorMessage, startedAtMs: now)
        return .done
    }

    /// Handles a finished heartbeat turn: its events, its answer, the event and the kept state.
    private func finish(runId: String, status: RunResult.Status, text: String, error: String?, startedAtMs: Int, journaled: Bool = true) async {
        try? await store.finishSystemEvents(runId: runId, consumed: journaled && status == .ok)
        var state = (try? await store.heartbeatState(agentId: agentId)) ?? HeartbeatState()
        var payload = HeartbeatEventPayload(ts: clock.nowMs(), id: runId, status: "failed")
        payload.runId = journaled ? runId : nil
        payload.durationMs = max(0, clock.nowMs() - startedAtMs)
        switch status {
        case .error:
            payload.reason = error ?? "the heartbeat turn failed"
        case .aborted:
            payload.reason = "the heartbeat turn was aborted"
        case .ok:
            let settings = settings
            switch HeartbeatReply.classify(text, ackMaxChars: settings.ackMaxChars) {
            case .empty:
                payload.status = "ok-empty"
                payload.silent = true
            case .acknowledged:
                payload.status = "ok-token"
                payload.silent = true
            case .alert(let alert):
                payload.preview = String(alert.prefix(Self.previewChars))
                if alert == state.lastSentText, let sentAt = state.lastSentAtMs, clock.nowMs() - sentAt < Self.duplicateWindowMs {
                    payload.status = "skipped"
                    payload.reason = "duplicate"
                    payload.silent = true
                    break
                }
                switch await delivery.deliver(
                    alert, target: settings.target, to: settings.to, accountId: settings.accountId, agentId: agentId, idempotencyKey: "heartbeat:\(runId)")
                {
                case .queued(let channel, let to, let accountId):
                    payload.status = "sent"
                    payload.channel = channel
                    payload.to = to
                    payload.accountId = accountId
                    state.lastSentText = alert
                    state.lastSentAtMs = clock.nowMs()
                case .noTarget(let reason):
                    payload.status = "skipped"
                    payload.reason = reason
                    payload.silent = true
                case .failed(let reason), .storeFailed(let reason):
                    payload.status = "failed"
                    payload.reason = reason
                }
            }
        }
        state.pendingRunId = nil
        state.lastEventJSON = (try? JSONEncoder().encode(payload)).map { String(decoding: $0, as: UTF8.self) }
        do {
            try await store.saveHeartbeatState(agentId: agentId, state)
        } catch {
            logger.error("could not save the heartbeat state", metadata: ["error": "\(error)"])
        }
        publish(payload)
    }

    /// A heartbeat that ran no turn.
    private func emit(status: String, reason: String, startedAtMs: Int) async {
        var payload = HeartbeatEventPayload(ts: clock.nowMs(), id: "heartbeat-\(UUID().uuidString.lowercased())", status: status)
        payload.reason = reason
        payload.durationMs = max(0, clock.nowMs() - startedAtMs)
        payload.silent = true
        publish(payload)
        do {
            var state = try await store.heartbeatState(agentId: agentId)
            state.lastBeatAtMs = clock.nowMs()
            state.lastEventJSON = (try? JSONEncoder().encode(payload)).map { String(decoding: $0, as: UTF8.self) }
            try await store.saveHeartbeatState(agentId: agentId, state)
        } catch {
            logger.error("could not save the heartbeat state", metadata: ["error": "\(error)"])
        }
    }

    private func publish(_ payload: HeartbeatEventPayload) {
        lastEvent.withLock { $0 = payload }
        bus.broadcast(HeartbeatEvent.self, payload)
        let level: Logger.Level = payload.status == "failed" ? .error : .info
        logger.log(level: level, "heartbeat \(payload.status)", metadata: ["sb.heartbeat": "\(payload.id)", "reason": "\(payload.reason ?? "")"])
    }

    private func saveBeat(_ now: Int, pendingRunId: String?) async {
        do {
            var state = try await store.heartbeatState(agentId: agentId)
            state.lastBeatAtMs = now
            state.pendingRunId = pendingRunId
            try await store.saveHeartbeatState(agentId: agentId, state)
        } catch {
            logger.error("could not save the heartbeat state", metadata: ["error": "\(error)"])
        }
    }

    static func heartbeatFileIsEmpty(workspace: String) -> Bool {
        let path = (workspace as NSString).appendingPathComponent(HeartbeatFile.fileName)
        guard let data = FileManager.default.contents(atPath: path) else { return false }
        return HeartbeatFile.isEffectivelyEmpty(String(decoding: data, as: UTF8.self))
    }
}
