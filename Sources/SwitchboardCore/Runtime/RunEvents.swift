import Synchronization
import SwitchboardAgent
import SwitchboardPluginAPI
import SwitchboardProtocol

/// Turns one run's steps into `agent` and `chat` events (§6.3, §6.4): one per-run `seq` for
/// both streams, assistant text throttled to one event per `throttleMs`, tool steps only to
/// connections with the `tool-events` cap that started or joined the session.
final class RunEvents: Sendable {
    let runId: String
    let sessionKey: String
    let agentId: String
    let originConnectionId: String?
    let includeToolResults: Bool
    let throttleMs: Int
    let bus: EventBus
    let clock: GatewayClock
    let activity: ActivityRelay?

    private struct State {
        var seq = 0
        var text = ""
        /// Text not yet sent in a delta (kept apart so a flush never rescans the whole text).
        var pending = ""
        var lastDeltaAtMs = 0
    }

    private let state = Mutex(State())

    init(
        request: RunRequest, agentId: String, includeToolResults: Bool, throttleMs: Int, bus: EventBus, clock: GatewayClock, activity: ActivityRelay? = nil
    ) {
        runId = request.runId
        sessionKey = request.sessionKey
        self.agentId = agentId
        originConnectionId = request.connectionId
        self.includeToolResults = includeToolResults
        self.throttleMs = throttleMs
        self.bus = bus
        self.clock = clock
        self.activity = activity
    }

    private func nextSeq() -> Int { state.withLock { state in state.seq += 1; return state.seq } }

    var text: String { state.withLock { $0.text } }

    func lifecycle(_ phase: String, extra: [String: JSONValue] = [:]) {
        var data = extra
        data["phase"] = .string(phase)
        agent(stream: "lifecycle", data: .object(data))
    }

    private func agent(stream: String, data: JSONValue) {
        guard let event = agentEvent(stream: stream, data: data) else { return }
        bus.broadcastEncoded(event)
    }

    /// The next `agent` event of this run, encoded (it takes the next `seq`).
    private func agentEvent(stream: String, data: JSONValue) -> EncodedEvent? {
        let payload = AgentEvent.Payload(runId: runId, seq: nextSeq(), stream: stream, ts: clock.nowMs(), data: data, sessionKey: sessionKey)
        return try? EncodedEvent(AgentEvent.self, payload: payload)
    }

    /// Appends streamed text; sends it now if the throttle allows, else leaves it for ``flush``.
    func append(_ delta: String) {
        let due = state.withLock { state -> Bool in
            state.text += delta
            state.pending += delta
            return clock.nowMs() - state.lastDeltaAtMs >= throttleMs
        }
        if due { flush() }
    }

    /// Sends any text not yet sent (an `assistant` agent event and a `chat` delta).
    func flush() {
        let pending = state.withLock { state -> (full: String, delta: String, seqAgent: Int, seqChat: Int)? in
            guard !state.pending.isEmpty else { return nil }
            let delta = state.pending
            state.pending = ""
            state.lastDeltaAtMs = clock.nowMs()
            state.seq += 2
            return (state.text, delta, state.seq - 1, state.seq)
        }
        guard let pending else { return }
        let frames = ChatDeltaFrames(
            runId: runId, sessionKey: sessionKey, agentId: agentId, agentSeq: pending.seqAgent, chatSeq: pending.seqChat, ts: clock.nowMs(),
            full: pending.full, delta: pending.delta
        )
        bus.broadcastTextStep(runId: runId, assistant: frames.assistant, v3: frames.v3, v4Full: frames.v4Full, v4Append: frames.v4Append)
    }

    func toolStarted(_ call: ToolCall) {
        flush()
        activity?.emit(.toolStart) { hookEvent(.toolStart, ["tool_name": .string(call.name), "tool_call_id": .string(call.id)]) }
        tool(["phase": "start", "name": .string(call.name), "toolCallId": .string(call.id), "args": call.arguments ?? .null])
    }

    func toolFinished(_ call: ToolCall, output: ToolOutput, durationMs: Int) {
        var data: [String: JSONValue] = [
            "phase": "result", "name": .string(call.name), "toolCallId": .string(call.id), "isError": .bool(output.isError),
            "durationMs": .int(durationMs),
        ]
        if includeToolResults || output.isError { data["result"] = .string(output.text) }
        tool(data)
        let type: HookEventType = output.isError ? .toolError : .toolEnd
        activity?.emit(type) {
            var details: [String: JSONValue] = ["tool_name": .string(call.name), "tool_call_id": .string(call.id), "duration_ms": .int(durationMs)]
            if output.isError { details["error"] = .string(String(output.text.prefix(Self.hookTextLimit))) }
            return hookEvent(type, details)
        }
    }

    /// The most of a message or error a hook event carries.
    static let hookTextLimit = 4000

    /// A hook event about this run (`CLARA_REQUEST_ID` is the run id).
    func hookEvent(_ type: HookEventType, _ data: [String: JSONValue]) -> HookEvent {
        var data = data
        data["session_key"] = .string(sessionKey)
        data["agent_id"] = .string(agentId)
        return HookEvent(type, timestampMs: Int64(clock.nowMs()), requestId: runId, data: data)
    }

    private func tool(_ data: [String: JSONValue]) {
        let payload = AgentEvent.Payload(runId: runId, seq: nextSeq(), stream: "tool", ts: clock.nowMs(), data: .object(data), sessionKey: sessionKey)
        guard let event = try? EncodedEvent(AgentEvent.self, payload: payload) else { return }
        let origin = originConnectionId
        let sessionKey = sessionKey
        bus.sendTargeted(event) { connection in
            guard connection.principal?.caps.contains("tool-events") == true else { return false }
            return connection.id == origin || connection.hasJoined(session: sessionKey)
        }
    }

    /// The terminal `chat` event and lifecycle event for `result`.
    func finish(_ result: RunResult) {
        flush()
        let now = clock.nowMs()
        let seq = nextSeq()
        var payload = ChatEvent.Payload(runId: runId, sessionKey: sessionKey, seq: seq, state: "final")
        let text = result.text
        let message: ChatMessage? = text.isEmpty ? nil : .text(text, role: "assistant", timestamp: now)
        let usage = ChatUsage(input: result.usage.input, output: result.usage.output)
        switch result.status {
        case .ok:
            payload.message = message
            payload.usage = usage
            payload.stopReason = result.stopReason
        case .aborted:
            payload.state = "aborted"
            payload.message = message
            payload.stopReason = result.stopReason
        case .error:
            payload.state = "error"
            payload.errorMessage = result.errorMessage
            payload.errorKind = result.errorKind
            payload.message = message
        }
        var v4 = payload
        v4.agentId = agentId
        guard let v3Event = try? EncodedEvent(ChatEvent.self, payload: payload, dropIfSlow: false),
            let v4Event = try? EncodedEvent(ChatEvent.self, payload: v4, dropIfSlow: false)
        else { return }
        let lifecycle: EncodedEvent? =
            switch result.status {
            case .ok:
                agentEvent(
                    stream: "lifecycle",
                    data: ["phase": "end", "stopReason": .string(result.stopReason ?? "stop"), "usage": ["input": .int(usage.input), "output": .int(usage.output)]]
                )
            case .aborted:
                agentEvent(stream: "lifecycle", data: ["phase": "end", "aborted": true, "stopReason": .string(result.stopReason ?? "rpc")])
            case .error:
                agentEvent(stream: "lifecycle", data: ["phase": "error", "error": .string(result.errorMessage ?? "run failed")])
            }
        bus.broadcastChatEnd(runId: runId, v3: v3Event, v4: v4Event, lifecycle: lifecycle)
        switch result.status {
        case .ok:
            activity?.emit(.messageSent) { hookEvent(.messageSent, ["text": .string(String(text.prefix(Self.hookTextLimit)))]) }
        case .aborted:
            activity?.emit(.messageCancelled) { hookEvent(.messageCancelled, ["reason": .string(result.stopReason ?? "abort")]) }
            // A run stopped at its time limit: the session timed out waiting for the agent.
            if result.stopReason == "timeout" {
                activity?.emit(.sessionTimeout) { hookEvent(.sessionTimeout, ["reason": "timeout"]) }
            }
        case .error: break
        }
    }
}
