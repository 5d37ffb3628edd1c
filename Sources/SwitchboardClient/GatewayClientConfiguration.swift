public import SwitchboardProtocol

/// How a ``GatewayClient`` connects and behaves. Every timing is a named setting.
public struct GatewayClientConfiguration: Sendable {
    /// `ws://host:port` of the gateway.
    public var url: String
    /// For `wss://`: the SHA-256 fingerprint the gateway's certificate must have (OpenClaw's
    /// `tlsFingerprint`); a self-signed certificate is trusted only this way.
    public var tlsFingerprint: TLSFingerprint?
    /// Shared gateway token (`auth.token`).
    public var token: String?
    /// Shared gateway password (`auth.password`).
    public var password: String?
    /// Per-device token from an earlier `hello-ok.auth`, sent as `auth.deviceToken`.
    public var deviceToken: String?
    /// Signs the challenge when set (§2.6).
    public var deviceIdentity: DeviceIdentity?
    /// v2 by default (what shipped clients sign); v3 binds platform and device family too.
    public var signatureVersion: DeviceAuthPayload.Version
    public var client: ClientInfo
    public var role: GatewayRole
    public var scopes: [OperatorScope]
    public var caps: [String]
    /// A node's commands and permissions (sent with role `node`).
    public var commands: [String] = []
    public var permissions: [String: Bool] = [:]
    public var minProtocol: Int
    public var maxProtocol: Int
    /// Default timeout of a `call`.
    public var requestTimeout: Duration
    /// Time allowed from opening the socket to `hello-ok`.
    public var connectTimeout: Duration
    /// Reconnect after a lost connection (not after an auth rejection).
    public var reconnect: Bool
    public var backoffInitial: Duration
    public var backoffMax: Duration
    /// Largest inbound message accepted.
    public var maxMessageSize: Int
    /// Called with a device token the gateway issued, so the caller can persist it.
    public var onDeviceToken: (@Sendable (String) -> Void)?

    public init(
        url: String = "ws://127.0.0.1:18789",
        token: String? = nil,
        password: String? = nil,
        deviceToken: String? = nil,
        deviceIdentity: DeviceIdentity? = nil,
        signatureVersion: DeviceAuthPayload.Version = .v2,
        client: ClientInfo = ClientInfo(id: "cli", version: "0.1.0", platform: ClientInfo.currentPlatform, mode: "cli"),
        role: GatewayRole = .operator,
        scopes: [OperatorScope] = OperatorScope.cliDefaults,
        caps: [String] = [],
        minProtocol: Int = ProtocolVersion.minimumSupported,
        maxProtocol: Int = ProtocolVersion.current,
        requestTimeout: Duration = .seconds(30),
        connectTimeout: Duration = .seconds(10),
        reconnect: Bool = true,
        backoffInitial: Duration = .seconds(1),
        backoffMax: Duration = .seconds(30),
        maxMessageSize: Int = 32 * 1024 * 1024,
        onDeviceToken: (@Sendable (String) -> Void)? = nil
    ) {
        self.url = url
        self.token = token
        self.password = password
        self.deviceToken = deviceToken
        self.deviceIdentity = deviceIdentity
        self.signatureVersion = signatureVersion
        self.client = client
        self.role = role
        self.scopes = scopes
        self.caps = caps
        self.minProtocol = minProtocol
        self.maxProtocol = maxProtocol
        self.requestTimeout = requestTimeout
        self.connectTimeout = connectTimeout
        self.reconnect = reconnect
        self.backoffInitial = backoffInitial
        self.backoffMax = backoffMax
        self.maxMessageSize = maxMessageSize
        self.onDeviceToken = onDeviceToken
    }
}
