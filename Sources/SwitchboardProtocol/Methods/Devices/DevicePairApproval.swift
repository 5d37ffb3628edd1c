/// A device waiting for approval: OpenClaw's pending request, also the `device.pair.requested`
/// event's payload (§5.5).
public struct DevicePairRequest: Codable, Sendable, Hashable, JSONSchemaDescribable {
    public var requestId: String
    public var deviceId: String
    public var publicKey: String
    public var displayName: String?
    public var platform: String?
    public var deviceFamily: String?
    public var clientId: String?
    public var clientMode: String?
    public var role: String?
    public var roles: [String]?
    public var scopes: [String]?
    public var remoteIp: String?
    public var silent: Bool?
    /// The device is paired already and asks for more (a role or scopes).
    public var isRepair: Bool?
    public var ts: Int
    /// When the request lapses (Switchboard's addition, in `device.pair.list` only: the event's
    /// schema is closed; the device connects again for a new one).
    public var expiresAtMs: Int?

    public init(requestId: String, deviceId: String, publicKey: String, ts: Int) {
        self.requestId = requestId
        self.deviceId = deviceId
        self.publicKey = publicKey
        self.ts = ts
    }

    public static var jsonSchema: JSONSchema {
        .openObject(
            .init("requestId", .string(minLength: 1), required: true), .init("deviceId", .string(minLength: 1), required: true),
            .init("publicKey", .string(minLength: 1), required: true), .init("displayName", .string()), .init("platform", .string()),
            .init("deviceFamily", .string()), .init("clientId", .string()), .init("clientMode", .string()), .init("role", .string()),
            .init("roles", .array(items: .string())), .init("scopes", .array(items: .string())), .init("remoteIp", .string()),
            .init("silent", .boolean()), .init("isRepair", .boolean()), .init("ts", .integer(minimum: 0), required: true),
            .init("expiresAtMs", .integer(minimum: 0))
        )
    }
}

/// `device.pair.requested` (scope pairing): a device that is not paired (or asks for more) is
/// waiting for approval.
public enum DevicePairRequestedEvent: GatewayEvent {
    public static let name = "device.pair.requested"
    public static let requiredScope: OperatorScope? = .pairing
    public static let summary = "A device asks to be paired; approve with device.pair.approve."
    public typealias Payload = DevicePairRequest
}

/// `device.pair.approve` (scope pairing): pairs the device with the role and scopes it asked
/// for; the approver must hold those scopes.
public enum DevicePairApprove: GatewayMethod {
    public static let name = "device.pair.approve"
    public static let access = MethodAccess.scope(.pairing)
    public static let summary = "Approve a pending device pairing request: {requestId, displayName?}."

    public struct Params: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var requestId: String
        public var displayName: String?
        public init(requestId: String, displayName: String? = nil) {
            self.requestId = requestId
            self.displayName = displayName
        }
        public static var jsonSchema: JSONSchema {
            .object(.init("requestId", .string(minLength: 1, maxLength: 128), required: true), .init("displayName", .string(maxLength: 256)))
        }
    }

    public struct Result: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var requestId: String
        public var device: PairedDeviceSummary
        public init(requestId: String, device: PairedDeviceSummary) {
            self.requestId = requestId
            self.device = device
        }
        public static var jsonSchema: JSONSchema {
            .openObject(.init("requestId", .string(), required: true), .init("device", PairedDeviceSummary.jsonSchema, required: true))
        }
    }
}

/// `device.pair.reject` (scope pairing): drops a pending request.
public enum DevicePairReject: GatewayMethod {
    public static let name = "device.pair.reject"
    public static let access = MethodAccess.scope(.pairing)
    public static let summary = "Reject a pending device pairing request: {requestId}."

    public struct Params: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var requestId: String
        public init(requestId: String) { self.requestId = requestId }
        public static var jsonSchema: JSONSchema { .object(.init("requestId", .string(minLength: 1, maxLength: 128), required: true)) }
    }

    public struct Result: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var requestId: String
        public var deviceId: String
        public var decision: String
        public var ts: Int
        public init(requestId: String, deviceId: String, ts: Int) {
            self.requestId = requestId
            self.deviceId = deviceId
            decision = "rejected"
            self.ts = ts
        }
        public static var jsonSchema: JSONSchema {
            .openObject(
                .init("requestId", .string(), required: true), .init("deviceId", .string(), required: true), .init("decision", .string(), required: true),
                .init("ts", .integer(minimum: 0), required: true))
        }
    }
}
