public import SwitchboardProtocol

/// A stored session: one conversation under a stable key (`agent:<agentId>:main`, …).
public struct SessionRecord: Sendable, Hashable {
    public var key: String
    /// Changes on `sessions.reset`; transcript entries belong to a session id, not a key.
    public var sessionId: String
    public var agentId: String
    public var createdAtMs: Int
    public var updatedAtMs: Int
    /// Patchable settings (`label`, `model`, `sendPolicy`, levels…), as set by `sessions.patch`.
    public var settings: [String: JSONValue]
    public var inputTokens: Int
    public var outputTokens: Int

    public init(
        key: String, sessionId: String, agentId: String, createdAtMs: Int, updatedAtMs: Int, settings: [String: JSONValue] = [:],
        inputTokens: Int = 0, outputTokens: Int = 0
    ) {
        self.key = key
        self.sessionId = sessionId
        self.agentId = agentId
        self.createdAtMs = createdAtMs
        self.updatedAtMs = updatedAtMs
        self.settings = settings
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
    }

    public var label: String? { settings["label"]?.stringValue }
}

/// One transcript line: a ``ChatMessage`` plus where it stands.
public struct TranscriptEntry: Sendable, Hashable {
    public enum State: String, Sendable, Hashable {
        /// Being written as the run streams.
        case streaming
        case complete
        /// Cut short by an abort, a timeout, an error or a crash.
        case interrupted
    }

    public var id: Int64
    public var sessionId: String
    public var message: ChatMessage
    public var state: State

    public init(id: Int64, sessionId: String, message: ChatMessage, state: State) {
        self.id = id
        self.sessionId = sessionId
        self.message = message
        self.state = state
    }
}
