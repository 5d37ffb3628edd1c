/// The `health` result and event payload (§5.1). Channels and agents grow in later issues;
/// the shape already matches what OpenClaw clients read.
public struct HealthSummary: Codable, Sendable, Hashable, JSONSchemaDescribable {
    public var ok: Bool
    public var ts: Int
    public var durationMs: Int
    public var channels: [String: JSONValue]
    public var channelOrder: [String]
    public var channelLabels: [String: String]
    public var heartbeatSeconds: Int
    public var defaultAgentId: String
    public var agents: [AgentHealth]
    public var sessions: SessionsHealth
    /// Present when the gateway is degraded: `{status: "degraded", problems: [..]}` (v4's
    /// snapshot reserves `readiness` for this; `ok` stays as the schema requires).
    public var readiness: JSONValue?

    public init(
        ok: Bool = true,
        ts: Int,
        durationMs: Int = 0,
        channels: [String: JSONValue] = [:],
        channelOrder: [String] = [],
        channelLabels: [String: String] = [:],
        heartbeatSeconds: Int = 0,
        defaultAgentId: String = "main",
        agents: [AgentHealth] = [],
        sessions: SessionsHealth = .init()
    ) {
        self.ok = ok
        self.ts = ts
        self.durationMs = durationMs
        self.channels = channels
        self.channelOrder = channelOrder
        self.channelLabels = channelLabels
        self.heartbeatSeconds = heartbeatSeconds
        self.defaultAgentId = defaultAgentId
        self.agents = agents
        self.sessions = sessions
    }

    public struct AgentHealth: Codable, Sendable, Hashable {
        public var agentId: String
        public var name: String?
        public var isDefault: Bool
        public var sessions: SessionsHealth
        public init(agentId: String, name: String? = nil, isDefault: Bool, sessions: SessionsHealth = .init()) {
            self.agentId = agentId
            self.name = name
            self.isDefault = isDefault
            self.sessions = sessions
        }
    }

    public struct SessionsHealth: Codable, Sendable, Hashable {
        public var path: String?
        public var count: Int
        public var recent: [JSONValue]
        public init(path: String? = nil, count: Int = 0, recent: [JSONValue] = []) {
            self.path = path
            self.count = count
            self.recent = recent
        }
    }

    static let sessionsSchema: JSONSchema = .openObject(
        .init("path", .string()), .init("count", .integer(minimum: 0), required: true),
        .init("recent", .array(items: .any()), required: true)
    )

    public static var jsonSchema: JSONSchema {
        .openObject(
            .init("ok", .boolean(), required: true),
            .init("ts", .integer(minimum: 0), required: true),
            .init("durationMs", .integer(minimum: 0), required: true),
            .init("channels", .map(.any()), required: true),
            .init("channelOrder", .array(items: .string()), required: true),
            .init("channelLabels", .map(.string()), required: true),
            .init("heartbeatSeconds", .integer(minimum: 0), required: true),
            .init("defaultAgentId", .string(), required: true),
            .init(
                "agents",
                .array(
                    items: .openObject(
                        .init("agentId", .string(), required: true), .init("name", .string()),
                        .init("isDefault", .boolean(), required: true), .init("sessions", sessionsSchema, required: true)
                    )
                ),
                required: true
            ),
            .init("sessions", sessionsSchema, required: true)
        )
    }
}
