/// Top-level `error.code` values (§2.3). A string struct, not an enum, so new codes never
/// break callers' switches.
public struct GatewayErrorCode: RawRepresentable, Codable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public static let notLinked = Self("NOT_LINKED")
    public static let notPaired = Self("NOT_PAIRED")
    public static let agentTimeout = Self("AGENT_TIMEOUT")
    public static let invalidRequest = Self("INVALID_REQUEST")
    public static let unavailable = Self("UNAVAILABLE")
    /// v3 only (uncertain in the protocol notes); v4 reports rate limits through `details.code`.
    public static let rateLimited = Self("RATE_LIMITED")
    public static let forbidden = Self("FORBIDDEN")
    public static let agentResultNotFound = Self("AGENT_RESULT_NOT_FOUND")
    public static let approvalNotFound = Self("APPROVAL_NOT_FOUND")
}

/// `error.details.code` values sent when a connect fails (§2.3) and for missing scopes.
public struct GatewayDetailCode: RawRepresentable, Codable, Sendable, Hashable {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public static let authRequired = Self("AUTH_REQUIRED")
    public static let authUnauthorized = Self("AUTH_UNAUTHORIZED")
    public static let authTokenMissing = Self("AUTH_TOKEN_MISSING")
    public static let authTokenMismatch = Self("AUTH_TOKEN_MISMATCH")
    public static let authTokenNotConfigured = Self("AUTH_TOKEN_NOT_CONFIGURED")
    public static let authPasswordMissing = Self("AUTH_PASSWORD_MISSING")
    public static let authPasswordMismatch = Self("AUTH_PASSWORD_MISMATCH")
    public static let authPasswordNotConfigured = Self("AUTH_PASSWORD_NOT_CONFIGURED")
    public static let authDeviceTokenMismatch = Self("AUTH_DEVICE_TOKEN_MISMATCH")
    public static let authScopeMismatch = Self("AUTH_SCOPE_MISMATCH")
    public static let authRateLimited = Self("AUTH_RATE_LIMITED")
    public static let protocolMismatch = Self("PROTOCOL_MISMATCH")
    public static let controlUiOriginNotAllowed = Self("CONTROL_UI_ORIGIN_NOT_ALLOWED")
    public static let controlUiDeviceIdentityRequired = Self("CONTROL_UI_DEVICE_IDENTITY_REQUIRED")
    public static let deviceIdentityRequired = Self("DEVICE_IDENTITY_REQUIRED")
    public static let deviceAuthInvalid = Self("DEVICE_AUTH_INVALID")
    public static let deviceIdMismatch = Self("DEVICE_AUTH_DEVICE_ID_MISMATCH")
    public static let deviceSignatureExpired = Self("DEVICE_AUTH_SIGNATURE_EXPIRED")
    public static let deviceNonceRequired = Self("DEVICE_AUTH_NONCE_REQUIRED")
    public static let deviceNonceMismatch = Self("DEVICE_AUTH_NONCE_MISMATCH")
    public static let deviceSignatureInvalid = Self("DEVICE_AUTH_SIGNATURE_INVALID")
    public static let devicePublicKeyInvalid = Self("DEVICE_AUTH_PUBLIC_KEY_INVALID")
    public static let pairingRequired = Self("PAIRING_REQUIRED")
    public static let pairingRejected = Self("PAIRING_REJECTED")
    public static let pairingExpired = Self("PAIRING_EXPIRED")
    public static let missingScope = Self("MISSING_SCOPE")
}
