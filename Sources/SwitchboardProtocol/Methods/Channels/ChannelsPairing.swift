/// `channels.pairing.list` (pairing): senders waiting for approval, with their codes.
public enum ChannelsPairingList: GatewayMethod {
    public static let name = "channels.pairing.list"
    public static let access = MethodAccess.scope(.pairing)
    public static let summary = "Unknown channel senders waiting for approval (live pairing codes)."

    public struct Params: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var channel: String?

        public init(channel: String? = nil) {
            self.channel = channel
        }

        public static var jsonSchema: JSONSchema { .object(.init("channel", .string())) }
    }

    public struct Result: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var requests: [ChannelPairingEntry]

        public init(requests: [ChannelPairingEntry]) {
            self.requests = requests
        }

        public static var jsonSchema: JSONSchema { .object(.init("requests", .array(items: ChannelPairingEntry.jsonSchema), required: true)) }
    }
}

/// `channels.pairing.approve` (pairing): let the sender behind a code talk to the agent.
public enum ChannelsPairingApprove: GatewayMethod {
    public static let name = "channels.pairing.approve"
    public static let access = MethodAccess.scope(.pairing)
    public static let summary = "Approve a channel sender by the pairing code they were sent."

    public struct Params: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var channel: String
        public var code: String

        public init(channel: String, code: String) {
            self.channel = channel
            self.code = code
        }

        public static var jsonSchema: JSONSchema {
            .object(.init("channel", .string(minLength: 1), required: true), .init("code", .string(minLength: 1), required: true))
        }
    }

    public struct Result: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var ok: Bool
        public var approved: ChannelPairingEntry

        public init(approved: ChannelPairingEntry) {
            ok = true
            self.approved = approved
        }

        public static var jsonSchema: JSONSchema {
            .object(.init("ok", .boolean(), required: true), .init("approved", ChannelPairingEntry.jsonSchema, required: true))
        }
    }
}

/// One pairing request on the wire.
public struct ChannelPairingEntry: Codable, Sendable, Hashable, JSONSchemaDescribable {
    public var channel: String
    public var code: String
    public var senderId: String
    public var senderName: String?
    public var createdAt: Int
    public var expiresAt: Int

    public init(channel: String, code: String, senderId: String, senderName: String?, createdAt: Int, expiresAt: Int) {
        self.channel = channel
        self.code = code
        self.senderId = senderId
        self.senderName = senderName
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }

    public static var jsonSchema: JSONSchema {
        .object(
            .init("channel", .string(), required: true), .init("code", .string(), required: true), .init("senderId", .string(), required: true),
            .init("senderName", .string()), .init("createdAt", .integer(), required: true), .init("expiresAt", .integer(), required: true)
        )
    }
}
