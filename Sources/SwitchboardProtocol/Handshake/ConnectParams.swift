/// `connect` params (§2.5). Unknown fields are tolerated so newer clients can connect.
public struct ConnectParams: Codable, Sendable, Hashable {
    public var minProtocol: Int
    public var maxProtocol: Int
    public var client: ClientInfo
    public var caps: [String]?
    public var commands: [String]?
    public var permissions: [String: Bool]?
    public var pathEnv: String?
    public var role: GatewayRole?
    public var scopes: [OperatorScope]?
    public var device: DeviceProof?
    public var auth: ConnectAuth?
    public var locale: String?
    public var userAgent: String?

    public init(
        minProtocol: Int = ProtocolVersion.minimumSupported,
        maxProtocol: Int = ProtocolVersion.current,
        client: ClientInfo,
        caps: [String]? = nil,
        role: GatewayRole? = nil,
        scopes: [OperatorScope]? = nil,
        device: DeviceProof? = nil,
        auth: ConnectAuth? = nil
    ) {
        self.minProtocol = minProtocol
        self.maxProtocol = maxProtocol
        self.client = client
        self.caps = caps
        self.role = role
        self.scopes = scopes
        self.device = device
        self.auth = auth
    }

    /// Checks the bounds the schema cannot express; returns the first problem, naming the field.
    public func validationProblem() -> String? {
        if minProtocol < 1 { return "minProtocol: must be an integer ≥ 1" }
        if maxProtocol < 1 { return "maxProtocol: must be an integer ≥ 1" }
        if client.id.isEmpty { return "client.id: must be a non-empty string" }
        if client.id.count > 128 { return "client.id: at most 128 characters" }
        if client.version.isEmpty { return "client.version: must be a non-empty string" }
        if client.platform.isEmpty { return "client.platform: must be a non-empty string" }
        if !ClientInfo.modes.contains(client.mode) {
            return "client.mode: expected one of \(ClientInfo.modes.joined(separator: ", ")), got \"\(client.mode)\""
        }
        if let auth, let problem = auth.validationProblem() { return problem }
        let fields: [(String?, String)] = [
            (client.displayName, "client.displayName"), (client.version, "client.version"), (client.platform, "client.platform"),
            (client.deviceFamily, "client.deviceFamily"), (client.modelIdentifier, "client.modelIdentifier"), (client.instanceId, "client.instanceId"),
            (locale, "locale"), (userAgent, "userAgent"), (pathEnv, "pathEnv"),
        ]
        for (value, field) in fields {
            if let problem = InputLimits.problem(value, field: field, max: field == "userAgent" || field == "pathEnv" ? 4 * InputLimits.clientField : InputLimits.clientField) {
                return problem
            }
        }
        if let problem = InputLimits.problem(scopes?.map(\.rawValue), field: "scopes") { return problem }
        if let problem = InputLimits.problem(caps, field: "caps") { return problem }
        if let problem = InputLimits.problem(commands, field: "commands") { return problem }
        return nil
    }
}

/// `connect.client` (§2.5).
public struct ClientInfo: Codable, Sendable, Hashable {
    public var id: String
    public var displayName: String?
    public var version: String
    public var platform: String
    public var deviceFamily: String?
    public var modelIdentifier: String?
    public var mode: String
    public var instanceId: String?

    public static let modes = ["webchat", "cli", "ui", "backend", "node", "probe", "test", "worker"]

    /// `client.platform` for this build: what presence and the CLI report.
    public static var currentPlatform: String {
        #if os(Linux)
            "linux"
        #elseif os(macOS)
            "macos"
        #else
            "unknown"
        #endif
    }

    public init(
        id: String,
        displayName: String? = nil,
        version: String,
        platform: String,
        deviceFamily: String? = nil,
        modelIdentifier: String? = nil,
        mode: String,
        instanceId: String? = nil
    ) {
        self.id = id
        self.displayName = displayName
        self.version = version
        self.platform = platform
        self.deviceFamily = deviceFamily
        self.modelIdentifier = modelIdentifier
        self.mode = mode
        self.instanceId = instanceId
    }
}

/// `connect.device`: the Ed25519 proof of §2.6.
public struct DeviceProof: Codable, Sendable, Hashable {
    public var id: String
    public var publicKey: String
    public var signature: String
    public var signedAt: Int
    public var nonce: String?

    public init(id: String, publicKey: String, signature: String, signedAt: Int, nonce: String?) {
        self.id = id
        self.publicKey = publicKey
        self.signature = signature
        self.signedAt = signedAt
        self.nonce = nonce
    }
}

/// `connect.auth` (v3 and v4 fields).
public struct ConnectAuth: Codable, Sendable, Hashable {
    public var token: String?
    public var password: String?
    public var deviceToken: String?
    public var bootstrapToken: String?

    public init(token: String? = nil, password: String? = nil, deviceToken: String? = nil, bootstrapToken: String? = nil) {
        self.token = token
        self.password = password
        self.deviceToken = deviceToken
        self.bootstrapToken = bootstrapToken
    }

    /// The v4 bounds of `primitives.ts`.
    func validationProblem() -> String? {
        if let token, token.unicodeScalars.count > 4096 { return "auth.token: at most 4096 characters" }
        if let password, password.unicodeScalars.count > 4096 { return "auth.password: at most 4096 characters" }
        for (name, value) in [("auth.deviceToken", deviceToken), ("auth.bootstrapToken", bootstrapToken)] {
            guard let value else { continue }
            if value.utf8.count > 256 { return "\(name): at most 256 characters" }
            if !value.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return "\(name): printable ASCII only" }
        }
        return nil
    }
}
