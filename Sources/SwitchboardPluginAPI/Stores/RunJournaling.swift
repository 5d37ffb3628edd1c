public import SwitchboardProtocol

/// The durable journal of acknowledged runs. `accept` writes the run and the user's message
/// in one transaction, keyed by run id (the idempotency key), so a retry after a lost ack
/// finds the first one instead of storing the message twice.
public protocol RunJournaling: Sendable {
    /// Journals `run` and appends `userMessage` to `sessionId`, atomically; when a run with
    /// the same id exists, nothing is written and the existing record is returned.
    func accept(_ run: RunRecord, userMessage: ChatMessage, sessionId: String) async throws -> RunAcceptance
    func run(id: String) async throws -> RunRecord?
    func markRunning(runId: String, nowMs: Int) async throws
    func markDone(runId: String, outcome: String, summary: String?, nowMs: Int) async throws
    /// After a crash: every `running` run becomes `interrupted`; returns how many.
    func interruptRunning(nowMs: Int) async throws -> Int
    /// Runs still `queued`, in arrival order.
    func queued() async throws -> [RunRecord]
    /// Removes finished runs older than `olderThanMs`; returns how many.
    func prune(olderThanMs: Int) async throws -> Int
}

public enum RunAcceptance: Sendable, Hashable {
    case accepted(RunRecord)
    case duplicate(RunRecord)
}
