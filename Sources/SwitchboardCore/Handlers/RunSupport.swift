import SwitchboardPluginAPI
import Foundation
import SwitchboardAgent
import SwitchboardProtocol

/// The agent and session a run targets, validated (§8 step 1).
struct RunTarget {
    var agentId: String
    var sessionKey: String

    static func resolve(agentId: String?, sessionKey: String?, config: AgentConfiguration) throws -> RunTarget {
        let key = try sessionKey.map { try AgentIdentity.canonicalSessionKey($0) }
        let keyAgent = key.map(AgentIdentity.agentId(forSessionKey:))
        let id = agentId ?? keyAgent ?? AgentConfiguration.defaultAgentId
        guard config.agent(id) != nil else {
            throw GatewayError.invalidRequest("unknown agent id \"\(id)\"; configured: \(AgentMethods.agentIds(config))")
        }
        if let agentId, let key, key.hasPrefix("agent:"), keyAgent != agentId {
            throw GatewayError.invalidRequest("agentId \"\(agentId)\" does not match sessionKey \"\(key)\"")
        }
        return RunTarget(agentId: id, sessionKey: key ?? AgentIdentity.mainSessionKey(agentId: id))
    }
}

/// The attachments of a `chat.send` or `agent`, read with the live limits.
enum RunAttachments {
    static func read(_ items: [JSONValue]?, config: AgentConfiguration) throws(GatewayError) -> AttachmentReader.Parsed {
        guard let items, !items.isEmpty else { return .init() }
        return try AttachmentReader(limits: .init(maxBytes: config.attachmentMaxBytes, maxCount: config.attachmentMaxCount)).read(items)
    }
}

/// Journals the run with the user's message (one transaction, before the ack), then queues it.
enum RunStarter {
    enum Started {
        case started(RunHandle)
        /// The run id was journaled before (a retry whose first ack was lost, or after a restart).
        case duplicate(RunRecord)
    }

    static func start(_ request: RunRequest, parts: GatewayRuntimeParts) async throws -> Started {
        try await start(request, agent: parts.agent, clock: parts.clock)
    }

    static func start(_ request: RunRequest, agent: AgentRuntime, clock: GatewayClock) async throws -> Started {
        try agent.runs.checkCapacity(sessionKey: request.sessionKey)
        let now = clock.nowMs()
        var request = request
        request.journaled = true
        let acceptance: RunAcceptance
        do {
            var message = ChatMessage.text(request.message, role: "user", timestamp: now)
            if request.message.isEmpty { message.content = [] }
            message.content += request.images
            message.runId = request.runId
            let record = RunRecord(
                runId: request.runId, sessionKey: request.sessionKey, agentId: request.agentId, origin: request.origin == .agent ? "agent" : "chat",
                message: request.message, timeoutMs: request.timeoutMs, model: request.model, extraSystemPrompt: request.extraSystemPrompt,
                acceptedAtMs: now, updatedAtMs: now
            )
            // The session is found (or made) in the same transaction: one commit per accepted message.
            acceptance = try await agent.runs.journal.accept(record, userMessage: message) { session in
                session.settings["sendPolicy"]?.stringValue != "deny"
            }
        } catch {
            throw StoreFailure.error(error, doing: "saving the message", logger: agent.runs.logger)
        }
        switch acceptance {
        case .accepted:
            agent.runs.activity.messageReceived(
                runId: request.runId, text: request.message, sessionKey: request.sessionKey, agentId: request.agentId, atMs: now)
            return .started(try agent.runs.start(request, resumed: true))
        case .duplicate(let record): return .duplicate(record)
        case .refused: throw GatewayError.invalidRequest("send blocked by session policy")
        }
    }
}

/// Waiting on runs from request handlers, interruptible by a v4 `cancel` frame.
enum RunWaiting {
    /// The run's result; nil on timeout or when the request was cancelled.
    static func result(of handle: RunHandle, timeoutMs: Int?, context: RequestContext) async -> RunResult? {
        let cancel = context.connection?.registerCancellation(requestId: context.requestId) ?? OneShotSignal()
        defer { context.connection?.unregisterCancellation(requestId: context.requestId) }
        return await withTaskGroup(of: RunResult?.self) { group in
            group.addTask { await handle.waitForResult() }
            group.addTask {
                await cancel.wait()
                return nil
            }
            if let timeoutMs {
                group.addTask {
                    try? await Task.sleep(for: .milliseconds(timeoutMs))
                    return nil
                }
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? handle.result
        }
    }
}
