/// `connect.challenge`: the first frame on every socket, never with a `seq` (§2.4).
public enum ConnectChallengeEvent: GatewayEvent {
    public static let name = "connect.challenge"
    public static let summary = "Per-socket nonce the client signs; sent before anything else."
    public typealias Payload = ConnectChallenge
}

/// `tick`: a keepalive every `policy.tickIntervalMs`; clients reconnect after two missed (§6.2).
public enum TickEvent: GatewayEvent {
    public static let name = "tick"
    public static let dropIfSlow = true
    public static let summary = "Keepalive broadcast every tickIntervalMs."

    public struct Payload: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var ts: Int
        public init(ts: Int) { self.ts = ts }
        public static var jsonSchema: JSONSchema { .openObject(.init("ts", .integer(minimum: 0), required: true)) }
    }
}

/// `presence`: the full list after any change, with `stateVersion` (§6.2).
public enum PresenceEvent: GatewayEvent {
    public static let name = "presence"
    public static let dropIfSlow = true
    public static let summary = "Presence list after a connect, disconnect or system-event."

    public struct Payload: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var presence: [PresenceEntry]
        public init(presence: [PresenceEntry]) { self.presence = presence }
        public static var jsonSchema: JSONSchema {
            .openObject(.init("presence", .array(items: PresenceEntry.jsonSchema), required: true))
        }
    }
}

/// `health`: the summary after each refresh, with `stateVersion` (§6.2).
public enum HealthEvent: GatewayEvent {
    public static let name = "health"
    public static let summary = "Health summary after each refresh."
    public typealias Payload = HealthSummary
}

/// `shutdown`: sent to every client before the gateway closes them with 1012 (§6.2).
public enum ShutdownEvent: GatewayEvent {
    public static let name = "shutdown"
    public static let summary = "The gateway is stopping; restartExpectedMs is present only when it restarts."

    public struct Payload: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var reason: String
        /// Absent when no restart is planned. OpenClaw's server sends `null` there, but its own
        /// schema (`ShutdownEvent.restartExpectedMs`: integer, optional) refuses `null`; absent
        /// satisfies the schema and reads the same to its clients.
        public var restartExpectedMs: Int?

        public init(reason: String, restartExpectedMs: Int?) {
            self.reason = reason
            self.restartExpectedMs = restartExpectedMs
        }

        enum CodingKeys: String, CodingKey { case reason, restartExpectedMs }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(reason, forKey: .reason)
            try container.encodeIfPresent(restartExpectedMs, forKey: .restartExpectedMs)
        }

        public static var jsonSchema: JSONSchema {
            .openObject(
                .init("reason", .string(), required: true),
                .init("restartExpectedMs", .integer(minimum: 0))
            )
        }
    }
}

/// `device.pair.resolved` (scope pairing): a pairing request was approved or rejected (§5.5).
public enum DevicePairResolvedEvent: GatewayEvent {
    public static let name = "device.pair.resolved"
    public static let dropIfSlow = true
    public static let requiredScope: OperatorScope? = .pairing
    public static let summary = "A device pairing request was decided (loopback devices are approved silently)."

    public struct Payload: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var requestId: String
        public var deviceId: String
        public var decision: String
        public var ts: Int

        public init(requestId: String, deviceId: String, decision: String, ts: Int) {
            self.requestId = requestId
            self.deviceId = deviceId
            self.decision = decision
            self.ts = ts
        }

        public static var jsonSchema: JSONSchema {
            .openObject(
                .init("requestId", .string(), required: true),
                .init("deviceId", .string(), required: true),
                .init("decision", .string(enumValues: ["approved", "rejected"]), required: true),
                .init("ts", .integer(minimum: 0), required: true)
            )
        }
    }
}
