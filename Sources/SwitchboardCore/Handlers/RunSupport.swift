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

/// Persists the user's message, then queues the run.
enum RunStarter {
    static func start(_ request: RunRequest, parts: GatewayRuntimeParts) async throws -> RunHandle {
        let agent = parts.agent
        try agent.runs.checkCapacity(sessionKey: request.sessionKey)
        let now = parts.clock.nowMs()
        do {
            let session = try await agent.sessions.ensureSession(key: request.sessionKey, agentId: request.agentId, nowMs: now)
            if session.settings["sendPolicy"]?.stringValue == "deny" {
                throw GatewayError.invalidRequest("send blocked by session policy")
            }
            var message = ChatMessage.text(request.message, role: "user", timestamp: now)
            message.runId = request.runId
            _ = try await agent.sessions.append(sessionId: session.sessionId, message: message, state: .complete)
        } catch let error as GatewayError {
            throw error
        } catch {
            throw StoreFailure.error(error, doing: "saving the message", logger: parts.agent.runs.logger)
        }
        return try agent.runs.start(request)
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
