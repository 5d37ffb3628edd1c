/// `wake` (scope write): queues a system event for the main session's next heartbeat;
/// `mode: "now"` runs that heartbeat at once (OpenClaw's `WakeParams`).
public enum Wake: GatewayMethod {
    public static let name = "wake"
    public static let access = MethodAccess.scope(.write)
    public static let summary = "Queue a system event for the next heartbeat; mode now runs it at once."

    public struct Params: Codable, Sendable, Hashable, JSONSchemaDescribable {
        /// `now` or `next-heartbeat`.
        public var mode: String
        public var text: String

        public init(mode: String, text: String) {
            self.mode = mode
            self.text = text
        }

        public static var jsonSchema: JSONSchema {
            .object(.init("mode", .string(enumValues: ["now", "next-heartbeat"]), required: true), .init("text", .string(minLength: 1), required: true))
        }
    }

    public struct Result: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var ok: Bool
        /// The queued event's id.
        public var eventId: Int
        /// Events now waiting for the heartbeat, this one included.
        public var queued: Int
        /// When the heartbeat that takes it is due (`now`: at once); nil when periodic
        /// heartbeats are off and the event waits for a `now` wake.
        public var nextHeartbeatAtMs: Int?

        public init(eventId: Int, queued: Int, nextHeartbeatAtMs: Int?) {
            ok = true
            self.eventId = eventId
            self.queued = queued
            self.nextHeartbeatAtMs = nextHeartbeatAtMs
        }

        public static var jsonSchema: JSONSchema {
            .openObject(
                .init("ok", .boolean(), required: true), .init("eventId", .integer(minimum: 0), required: true),
                .init("queued", .integer(minimum: 0), required: true), .init("nextHeartbeatAtMs", .integer(minimum: 0)))
        }
    }
}

/// `set-heartbeats` (scope admin): pauses or resumes heartbeats until the next start.
public enum SetHeartbeats: GatewayMethod {
    public static let name = "set-heartbeats"
    public static let access = MethodAccess.scope(.admin)
    public static let summary = "Pause or resume heartbeats (until the gateway restarts)."

    public struct Params: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var enabled: Bool
        public init(enabled: Bool) { self.enabled = enabled }
        public static var jsonSchema: JSONSchema { .object(.init("enabled", .boolean(), required: true)) }
    }

    public struct Result: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var ok: Bool
        public var enabled: Bool
        public init(enabled: Bool) {
            ok = true
            self.enabled = enabled
        }
        public static var jsonSchema: JSONSchema { .openObject(.init("ok", .boolean(), required: true), .init("enabled", .boolean(), required: true)) }
    }
}
