/// `last-heartbeat` (scope read): the most recent heartbeat, or null before the first (§5.1).
public enum LastHeartbeat: GatewayMethod {
    public static let name = "last-heartbeat"
    public static let access = MethodAccess.scope(.read)
    public static let summary = "The last heartbeat event, or null."
    public typealias Result = HeartbeatEventPayload?
}

/// `HeartbeatEventPayload` (§5.1), also the `heartbeat` event's payload.
public struct HeartbeatEventPayload: Codable, Sendable, Hashable, JSONSchemaDescribable {
    public var ts: Int
    public var id: String
    public var status: String
    public var to: String?
    public var preview: String?
    public var durationMs: Int?
    public var reason: String?
    public var channel: String?
    public var accountId: String?
    /// True when nothing was delivered (an acknowledgement, or no target).
    public var silent: Bool?
    /// Set when the heartbeat ran a turn.
    public var runId: String?

    public init(ts: Int, id: String, status: String) {
        self.ts = ts
        self.id = id
        self.status = status
    }

    public static var jsonSchema: JSONSchema {
        .openObject(
            .init("ts", .integer(minimum: 0), required: true),
            .init("id", .string(), required: true),
            .init("status", .string(enumValues: ["sent", "ok-empty", "ok-token", "skipped", "failed"]), required: true),
            .init("to", .string()), .init("preview", .string()), .init("durationMs", .integer(minimum: 0)),
            .init("reason", .string()), .init("channel", .string()),
            .init("accountId", .string()), .init("silent", .boolean()), .init("runId", .string())
        )
    }
}
