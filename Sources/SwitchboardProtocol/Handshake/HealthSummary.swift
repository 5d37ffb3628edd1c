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
        public var heartbeat: Heartbeat
        public var sessions: SessionsHealth
        public init(agentId: String, name: String? = nil, isDefault: Bool, heartbeat: Heartbeat = .disabled, sessions: SessionsHealth = .init()) {
            self.agentId = agentId
            self.name = name
            self.isDefault = isDefault
            self.heartbeat = heartbeat
            self.sessions = sessions
        }
    }

    /// An agent's heartbeat settings, in OpenClaw's shape (v4 requires it on every agent).
    public struct Heartbeat: Codable, Sendable, Hashable {
        public var enabled: Bool
        /// The interval as written (`"30m"`), or `"disabled"`.
        public var every: String
        public var everyMs: Int?
        public var prompt: String
        public var target: String
        public var ackMaxChars: Int

        public init(enabled: Bool, every: String, everyMs: Int?, prompt: String, target: String, ackMaxChars: Int) {
            self.enabled = enabled
            self.every = every
            self.everyMs = everyMs
            self.prompt = prompt
            self.target = target
            self.ackMaxChars = ackMaxChars
        }

        /// No heartbeat runs (OpenClaw reports `every: "disabled"`, `everyMs: null`).
        public static let disabled = Heartbeat(enabled: false, every: "disabled", everyMs: nil, prompt: "", target: "none", ackMaxChars: 300)

        enum CodingKeys: String, CodingKey { case enabled, every, everyMs, prompt, target, ackMaxChars }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(enabled, forKey: .enabled)
            try container.encode(every, forKey: .every)
            // Required by OpenClaw's schema, as a number or null.
            try container.encode(everyMs, forKey: .everyMs)
            try container.encode(prompt, forKey: .prompt)
            try container.encode(target, forKey: .target)
            try container.encode(ackMaxChars, forKey: .ackMaxChars)
        }
    }

    /// Session counts: where they are stored, how many, and the most recently updated.
    public struct SessionsHealth: Codable, Sendable, Hashable {
        public var path: String
        public var count: Int
        public var recent: [Recent]
        public init(path: String = "", count: Int = 0, recent: [Recent] = []) {
            self.path = path
            self.count = count
            self.recent = recent
        }

        public struct Recent: Codable, Sendable, Hashable {
            public var key: String
            public var updatedAt: Int?
            /// Milliseconds since `updatedAt`.
            public var age: Int?
            public init(key: String, updatedAt: Int?, age: Int?) {
                self.key = key
                self.updatedAt = updatedAt
                self.age = age
            }

            enum CodingKeys: String, CodingKey { case key, updatedAt, age }

            public func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(key, forKey: .key)
                try container.encode(updatedAt, forKey: .updatedAt)
                try container.encode(age, forKey: .age)
            }
        }
    }

    static let recentSchema: JSONSchema = .object(
        .init("key", .string(), required: true), .init("updatedAt", .nullable(.integer(minimum: 0)), required: true),
        .init("age", .nullable(.integer(minimum: 0)), required: true)
    )

    static let sessionsSchema: JSONSchema = .object(
        .init("path", .string(), required: true), .init("count", .integer(minimum: 0), required: true),
        .init("recent", .array(items: recentSchema), required: true)
    )

    static let heartbeatSchema: JSONSchema = .object(
        .init("enabled", .boolean(), required: true), .init("every", .string(), required: true),
        .init("everyMs", .nullable(.integer(minimum: 0)), required: true), .init("prompt", .string(), required: true),
        .init("target", .string(), required: true), .init("ackMaxChars", .integer(minimum: 0), required: true)
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
                        .init("isDefault", .boolean(), required: true), .init("heartbeat", heartbeatSchema, required: true),
                        .init("sessions", sessionsSchema, required: true)
                    )
                ),
                required: true
            ),
            .init("sessions", sessionsSchema, required: true)
        )
    }
}
