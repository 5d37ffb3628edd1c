/// `agent` (scope write): run the agent on a message. Two `res` frames share the request id:
/// first `{runId, status:"accepted", acceptedAt}`, then the outcome (§8).
public enum AgentRun: GatewayMethod {
    public static let name = "agent"
    public static let access = MethodAccess.scope(.write)
    public static let summary = "Run the agent; answers accepted, then a second res with the result."

    public struct Params: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var message: String
        public var idempotencyKey: String
        public var agentId: String?
        public var sessionKey: String?
        public var sessionId: String?
        public var model: String?
        public var thinking: String?
        public var timeout: Int?
        public var extraSystemPrompt: String?
        public var label: String?
        public var deliver: Bool?
        /// Images and text files (OpenClaw's `{type?, mimeType?, fileName?, content}`).
        public var attachments: [JSONValue]?

        public init(message: String, idempotencyKey: String, agentId: String? = nil, sessionKey: String? = nil, timeout: Int? = nil) {
            self.message = message
            self.idempotencyKey = idempotencyKey
            self.agentId = agentId
            self.sessionKey = sessionKey
            self.timeout = timeout
        }

        public static var jsonSchema: JSONSchema {
            .openObject(
                .init("message", .string(), required: true),
                .init("idempotencyKey", .string(minLength: 1, maxLength: InputLimits.idempotencyKey), required: true),
                .init("agentId", .string()),
                .init("sessionKey", .string()),
                .init("sessionId", .string()),
                .init("model", .string()),
                .init("thinking", .string()),
                .init("timeout", .integer(description: "seconds", minimum: 0)),
                .init("extraSystemPrompt", .string()),
                .init("label", .string()),
                .init("attachments", .array(items: .any())),
                .init("deliver", .boolean())
            )
        }
    }

    /// `accepted` (first res), `ok` (second res) or `error` (second res, with `ok:false`).
    public struct Result: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var runId: String
        public var status: String
        public var acceptedAt: Int?
        public var summary: String?
        public var result: RunResult?

        public init(runId: String, status: String, acceptedAt: Int? = nil, summary: String? = nil, result: RunResult? = nil) {
            self.runId = runId
            self.status = status
            self.acceptedAt = acceptedAt
            self.summary = summary
            self.result = result
        }

        public static var jsonSchema: JSONSchema {
            .openObject(
                .init("runId", .string(), required: true),
                .init("status", .string(enumValues: ["accepted", "ok", "error", "in_flight"]), required: true),
                .init("acceptedAt", .integer(minimum: 0)),
                .init("summary", .string()),
                .init("result", RunResult.jsonSchema)
            )
        }
    }

    /// What a finished run produced.
    public struct RunResult: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var text: String
        public var sessionKey: String
        public var stopReason: String?
        public var usage: ChatUsage?
        public var toolCalls: Int?

        public init(text: String, sessionKey: String, stopReason: String?, usage: ChatUsage?, toolCalls: Int?) {
            self.text = text
            self.sessionKey = sessionKey
            self.stopReason = stopReason
            self.usage = usage
            self.toolCalls = toolCalls
        }

        public static var jsonSchema: JSONSchema {
            .openObject(
                .init("text", .string(), required: true),
                .init("sessionKey", .string(), required: true),
                .init("stopReason", .string()),
                .init("usage", ChatUsage.jsonSchema),
                .init("toolCalls", .integer(minimum: 0))
            )
        }
    }
}

/// `agent.wait` (scope write): wait for a run to end; never stops it (§8).
public enum AgentWait: GatewayMethod {
    public static let name = "agent.wait"
    public static let access = MethodAccess.scope(.write)
    public static let summary = "Wait for a run to finish (default 30 s); does not stop it."

    public struct Params: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var runId: String
        public var timeoutMs: Int?

        public init(runId: String, timeoutMs: Int? = nil) {
            self.runId = runId
            self.timeoutMs = timeoutMs
        }

        public static let defaultTimeoutMs = 30_000

        public static var jsonSchema: JSONSchema {
            .object(.init("runId", .string(minLength: 1), required: true), .init("timeoutMs", .integer(minimum: 0)))
        }
    }

    public struct Result: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var runId: String
        /// `ok`, `error` or `timeout`.
        public var status: String
        public var startedAt: Int?
        public var endedAt: Int?
        public var error: String?

        public init(runId: String, status: String, startedAt: Int? = nil, endedAt: Int? = nil, error: String? = nil) {
            self.runId = runId
            self.status = status
            self.startedAt = startedAt
            self.endedAt = endedAt
            self.error = error
        }

        public static var jsonSchema: JSONSchema {
            .openObject(
                .init("runId", .string(), required: true),
                .init("status", .string(enumValues: ["ok", "error", "timeout"]), required: true),
                .init("startedAt", .integer(minimum: 0)),
                .init("endedAt", .integer(minimum: 0)),
                .init("error", .string())
            )
        }
    }
}

/// `agent.identity.get` (scope read): the agent's display identity.
public enum AgentIdentityGet: GatewayMethod {
    public static let name = "agent.identity.get"
    public static let access = MethodAccess.scope(.read)
    public static let summary = "Name, avatar and emoji of an agent."

    public struct Params: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var agentId: String?
        public var sessionKey: String?

        public init(agentId: String? = nil, sessionKey: String? = nil) {
            self.agentId = agentId
            self.sessionKey = sessionKey
        }

        public static var jsonSchema: JSONSchema {
            .object(.init("agentId", .string()), .init("sessionKey", .string()))
        }
    }

    public struct Result: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var agentId: String
        public var name: String?
        public var avatar: String?
        public var emoji: String?

        public init(agentId: String, name: String?, avatar: String?, emoji: String?) {
            self.agentId = agentId
            self.name = name
            self.avatar = avatar
            self.emoji = emoji
        }

        public static var jsonSchema: JSONSchema {
            .openObject(
                .init("agentId", .string(), required: true),
                .init("name", .string()),
                .init("avatar", .string()),
                .init("emoji", .string())
            )
        }
    }
}

/// `models.list` (scope read): the models the configured providers offer.
public enum ModelsList: GatewayMethod {
    public static let name = "models.list"
    public static let access = MethodAccess.scope(.read)
    public static let summary = "Configured models, as provider/model ids."

    public struct Params: Codable, Sendable, Hashable, JSONSchemaDescribable {
        /// v4: `default`, `configured` or `all` (all three list the configured models here).
        public var view: String?
        public init(view: String? = nil) { self.view = view }
        public static var jsonSchema: JSONSchema {
            .object(.init("view", .string(enumValues: ["default", "configured", "all"])))
        }
    }

    public struct Result: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var models: [Model]
        public init(models: [Model]) { self.models = models }
        public static var jsonSchema: JSONSchema {
            .openObject(.init("models", .array(items: Model.jsonSchema), required: true))
        }
    }

    public struct Model: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var id: String
        public var name: String
        public var provider: String
        public var contextWindow: Int?
        public var reasoning: Bool?

        /// OpenClaw's closed `ModelChoice`: the default model is `agents.defaults.model` in
        /// `config.get`, not a flag here.
        public init(id: String, name: String, provider: String, contextWindow: Int?, reasoning: Bool?) {
            self.id = id
            self.name = name
            self.provider = provider
            self.contextWindow = contextWindow
            self.reasoning = reasoning
        }

        public static var jsonSchema: JSONSchema {
            .openObject(
                .init("id", .string(), required: true),
                .init("name", .string(), required: true),
                .init("provider", .string(), required: true),
                .init("contextWindow", .integer(minimum: 0)),
                .init("reasoning", .boolean())
            )
        }
    }
}
