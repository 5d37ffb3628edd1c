import SwitchboardPluginAPI
import Foundation
import SwitchboardAgent
import SwitchboardProtocol

/// `chat.send`, `chat.abort`, `chat.inject` and `chat.history` (§5.2).
struct ChatMethods {
    let parts: GatewayRuntimeParts

    /// Messages that stop the session's runs instead of starting one.
    static let stopCommands: Set = ["/stop", "/abort", "/cancel"]

    func register(into registry: inout MethodRegistry) {
        let parts = parts
        let agent = parts.agent
        registry.register(ChatSend.self) { params, context in
            try await Self.send(params, context: context, parts: parts)
        }
        registry.register(ChatAbort.self) { params, context in
            let key = try AgentIdentity.canonicalSessionKey(params.sessionKey)
            if let runId = params.runId, let handle = agent.runs.run(runId), handle.sessionKey != key {
                throw GatewayError.invalidRequest("runId does not match sessionKey")
            }
            return ChatAbort.Result(runIds: agent.runs.abort(sessionKey: key, runId: params.runId, reason: "rpc"))
        }
        registry.register(ChatInject.self) { params, context in
            let key = try AgentIdentity.canonicalSessionKey(params.sessionKey)
            if let label = params.label, label.count > ChatInject.Params.maxLabelLength {
                throw GatewayError.invalidRequest("invalid params: label must be at most \(ChatInject.Params.maxLabelLength) characters")
            }
            let now = parts.clock.nowMs()
            let session = try await agent.sessions.ensureSession(key: key, agentId: AgentIdentity.agentId(forSessionKey: key), nowMs: now)
            var message = ChatMessage.text(params.message, role: "assistant", timestamp: now)
            message.label = params.label
            let id = try await agent.sessions.append(sessionId: session.sessionId, message: message, state: .complete)
            var event = ChatEvent.Payload(runId: "inject-\(id)", sessionKey: key, seq: 0, state: "final")
            message.id = String(id)
            event.message = message
            parts.bus.broadcast(ChatEvent.self, event)
            return ChatInject.Result(messageId: String(id))
        }
        registry.register(ChatHistory.self) { params, context in
            let key = try AgentIdentity.canonicalSessionKey(params.sessionKey)
            let limit = params.limit ?? ChatHistory.Params.defaultLimit
            guard ChatHistory.Params.limitRange.contains(limit) else {
                throw GatewayError.invalidRequest("invalid params: limit must be from 1 to \(ChatHistory.Params.limitRange.upperBound)")
            }
            context.connection?.join(session: key)
            guard let session = try await agent.sessions.session(key: key) else {
                return ChatHistory.Result(sessionKey: key, sessionId: nil, messages: [])
            }
            let entries = try await agent.sessions.transcript(sessionId: session.sessionId, limit: limit)
            var result = ChatHistory.Result(sessionKey: key, sessionId: session.sessionId, messages: HistorySanitizer.sanitize(entries.map(\.message)))
            result.thinkingLevel = session.settings["thinkingLevel"]?.stringValue
            result.verboseLevel = session.settings["verboseLevel"]?.stringValue
            return result
        }
    }

    static func send(_ params: ChatSend.Params, context: RequestContext, parts: GatewayRuntimeParts) async throws -> ChatSend.Result {
        let agent = parts.agent
        let key = try InputLimits.idempotencyKey(params.idempotencyKey)
        let target = try RunTarget.resolve(agentId: params.agentId, sessionKey: params.sessionKey, config: agent.config)
        context.connection?.join(session: target.sessionKey)
        let text = params.message.trimmingCharacters(in: .whitespacesAndNewlines)
        if stopCommands.contains(text.lowercased()) && (params.attachments ?? []).isEmpty {
            return ChatSend.Result(abortedRunIds: agent.runs.abort(sessionKey: target.sessionKey, runId: nil, reason: "stop"))
        }
        let attachments = try RunAttachments.read(params.attachments, config: agent.config)
        guard !text.isEmpty || !attachments.isEmpty else { throw GatewayError.invalidRequest("message or attachment required") }
        let cacheKey = "chat:\(key)"
        switch parts.idempotency.claim(cacheKey, ack: ChatSend.Result(runId: key, status: "in_flight").jsonValue) {
        case .existing(.inFlight):
            return ChatSend.Result(runId: key, status: "in_flight")
        case .existing(.completed(_, let payload, _)):
            return try (payload ?? .null).decode(ChatSend.Result.self)
        case .claimed:
            break
        }
        let handle: RunHandle
        do {
            let timeoutMs = params.timeoutMs ?? agent.config.timeoutSeconds * 1000
            var request = RunRequest(
                runId: key, sessionKey: target.sessionKey, agentId: target.agentId, message: params.message + attachments.text, origin: .chat,
                connectionId: context.connectionId, timeoutMs: timeoutMs, model: nil, extraSystemPrompt: nil
            )
            request.images = attachments.images
            let started = try await RunStarter.start(request, parts: parts)
            switch started {
            case .started(let started): handle = started
            case .duplicate(let record):
                // Journaled before (a retry after a lost ack or a restart): nothing is stored or run again.
                parts.idempotency.release(cacheKey)
                return Self.result(of: record)
            }
        } catch {
            parts.idempotency.release(cacheKey)
            throw error
        }
        // The dedupe entry later holds the outcome; the run service reports it when done.
        handle.onFinish { result in
            let payload = result.status == .ok
                ? ChatSend.Result(runId: key, status: "ok")
                : ChatSend.Result(runId: key, status: "error", summary: result.errorMessage ?? "aborted (\(result.stopReason ?? "rpc"))")
            parts.idempotency.complete(cacheKey, ok: true, payload: payload.jsonValue, error: nil)
        }
        return ChatSend.Result(runId: key, status: "started")
    }

    /// What a retry of a journaled run is told.
    static func result(of record: RunRecord) -> ChatSend.Result {
        switch record.state {
        case .queued, .running: ChatSend.Result(runId: record.runId, status: "in_flight")
        case .done where record.outcome == "ok": ChatSend.Result(runId: record.runId, status: "ok")
        case .done, .interrupted: ChatSend.Result(runId: record.runId, status: "error", summary: record.summary ?? record.outcome ?? "interrupted")
        }
    }
}
