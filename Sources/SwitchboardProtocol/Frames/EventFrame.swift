/// `{type:"event", event, payload?, seq?, stateVersion?}` (§2.2).
///
/// `seq` is per connection and present only on broadcast events (§6.5).
public struct EventFrame<Payload: Codable & Sendable>: Codable, Sendable {
    public var event: String
    public var payload: Payload?
    public var seq: Int?
    public var stateVersion: StateVersion?

    public init(event: String, payload: Payload?, seq: Int? = nil, stateVersion: StateVersion? = nil) {
        self.event = event
        self.payload = payload
        self.seq = seq
        self.stateVersion = stateVersion
    }

    enum CodingKeys: String, CodingKey { case type, event, payload, seq, stateVersion }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        event = try container.decode(String.self, forKey: .event)
        payload = try container.decodeIfPresent(Payload.self, forKey: .payload)
        seq = try container.decodeIfPresent(Int.self, forKey: .seq)
        stateVersion = try container.decodeIfPresent(StateVersion.self, forKey: .stateVersion)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode("event", forKey: .type)
        try container.encode(event, forKey: .event)
        try container.encodeIfPresent(payload, forKey: .payload)
        try container.encodeIfPresent(seq, forKey: .seq)
        try container.encodeIfPresent(stateVersion, forKey: .stateVersion)
    }
}

public typealias AnyEventFrame = EventFrame<JSONValue>

/// `{presence, health}` counters that let clients discard stale snapshots (§6.5).
public struct StateVersion: Codable, Sendable, Hashable, JSONSchemaDescribable {
    public var presence: Int
    public var health: Int

    public init(presence: Int, health: Int) {
        self.presence = presence
        self.health = health
    }

    public static var jsonSchema: JSONSchema {
        .object(.init("presence", .integer(minimum: 0), required: true), .init("health", .integer(minimum: 0), required: true))
    }
}
