/// `agent`: one step of a run — `lifecycle`, `assistant` or `tool` stream — with a per-run
/// `seq` that starts at 1 and rises by one (§6.3). Tool steps are sent only to connections
/// that advertised the `tool-events` cap and started or joined the run.
public enum AgentEvent: GatewayEvent {
    public static let name = "agent"
    public static let requiredScope: OperatorScope? = .read
    public static let summary = "Agent run stream: lifecycle, assistant text and tool steps."

    public struct Payload: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var runId: String
        public var seq: Int
        public var stream: String
        public var ts: Int
        public var data: JSONValue
        public var sessionKey: String?

        public init(runId: String, seq: Int, stream: String, ts: Int, data: JSONValue, sessionKey: String?) {
            self.runId = runId
            self.seq = seq
            self.stream = stream
            self.ts = ts
            self.data = data
            self.sessionKey = sessionKey
        }

        public static var jsonSchema: JSONSchema {
            .openObject(
                .init("runId", .string(), required: true),
                .init("seq", .integer(minimum: 1), required: true),
                .init("stream", .string(), required: true),
                .init("ts", .integer(minimum: 0), required: true),
                .init("data", .any(), required: true),
                .init("sessionKey", .string())
            )
        }
    }
}

/// `chat`: a run's output for chat UIs (§6.4). v3 deltas carry the full text so far; v4 deltas
/// carry `deltaText` to append. Each connection gets its own protocol's shape.
public enum ChatEvent: GatewayEvent {
    public static let name = "chat"
    public static let requiredScope: OperatorScope? = .read
    public static let summary = "Chat stream: delta (throttled), final, aborted or error."

    public struct Payload: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var runId: String
        public var sessionKey: String
        public var seq: Int
        /// `delta`, `final`, `aborted` or `error`.
        public var state: String
        public var message: ChatMessage?
        /// v4 deltas: text to append (or the whole text when `replace` is true).
        public var deltaText: String?
        public var replace: Bool?
        public var errorMessage: String?
        public var errorKind: String?
        public var usage: ChatUsage?
        public var stopReason: String?
        public var agentId: String?

        public init(runId: String, sessionKey: String, seq: Int, state: String) {
            self.runId = runId
            self.sessionKey = sessionKey
            self.seq = seq
            self.state = state
        }

        public static var jsonSchema: JSONSchema {
            .openObject(
                .init("runId", .string(), required: true),
                .init("sessionKey", .string(), required: true),
                .init("seq", .integer(minimum: 0), required: true),
                .init("state", .string(enumValues: ["delta", "final", "aborted", "error"]), required: true),
                .init("message", ChatMessage.jsonSchema),
                .init("deltaText", .string()),
                .init("replace", .boolean()),
                .init("errorMessage", .string()),
                .init("errorKind", .string()),
                .init("usage", ChatUsage.jsonSchema),
                .init("stopReason", .string()),
                .init("agentId", .string())
            )
        }
    }
}
