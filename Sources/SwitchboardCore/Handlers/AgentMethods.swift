import SwitchboardPluginAPI
import Foundation
import SwitchboardAgent
import SwitchboardProtocol

/// `agent`, `agent.wait`, `agent.identity.get` and `models.list` (§5.2, §8).
struct AgentMethods {
    let parts: GatewayRuntimeParts

    func register(into registry: inout MethodRegistry) {
        let parts = parts
        let agent = parts.agent
        registry.register(AgentRun.self) { params, context in
            try await Self.runAgent(params, context: context, parts: parts)
        }
        registry.register(AgentWait.self) { params, context in
            let timeoutMs = max(0, params.timeoutMs ?? AgentWait.Params.defaultTimeoutMs)
            guard let handle = agent.runs.run(params.runId) else {
                // Finished before the last restart: the journal has its outcome.
                if let record = try? await agent.runs.journal.run(id: params.runId), record.state == .done || record.state == .interrupted {
                    let ok = record.outcome == "ok"
                    return AgentWait.Result(
                        runId: params.runId, status: ok ? "ok" : "error", startedAt: nil, endedAt: record.updatedAtMs,
                        error: ok ? nil : (record.summary ?? "interrupted")
                    )
                }
                // Unknown run: it may not have been submitted yet; OpenClaw waits, then times out.
                try await Task.sleep(for: .milliseconds(min(timeoutMs, 1000)))
                if let handle = agent.runs.run(params.runId), let result = handle.result { return Self.waitResult(params.runId, result) }
                return AgentWait.Result(runId: params.runId, status: "timeout")
            }
            context.connection?.join(session: handle.sessionKey)
            guard let result = await RunWaiting.result(of: handle, timeoutMs: timeoutMs, context: context) else {
                return AgentWait.Result(runId: params.runId, status: "timeout")
            }
            return Self.waitResult(params.runId, result)
        }
        registry.register(AgentIdentityGet.self) { params, _ in
            let id: String
            if let agentId = params.agentId {
                id = agentId
            } else if let key = params.sessionKey {
                id = AgentIdentity.agentId(forSessionKey: key)
            } else {
                id = AgentConfiguration.defaultAgentId
            }
            guard let definition = agent.config.agent(id) else {
                throw GatewayError.invalidRequest("unknown agent id \"\(id)\"; configured: \(Self.agentIds(agent.config))")
            }
            return AgentIdentityGet.Result(agentId: definition.id, name: definition.name ?? "Switchboard", avatar: definition.avatar, emoji: definition.emoji)
        }
        registry.register(ModelsList.self) { _, _ in
            let catalog = agent.catalog
            var models: [ModelsList.Model] = []
            for provider in catalog.providers {
                for model in provider.models {
                    let id = "\(provider.id)/\(model.id)"
                    models.append(
                        ModelsList.Model(
                            id: id, name: model.name ?? model.id, provider: provider.id, contextWindow: model.contextWindow,
                            reasoning: model.reasoning
                        )
                    )
                }
            }
            return ModelsList.Result(models: models)
        }
    }

    static func agentIds(_ config: AgentConfiguration) -> String {
        Set([AgentConfiguration.defaultAgentId] + config.agents.map(\.id)).sorted().joined(separator: ", ")
    }

    static func waitResult(_ runId: String, _ result: RunResult) -> AgentWait.Result {
        AgentWait.Result(
            runId: runId, status: result.status == .ok ? "ok" : "error", startedAt: result.startedAtMs, endedAt: result.endedAtMs,
            error: result.status == .ok ? nil : (result.errorMessage ?? "aborted (\(result.stopReason ?? "rpc"))")
        )
    }

    /// Resolves agent and session, dedupes, acks, waits and answers with the second `res`.
    static func runAgent(_ params: AgentRun.Params, context: RequestContext, parts: GatewayRuntimeParts) async throws -> AgentRun.Result {
        let agent = parts.agent
        let key = try InputLimits.idempotencyKey(params.idempotencyKey)
        let target = try RunTarget.resolve(agentId: params.agentId, sessionKey: params.sessionKey, config: agent.config)
        let attachments = try RunAttachments.read(params.attachments, config: agent.config)
        let text = params.message + attachments.text
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty || !attachments.images.isEmpty else {
            throw GatewayError.invalidRequest("message or attachment required")
        }
        context.connection?.join(session: target.sessionKey)
        let runId = key
        let cacheKey = "agent:\(key)"
        let ack = AgentRun.Result(runId: runId, status: "accepted", acceptedAt: parts.clock.nowMs())
        switch parts.idempotency.claim(cacheKey, ack: try JSONValue(encoding: ack)) {
        case .existing(.inFlight(let cachedAck)):
            if let cachedAck { sendInterim(cachedAck, context: context) }
            guard let handle = agent.runs.run(runId) else { return ack }
            return try await finalAnswer(handle: handle, context: context, parts: parts, cacheKey: cacheKey)
        case .existing(.completed(let ok, let payload, let error)):
            let result = try (payload ?? .null).decode(AgentRun.Result.self)
            if ok { return result }
            throw GatewayFailure(error: error ?? .unavailable("run failed"), payload: payload ?? .null)
        case .claimed:
            break
        }
        let handle: RunHandle
        do {
            let timeoutMs = params.timeout.map { $0 > 0 ? $0 * 1000 : agent.config.timeoutSeconds * 1000 } ?? agent.config.timeoutSeconds * 1000
            var request = RunRequest(
                runId: runId, sessionKey: target.sessionKey, agentId: target.agentId, message: text, origin: .agent,
                connectionId: context.connectionId, timeoutMs: timeoutMs, model: params.model, extraSystemPrompt: params.extraSystemPrompt
            )
            request.images = attachments.images
            let started = try await RunStarter.start(
                request,
                parts: parts
            )
            switch started {
            case .started(let started): handle = started
            case .duplicate(let record):
                parts.idempotency.release(cacheKey)
                return try await journaledAnswer(record, context: context, parts: parts, cacheKey: cacheKey)
            }
        } catch {
            parts.idempotency.release(cacheKey)
            throw error
        }
        sendInterim(try JSONValue(encoding: AgentRun.Result(runId: runId, status: "accepted", acceptedAt: handle.acceptedAtMs)), context: context)
        return try await finalAnswer(handle: handle, context: context, parts: parts, cacheKey: cacheKey)
    }

    /// A retry of a run journaled before: wait for it if it is still going, else answer from the journal.
    private static func journaledAnswer(_ record: RunRecord, context: RequestContext, parts: GatewayRuntimeParts, cacheKey: String) async throws
        -> AgentRun.Result
    {
        if let handle = parts.agent.runs.run(record.runId) {
            sendInterim(try JSONValue(encoding: AgentRun.Result(runId: record.runId, status: "accepted", acceptedAt: record.acceptedAtMs)), context: context)
            return try await finalAnswer(handle: handle, context: context, parts: parts, cacheKey: cacheKey)
        }
        switch record.state {
        case .queued, .running:
            return AgentRun.Result(runId: record.runId, status: "accepted", acceptedAt: record.acceptedAtMs)
        case .done where record.outcome == "ok":
            return AgentRun.Result(runId: record.runId, status: "ok", summary: "completed")
        case .done, .interrupted:
            let summary = record.summary ?? "interrupted"
            let payload = try JSONValue(encoding: AgentRun.Result(runId: record.runId, status: "error", summary: summary))
            throw GatewayFailure(error: GatewayError(code: .unavailable, message: summary), payload: payload)
        }
    }

    private static func finalAnswer(handle: RunHandle, context: RequestContext, parts: GatewayRuntimeParts, cacheKey: String) async throws -> AgentRun.Result {
        guard let result = await RunWaiting.result(of: handle, timeoutMs: nil, context: context) else {
            throw GatewayError.unavailable("request cancelled; the run goes on (runId \(handle.runId)); use agent.wait or chat.abort")
        }
        let final: AgentRun.Result
        switch result.status {
        case .ok:
            final = AgentRun.Result(
                runId: handle.runId, status: "ok", summary: "completed",
                result: AgentRun.RunResult(
                    text: result.text, sessionKey: handle.sessionKey, stopReason: result.stopReason,
                    usage: ChatUsage(input: result.usage.input, output: result.usage.output), toolCalls: result.toolCalls
                )
            )
            parts.idempotency.complete(cacheKey, ok: true, payload: try JSONValue(encoding: final), error: nil)
            return final
        case .error, .aborted:
            let summary = result.errorMessage ?? "aborted (\(result.stopReason ?? "rpc"))"
            final = AgentRun.Result(runId: handle.runId, status: "error", summary: summary)
            let payload = try JSONValue(encoding: final)
            let error = GatewayError(code: .unavailable, message: summary)
            parts.idempotency.complete(cacheKey, ok: false, payload: payload, error: error)
            throw GatewayFailure(error: error, payload: payload)
        }
    }

    /// The first of two `res` frames for one request id (§8).
    static func sendInterim(_ payload: JSONValue, context: RequestContext) {
        context.connection?.send(Dispatcher.successFrame(id: context.requestId, payload))
    }
}
