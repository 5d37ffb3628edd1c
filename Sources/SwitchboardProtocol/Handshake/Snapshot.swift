/// `hello-ok.snapshot` (§2.8): the state a client needs before events start arriving.
public struct Snapshot: Codable, Sendable {
    public var presence: [PresenceEntry]
    /// Always sent (the v3 Swift model decodes it as non-optional).
    public var health: HealthSummary
    public var stateVersion: StateVersion
    public var uptimeMs: Int
    public var configPath: String?
    public var stateDir: String?
    public var sessionDefaults: SessionDefaults?
    public var authMode: String?

    public init(
        presence: [PresenceEntry],
        health: HealthSummary,
        stateVersion: StateVersion,
        uptimeMs: Int,
        configPath: String? = nil,
        stateDir: String? = nil,
        sessionDefaults: SessionDefaults? = nil,
        authMode: String? = nil
    ) {
        self.presence = presence
        self.health = health
        self.stateVersion = stateVersion
        self.uptimeMs = uptimeMs
        self.configPath = configPath
        self.stateDir = stateDir
        self.sessionDefaults = sessionDefaults
        self.authMode = authMode
    }

    public struct SessionDefaults: Codable, Sendable, Hashable {
        public var defaultAgentId: String
        public var mainKey: String
        public var mainSessionKey: String
        public init(defaultAgentId: String, mainKey: String, mainSessionKey: String) {
            self.defaultAgentId = defaultAgentId
            self.mainKey = mainKey
            self.mainSessionKey = mainSessionKey
        }
    }
}

/// One connected client or host as presence reports it (§2.8).
public struct PresenceEntry: Codable, Sendable, Hashable, JSONSchemaDescribable {
    public var ts: Int
    public var host: String?
    public var ip: String?
    public var version: String?
    public var platform: String?
    public var deviceFamily: String?
    public var modelIdentifier: String?
    public var mode: String?
    public var lastInputSeconds: Int?
    public var reason: String?
    public var tags: [String]?
    public var text: String?
    public var deviceId: String?
    public var roles: [String]?
    public var scopes: [String]?
    public var instanceId: String?

    public init(ts: Int) { self.ts = ts }

    public static var jsonSchema: JSONSchema {
        .openObject(
            .init("ts", .integer(minimum: 0), required: true),
            .init("host", .string()), .init("ip", .string()), .init("version", .string()),
            .init("platform", .string()), .init("deviceFamily", .string()), .init("modelIdentifier", .string()),
            .init("mode", .string()), .init("lastInputSeconds", .integer(minimum: 0)), .init("reason", .string()),
            .init("tags", .array(items: .string())), .init("text", .string()), .init("deviceId", .string()),
            .init("roles", .array(items: .string())), .init("scopes", .array(items: .string())),
            .init("instanceId", .string())
        )
    }
}
