/// The `hello-ok` payload of a successful `connect` (§2.8). One struct serves v3 and v4;
/// the server fills the fields each version defines.
public struct HelloOK: Codable, Sendable {
    public var type: String = "hello-ok"
    public var `protocol`: Int
    public var server: ServerInfo
    public var features: Features
    public var snapshot: Snapshot
    public var auth: HelloAuth?
    public var policy: ServerPolicy

    public init(protocol: Int, server: ServerInfo, features: Features, snapshot: Snapshot, auth: HelloAuth?, policy: ServerPolicy) {
        self.protocol = `protocol`
        self.server = server
        self.features = features
        self.snapshot = snapshot
        self.auth = auth
        self.policy = policy
    }

    public struct ServerInfo: Codable, Sendable, Hashable {
        public var version: String
        public var connId: String
        /// v3 only.
        public var host: String?
        public init(version: String, connId: String, host: String? = nil) {
            self.version = version
            self.connId = connId
            self.host = host
        }
    }

    public struct Features: Codable, Sendable, Hashable {
        public var methods: [String]
        public var events: [String]
        /// v4 only.
        public var capabilities: [String]?
        public init(methods: [String], events: [String], capabilities: [String]? = nil) {
            self.methods = methods
            self.events = events
            self.capabilities = capabilities
        }
    }

    /// Present in v3 only when a device token was issued; always present in v4.
    public struct HelloAuth: Codable, Sendable, Hashable {
        public var deviceToken: String?
        public var role: GatewayRole
        public var scopes: [OperatorScope]
        public var issuedAtMs: Int?
        public init(deviceToken: String?, role: GatewayRole, scopes: [OperatorScope], issuedAtMs: Int?) {
            self.deviceToken = deviceToken
            self.role = role
            self.scopes = scopes
            self.issuedAtMs = issuedAtMs
        }
    }
}

/// `hello-ok.policy`: the limits this server enforces, so clients can size themselves.
public struct ServerPolicy: Codable, Sendable, Hashable, JSONSchemaDescribable {
    public var maxPayload: Int
    public var maxBufferedBytes: Int
    public var tickIntervalMs: Int

    public init(maxPayload: Int, maxBufferedBytes: Int, tickIntervalMs: Int) {
        self.maxPayload = maxPayload
        self.maxBufferedBytes = maxBufferedBytes
        self.tickIntervalMs = tickIntervalMs
    }

    public static var jsonSchema: JSONSchema {
        .openObject(
            .init("maxPayload", .integer(minimum: 1), required: true),
            .init("maxBufferedBytes", .integer(minimum: 1), required: true),
            .init("tickIntervalMs", .integer(minimum: 1), required: true)
        )
    }
}

/// `connect.challenge` payload: the per-socket nonce a device must sign (§2.4).
public struct ConnectChallenge: Codable, Sendable, Hashable, JSONSchemaDescribable {
    public var nonce: String
    public var ts: Int

    public init(nonce: String, ts: Int) {
        self.nonce = nonce
        self.ts = ts
    }

    public static var jsonSchema: JSONSchema {
        .openObject(.init("nonce", .string(minLength: 1), required: true), .init("ts", .integer(minimum: 0), required: true))
    }
}
