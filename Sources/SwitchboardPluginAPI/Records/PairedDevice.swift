/// A device the gateway trusts for one role, with the scopes it was approved for and the
/// per-(device, role) token that lets it reconnect (§2.7).
public struct PairedDevice: Sendable, Hashable, Codable {
    public var deviceId: String
    public var role: String
    /// Raw Ed25519 public key, base64url without padding.
    public var publicKey: String
    public var scopes: [String]
    public var token: String
    public var displayName: String?
    public var platform: String?
    public var clientId: String?
    public var approvedAtMs: Int
    public var lastSeenAtMs: Int?
    /// Why it was last seen: `connect`, or a node's `node.presence.alive` trigger.
    public var lastSeenReason: String?
    /// Paired while the gateway had no auth (anyone on the machine could have): once auth is
    /// on, its token is refused until it pairs again with the gateway's secret.
    public var pairedWithoutAuth: Bool

    public init(
        deviceId: String,
        role: String,
        publicKey: String,
        scopes: [String],
        token: String,
        displayName: String? = nil,
        platform: String? = nil,
        clientId: String? = nil,
        approvedAtMs: Int,
        lastSeenAtMs: Int? = nil,
        pairedWithoutAuth: Bool = false
    ) {
        self.deviceId = deviceId
        self.role = role
        self.publicKey = publicKey
        self.scopes = scopes
        self.token = token
        self.displayName = displayName
        self.platform = platform
        self.clientId = clientId
        self.approvedAtMs = approvedAtMs
        self.lastSeenAtMs = lastSeenAtMs
        self.pairedWithoutAuth = pairedWithoutAuth
    }
}
