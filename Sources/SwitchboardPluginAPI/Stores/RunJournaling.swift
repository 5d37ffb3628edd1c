public import SwitchboardProtocol

/// The durable journal of acknowledged runs. `accept` writes the run and the user's message
/// in one transaction, keyed by run id (the idempotency key), so a retry after a lost ack
/// finds the first one instead of storing the message twice.
public protocol RunJournaling: Sendable {
    /// Journals `run` and appends `userMessage` to the session `run.sessionKey` (created for
    /// `run.agentId` when missing), in one transaction. Nothing is written when `admits`
    /// refuses the session (`.refused`) or a run with the same id exists (`.duplicate`).
    func accept(_ run: RunRecord, userMessage: ChatMessage, admits: @escaping @Sendable (SessionRecord) -> Bool) async throws -> RunAcceptance
    func run(id: String) async throws -> RunRecord?
    /// Marks the run `running` and reads what its turn needs — the session `sessionKey`
    /// (created for `agentId` when missing) and its newest `historyLimit` entries, oldest
    /// first — in one transaction.
    func begin(runId: String, sessionKey: String, agentId: String, historyLimit: Int, nowMs: Int) async throws -> (SessionRecord, [TranscriptEntry])
    /// Records the outcome and, in the same transaction, adds `usage` to its session's token
    /// counts and saves `reply` (the run's final answer) in the transcript, complete: one
    /// commit at the end of a turn instead of three.
    func markDone(runId: String, outcome: String, summary: String?, usage: SessionUsage?, reply: RunReply?, nowMs: Int) async throws
    /// After a crash: every `running` run becomes `interrupted`; returns how many.
    func interruptRunning(nowMs: Int) async throws -> Int
    /// Runs still `queued`, in arrival order.
    func queued() async throws -> [RunRecord]
    /// Removes finished runs older than `olderThanMs`; returns how many.
    func prune(olderThanMs: Int) async throws -> Int
}

/// A run's final answer, saved with its outcome: a new transcript entry, or the streaming entry
/// `entryId` completed.
public struct RunReply: Sendable, Hashable {
    public var sessionId: String
    public var entryId: Int64?
    public var message: ChatMessage

    public init(sessionId: String, entryId: Int64?, message: ChatMessage) {
        self.sessionId = sessionId
        self.entryId = entryId
        self.message = message
    }
}

/// Tokens a run used, added to its session's totals.
public struct SessionUsage: Sendable, Hashable {
    public var sessionKey: String
    public var input: Int
    public var output: Int

    public init(sessionKey: String, input: Int, output: Int) {
        self.sessionKey = sessionKey
        self.input = input
        self.output = output
    }
}

public enum RunAcceptance: Sendable, Hashable {
    case accepted(RunRecord)
    case duplicate(RunRecord)
    /// `admits` said no to the session (say, its send policy denies).
    case refused(SessionRecord)
}
