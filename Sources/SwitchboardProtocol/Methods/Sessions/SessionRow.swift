/// One session as listed by `sessions.*` (a superset of OpenClaw's `GatewaySessionRow`, §5.3).
public struct SessionRow: Codable, Sendable, Hashable, JSONSchemaDescribable {
    public var key: String
    public var sessionId: String
    public var agentId: String
    public var createdAt: Int
    public var updatedAt: Int
    public var label: String?
    public var displayName: String?
    public var model: String?
    public var modelProvider: String?
    public var thinkingLevel: String?
    public var verboseLevel: String?
    public var reasoningLevel: String?
    public var responseUsage: String?
    public var sendPolicy: String?
    public var groupActivation: String?
    public var inputTokens: Int
    public var outputTokens: Int
    public var totalTokens: Int
    public var messageCount: Int
    public var lastMessage: ChatMessage?

    public init(key: String, sessionId: String, agentId: String, createdAt: Int, updatedAt: Int) {
        self.key = key
        self.sessionId = sessionId
        self.agentId = agentId
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        inputTokens = 0
        outputTokens = 0
        totalTokens = 0
        messageCount = 0
    }

    public static var jsonSchema: JSONSchema {
        .openObject(
            .init("key", .string(), required: true),
            .init("sessionId", .string(), required: true),
            .init("agentId", .string(), required: true),
            .init("createdAt", .integer(minimum: 0), required: true),
            .init("updatedAt", .integer(minimum: 0), required: true),
            .init("label", .string()),
            .init("displayName", .string()),
            .init("model", .string()),
            .init("modelProvider", .string()),
            .init("thinkingLevel", .string()),
            .init("verboseLevel", .string()),
            .init("reasoningLevel", .string()),
            .init("responseUsage", .string()),
            .init("sendPolicy", .string()),
            .init("groupActivation", .string()),
            .init("inputTokens", .integer(minimum: 0), required: true),
            .init("outputTokens", .integer(minimum: 0), required: true),
            .init("totalTokens", .integer(minimum: 0), required: true),
            .init("messageCount", .integer(minimum: 0), required: true),
            .init("lastMessage", ChatMessage.jsonSchema)
        )
    }
}

/// The answer shared by the session mutations: `{ok:true, key, …}`.
public struct SessionMutationResult: Codable, Sendable, Hashable, JSONSchemaDescribable {
    public var ok: Bool
    public var key: String
    public var entry: SessionRow?
    public var deleted: Bool?
    public var kept: Int?
    public var removed: Int?

    public init(key: String, entry: SessionRow? = nil, deleted: Bool? = nil, kept: Int? = nil, removed: Int? = nil) {
        ok = true
        self.key = key
        self.entry = entry
        self.deleted = deleted
        self.kept = kept
        self.removed = removed
    }

    public static var jsonSchema: JSONSchema {
        .openObject(
            .init("ok", .boolean(), required: true),
            .init("key", .string(), required: true),
            .init("entry", SessionRow.jsonSchema),
            .init("deleted", .boolean()),
            .init("kept", .integer(minimum: 0)),
            .init("removed", .integer(minimum: 0))
        )
    }
}
