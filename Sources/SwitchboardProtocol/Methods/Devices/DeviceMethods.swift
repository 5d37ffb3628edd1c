/// `device.pair.list` (pairing): paired devices, tokens summarised (never the token itself),
/// and pending requests (§5.5).
public enum DevicePairList: GatewayMethod {
    public static let name = "device.pair.list"
    public static let access = MethodAccess.scope(.pairing)
    public static let summary = "Paired devices with their roles and scopes (tokens are never shown), and pending pairing requests."

    public typealias Params = EmptyParams

    public struct Result: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var pending: [DevicePairRequest]
        public var paired: [PairedDeviceSummary]

        public init(pending: [DevicePairRequest] = [], paired: [PairedDeviceSummary]) {
            self.pending = pending
            self.paired = paired
        }

        public static var jsonSchema: JSONSchema {
            .object(
                .init("pending", .array(items: DevicePairRequest.jsonSchema), required: true),
                .init("paired", .array(items: PairedDeviceSummary.jsonSchema), required: true))
        }
    }
}

/// One paired device as `device.pair.list` shows it.
public struct PairedDeviceSummary: Codable, Sendable, Hashable, JSONSchemaDescribable {
    public struct Token: Codable, Sendable, Hashable {
        public var role: String
        public var scopes: [String]
        public var issuedAtMs: Int
        public var lastUsedAtMs: Int?
        public init(role: String, scopes: [String], issuedAtMs: Int, lastUsedAtMs: Int?) {
            self.role = role
            self.scopes = scopes
            self.issuedAtMs = issuedAtMs
            self.lastUsedAtMs = lastUsedAtMs
        }
    }

    public var deviceId: String
    public var publicKey: String
    public var displayName: String?
    public var platform: String?
    public var clientId: String?
    public var roles: [String]
    public var scopes: [String]
    public var tokens: [Token]
    public var approvedAtMs: Int
    /// True when it was paired while the gateway had no auth: it must pair again (with the
    /// gateway's secret) before its token is accepted on a gateway with auth.
    public var pairedWithoutAuth: Bool

    public init(
        deviceId: String, publicKey: String, displayName: String?, platform: String?, clientId: String?, roles: [String], scopes: [String], tokens: [Token],
        approvedAtMs: Int, pairedWithoutAuth: Bool
    ) {
        self.deviceId = deviceId
        self.publicKey = publicKey
        self.displayName = displayName
        self.platform = platform
        self.clientId = clientId
        self.roles = roles
        self.scopes = scopes
        self.tokens = tokens
        self.approvedAtMs = approvedAtMs
        self.pairedWithoutAuth = pairedWithoutAuth
    }

    public static var jsonSchema: JSONSchema {
        .openObject(
            .init("deviceId", .string(minLength: 1), required: true), .init("publicKey", .string(), required: true),
            .init("roles", .array(items: .string()), required: true), .init("scopes", .array(items: .string()), required: true),
            .init("tokens", .array(items: .any()), required: true), .init("approvedAtMs", .integer(minimum: 0), required: true)
        )
    }
}

/// `device.pair.remove` (pairing): forget a device for every role; its sockets are closed.
public enum DevicePairRemove: GatewayMethod {
    public static let name = "device.pair.remove"
    public static let access = MethodAccess.scope(.pairing)
    public static let summary = "Unpair a device (every role); its connections are closed."

    public struct Params: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var deviceId: String
        public init(deviceId: String) { self.deviceId = deviceId }
        public static var jsonSchema: JSONSchema { .object(.init("deviceId", .string(minLength: 1, maxLength: 128), required: true)) }
    }

    public struct Result: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var deviceId: String
        public var removedAtMs: Int
        public init(deviceId: String, removedAtMs: Int) {
            self.deviceId = deviceId
            self.removedAtMs = removedAtMs
        }
        public static var jsonSchema: JSONSchema {
            .object(.init("deviceId", .string(), required: true), .init("removedAtMs", .integer(minimum: 0), required: true))
        }
    }
}

/// `device.token.rotate` (pairing): a new token for `(deviceId, role)`; the old one stops working.
public enum DeviceTokenRotate: GatewayMethod {
    public static let name = "device.token.rotate"
    public static let access = MethodAccess.scope(.pairing)
    public static let summary = "Issue a new device token for a role (scopes may only narrow); the old token and its connections end."

    public struct Params: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var deviceId: String
        public var role: String
        public var scopes: [String]?
        public init(deviceId: String, role: String, scopes: [String]? = nil) {
            self.deviceId = deviceId
            self.role = role
            self.scopes = scopes
        }
        public static var jsonSchema: JSONSchema {
            .object(
                .init("deviceId", .string(minLength: 1, maxLength: 128), required: true), .init("role", .string(minLength: 1, maxLength: 32), required: true),
                .init("scopes", .array(items: .string(minLength: 1)))
            )
        }
    }

    public struct Result: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var deviceId: String
        public var role: String
        public var token: String
        public var scopes: [String]
        public var rotatedAtMs: Int
        public init(deviceId: String, role: String, token: String, scopes: [String], rotatedAtMs: Int) {
            self.deviceId = deviceId
            self.role = role
            self.token = token
            self.scopes = scopes
            self.rotatedAtMs = rotatedAtMs
        }
        public static var jsonSchema: JSONSchema {
            .object(
                .init("deviceId", .string(), required: true), .init("role", .string(), required: true), .init("token", .string(), required: true),
                .init("scopes", .array(items: .string()), required: true), .init("rotatedAtMs", .integer(minimum: 0), required: true)
            )
        }
    }
}

/// `device.token.revoke` (pairing): the device's token for a role stops working; its sockets
/// for that role are closed and it must pair again.
public enum DeviceTokenRevoke: GatewayMethod {
    public static let name = "device.token.revoke"
    public static let access = MethodAccess.scope(.pairing)
    public static let summary = "Revoke a device's token for a role; its connections for that role are closed."

    public struct Params: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var deviceId: String
        public var role: String
        public init(deviceId: String, role: String) {
            self.deviceId = deviceId
            self.role = role
        }
        public static var jsonSchema: JSONSchema {
            .object(.init("deviceId", .string(minLength: 1, maxLength: 128), required: true), .init("role", .string(minLength: 1, maxLength: 32), required: true))
        }
    }

    public struct Result: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var deviceId: String
        public var role: String
        public var revokedAtMs: Int
        public init(deviceId: String, role: String, revokedAtMs: Int) {
            self.deviceId = deviceId
            self.role = role
            self.revokedAtMs = revokedAtMs
        }
        public static var jsonSchema: JSONSchema {
            .object(.init("deviceId", .string(), required: true), .init("role", .string(), required: true), .init("revokedAtMs", .integer(minimum: 0), required: true))
        }
    }
}
