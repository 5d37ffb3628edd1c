/// A run the gateway acknowledged (`chat.send`, `agent`), as journaled: written with the
/// user's message before the ack, so neither a crash nor a stop loses it or runs it twice.
public struct RunRecord: Sendable, Hashable {
    public enum State: String, Sendable, CaseIterable {
        /// Acknowledged, waiting in its session's lane (resumed after a restart).
        case queued
        /// Started: after a crash it is marked `interrupted`, never run again.
        case running
        /// Finished with `outcome`.
        case done
        /// Cut short by a crash or a stop past the drain time.
        case interrupted
    }

    public var runId: String
    /// Arrival order across all sessions (queued runs resume in it).
    public var sequence: Int64
    public var sessionKey: String
    public var agentId: String
    /// `chat` or `agent`.
    public var origin: String
    public var message: String
    public var timeoutMs: Int
    public var model: String?
    public var extraSystemPrompt: String?
    public var state: State
    /// `ok`, `error` or `aborted` once done.
    public var outcome: String?
    public var summary: String?
    public var acceptedAtMs: Int
    public var updatedAtMs: Int

    public init(
        runId: String, sequence: Int64 = 0, sessionKey: String, agentId: String, origin: String, message: String, timeoutMs: Int, model: String? = nil,
        extraSystemPrompt: String? = nil, state: State = .queued, outcome: String? = nil, summary: String? = nil, acceptedAtMs: Int, updatedAtMs: Int
    ) {
        self.runId = runId
        self.sequence = sequence
        self.sessionKey = sessionKey
        self.agentId = agentId
        self.origin = origin
        self.message = message
        self.timeoutMs = timeoutMs
        self.model = model
        self.extraSystemPrompt = extraSystemPrompt
        self.state = state
        self.outcome = outcome
        self.summary = summary
        self.acceptedAtMs = acceptedAtMs
        self.updatedAtMs = updatedAtMs
    }
}
