import SwitchboardAgent
import Foundation
import SwitchboardPluginAPI
import SwitchboardProtocol

/// `sessions.list`, `.preview`, `.resolve`, `.patch`, `.reset`, `.delete`, `.compact` (§5.3).
struct SessionMethods {
    let parts: GatewayRuntimeParts

    func register(into registry: inout MethodRegistry) {
        let parts = parts
        let agent = parts.agent
        let store = agent.sessions
        registry.register(SessionsList.self) { params, _ in
            let limit = min(max(params.limit ?? 200, 1), SessionsList.Params.maxLimit)
            let activeSince = params.activeMinutes.map { parts.clock.nowMs() - $0 * 60_000 }
            let records = try await store.sessions(limit: limit, search: params.search, activeSinceMs: activeSince, agentId: params.agentId, label: params.label)
            var rows: [SessionRow] = []
            for record in records {
                rows.append(try await Self.row(record, store: store, includeLast: params.includeLastMessage == true))
            }
            let model = agent.catalog.defaultModel.map(ModelCatalog.split)
            return SessionsList.Result(
                ts: parts.clock.nowMs(), path: parts.loaded.paths.databasePath, count: rows.count,
                defaults: .init(
                    agentId: AgentConfiguration.defaultAgentId, model: model?.model, modelProvider: model?.provider,
                    mainSessionKey: AgentIdentity.mainSessionKey(agentId: AgentConfiguration.defaultAgentId)
                ),
                sessions: rows
            )
        }
        registry.register(SessionsPreview.self) { params, _ in
            guard !params.keys.isEmpty, params.keys.count <= SessionsPreview.Params.maxKeys else {
                throw GatewayError.invalidRequest("invalid params: keys must list 1 to \(SessionsPreview.Params.maxKeys) session keys")
            }
            let limit = min(max(params.limit ?? SessionsPreview.Params.defaultLimit, 1), 100)
            let maxChars = max(params.maxChars ?? SessionsPreview.Params.defaultMaxChars, 20)
            var previews: [SessionsPreview.Preview] = []
            for raw in params.keys {
                let key = (try? AgentIdentity.canonicalSessionKey(raw, field: "keys")) ?? raw
                guard let session = try await store.session(key: key) else {
                    previews.append(.init(key: raw, status: "missing", items: []))
                    continue
                }
                let entries = try await store.transcript(sessionId: session.sessionId, limit: limit)
                let items = entries.map { SessionsPreview.Item(role: $0.message.role, text: String($0.message.text.prefix(maxChars))) }
                previews.append(.init(key: raw, status: items.isEmpty ? "empty" : "ok", items: items))
            }
            return SessionsPreview.Result(ts: parts.clock.nowMs(), previews: previews)
        }
        registry.register(SessionsResolve.self) { params, _ in
            // OpenClaw's rules and messages (src/gateway/sessions-resolve.ts): exactly one selector,
            // INVALID_REQUEST "No session found: <as given>" unless allowMissing.
            func trimmed(_ value: String?) -> String? {
                value.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
            }
            let (key, sessionId, label) = (trimmed(params.key), trimmed(params.sessionId), trimmed(params.label))
            let selected = [key, sessionId, label].compactMap { $0 }.count
            guard selected <= 1 else { throw GatewayError.invalidRequest("Provide either key, sessionId, or label (not multiple)") }
            guard selected == 1 else { throw GatewayError.invalidRequest("Either key, sessionId, or label is required") }
            func missing(_ message: String) throws -> SessionsResolve.Result {
                if params.allowMissing == true { return .missing }
                throw GatewayError.invalidRequest(message)
            }
            if let key {
                let canonical = try AgentIdentity.canonicalSessionKey(key, field: "key")
                if let agentId = params.agentId, AgentIdentity.agentId(forSessionKey: canonical) != agentId { return try missing("No session found: \(key)") }
                guard try await store.session(key: canonical) != nil else { return try missing("No session found: \(key)") }
                return SessionsResolve.Result(key: canonical)
            }
            if let sessionId {
                let bySessionId = try await store.session(sessionId: sessionId)
                let byKey = bySessionId == nil ? try await store.session(key: sessionId) : nil
                guard let record = bySessionId ?? byKey else {
                    return try missing("No session found: \(sessionId)")
                }
                return SessionsResolve.Result(key: record.key)
            }
            let wanted = label ?? ""
            let matches = try await store.sessions(limit: 2, search: nil, activeSinceMs: nil, agentId: params.agentId, label: wanted)
            guard let first = matches.first else { return try missing("No session found with label: \(wanted)") }
            guard matches.count == 1 else {
                throw GatewayError.invalidRequest("Multiple sessions found with label: \(wanted) (\(matches.map(\.key).joined(separator: ", ")))")
            }
            return SessionsResolve.Result(key: first.key)
        }
        registry.register(SessionsPatch.self) { params, _ in
            let key = try AgentIdentity.canonicalSessionKey(params.key, field: "key")
            if let problem = params.validationProblem { throw GatewayError.invalidRequest("invalid params: \(problem)") }
            if let model = params.changes["model"]?.stringValue {
                do { _ = try agent.catalog.resolve(model) } catch let error as any GatewayErrorConvertible {
                    throw GatewayError.invalidRequest("model: \(error.gatewayError.message)")
                }
            }
            let now = parts.clock.nowMs()
            _ = try await store.ensureSession(key: key, agentId: AgentIdentity.agentId(forSessionKey: key), nowMs: now)
            guard let record = try await store.patchSession(key: key, changes: params.changes, nowMs: now) else {
                throw GatewayError.invalidRequest("no session with key \(key)")
            }
            return SessionMutationResult(key: key, entry: try await Self.row(record, store: store, includeLast: false))
        }
        registry.register(SessionsReset.self) { params, _ in
            let key = try AgentIdentity.canonicalSessionKey(params.key, field: "key")
            _ = agent.runs.abort(sessionKey: key, runId: nil, reason: "reset")
            guard let record = try await store.resetSession(key: key, nowMs: parts.clock.nowMs()) else {
                throw GatewayError.invalidRequest("no session with key \(key)")
            }
            return SessionMutationResult(key: key, entry: try await Self.row(record, store: store, includeLast: false))
        }
        registry.register(SessionsDelete.self) { params, _ in
            let key = try AgentIdentity.canonicalSessionKey(params.key, field: "key")
            _ = agent.runs.abort(sessionKey: key, runId: nil, reason: "deleted")
            let deleted = try await store.deleteSession(key: key, deleteTranscript: params.deleteTranscript ?? false)
            return SessionMutationResult(key: key, deleted: deleted)
        }
        registry.register(SessionsCompact.self) { params, _ in
            let key = try AgentIdentity.canonicalSessionKey(params.key, field: "key")
            let keep = params.maxLines ?? SessionsCompact.Params.defaultMaxLines
            guard keep >= 1 else { throw GatewayError.invalidRequest("invalid params: maxLines must be at least 1") }
            guard let record = try await store.session(key: key) else { throw GatewayError.invalidRequest("no session with key \(key)") }
            let removed = try await store.compact(sessionId: record.sessionId, keep: keep)
            let kept = try await store.transcriptCount(sessionId: record.sessionId)
            return SessionMutationResult(key: key, kept: kept, removed: removed)
        }
    }

    static func row(_ record: SessionRecord, store: any SessionStoring, includeLast: Bool) async throws -> SessionRow {
        var row = SessionRow(key: record.key, sessionId: record.sessionId, agentId: record.agentId, createdAt: record.createdAtMs, updatedAt: record.updatedAtMs)
        let settings = record.settings
        row.label = settings["label"]?.stringValue
        row.displayName = row.label
        if let model = settings["model"]?.stringValue.map(ModelCatalog.split) {
            row.modelProvider = model.provider
            row.model = model.model
        }
        row.thinkingLevel = settings["thinkingLevel"]?.stringValue
        row.verboseLevel = settings["verboseLevel"]?.stringValue
        row.reasoningLevel = settings["reasoningLevel"]?.stringValue
        row.responseUsage = settings["responseUsage"]?.stringValue
        row.sendPolicy = settings["sendPolicy"]?.stringValue
        row.groupActivation = settings["groupActivation"]?.stringValue
        row.inputTokens = record.inputTokens
        row.outputTokens = record.outputTokens
        row.totalTokens = record.inputTokens + record.outputTokens
        row.messageCount = try await store.transcriptCount(sessionId: record.sessionId)
        if includeLast { row.lastMessage = try await store.transcript(sessionId: record.sessionId, limit: 1).last?.message }
        return row
    }
}
