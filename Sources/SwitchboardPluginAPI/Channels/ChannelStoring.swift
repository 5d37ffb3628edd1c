/// Durable channel state: the inbound journal, platform cursors, the outbox, and who may talk
/// to the agent. Each method is one transaction, so a crash never leaves half a step behind.
public protocol ChannelStoring: Sendable {
    /// Journals `message` and advances `cursor` together; returns the stored message and how
    /// many pending messages of its session came before it (its queue position). Returns nil
    /// when the (channel, platform message id) pair was seen before: the caller must not process
    /// it again.
    func recordInbound(_ message: InboundRecord, cursor: ChannelCursor?) async throws -> (record: InboundRecord, ahead: Int)?
    /// Stores a platform cursor (e.g. Telegram's next update offset) on its own.
    func saveCursor(_ cursor: ChannelCursor) async throws
    func cursor(connector: String, accountId: String) async throws -> String?
    /// The oldest pending message of a session.
    func nextPendingInbound(sessionKey: String) async throws -> InboundRecord?
    /// The newest message journaled for one of `agentId`'s sessions (a heartbeat's `last` target).
    func lastInbound(agentId: String) async throws -> InboundRecord?
    /// Sessions that have pending messages (to resume after a restart).
    func sessionsWithPendingInbound() async throws -> [String]
    func inbound(connector: String, channel: String, platformMessageId: String) async throws -> InboundRecord?
    /// Marks the message done and enqueues its reply in the same transaction, with the run's
    /// final answer saved to the transcript (`answer`) and its tokens added to the session.
    func completeInbound(id: Int64, reply: NewOutboxMessage?, answer: RunReply?, usage: SessionUsage?, nowMs: Int) async throws

    /// Adds a message unless its idempotency key exists; returns the stored row and whether it is new.
    func enqueueOutbox(_ message: NewOutboxMessage, nowMs: Int) async throws -> (record: OutboxRecord, created: Bool)
    func outbox(idempotencyKey: String) async throws -> OutboxRecord?
    func outbox(id: Int64) async throws -> OutboxRecord?
    /// Pending messages whose next attempt is due, oldest first, and when the next pending
    /// message becomes due (nil when none is pending), in one read.
    func dueOutbox(nowMs: Int, limit: Int) async throws -> (due: [OutboxRecord], nextAttemptAtMs: Int?)
    /// Records parts delivered so far (a retry resumes after them).
    func recordDeliveredParts(id: Int64, parts: [String]) async throws
    func markDelivered(id: Int64, parts: [String], nowMs: Int) async throws
    /// Counts a failed attempt; `nextAttemptAtMs` nil marks the message failed for good.
    func markAttemptFailed(id: Int64, error: String, nextAttemptAtMs: Int?) async throws
    func outboxCounts() async throws -> [OutboxRecord.State: Int]
    /// The same counts per connector (`telegram`, `adapter`), for `channels.status`.
    func outboxCountsByConnector() async throws -> [String: [OutboxRecord.State: Int]]
    /// Deletes answered messages and delivered or failed outbox rows older than `beforeMs`; returns how many.
    func pruneChannelHistory(beforeMs: Int) async throws -> Int
    /// Makes a connector's waiting messages due now (it can deliver again).
    func rescheduleOutbox(connector: String, nowMs: Int) async throws

    func isApproved(channel: String, senderId: String) async throws -> Bool
    func approvedSenders(channel: String) async throws -> [String]
    /// Creates (or returns the live) pairing code of a sender; expired codes are purged first.
    func requestPairing(_ request: ChannelPairingRequest, maxPending: Int, nowMs: Int) async throws -> PairingRequestOutcome
    func pairingRequests(channel: String?, nowMs: Int) async throws -> [ChannelPairingRequest]
    /// Approves the sender behind a live code; nil when no such code is live.
    func approvePairing(channel: String, code: String, nowMs: Int) async throws -> ChannelPairingRequest?
}

/// A connector's resume point on its platform.
public struct ChannelCursor: Sendable, Hashable {
    public var connector: String
    public var accountId: String
    public var value: String

    public init(connector: String, accountId: String, value: String) {
        self.connector = connector
        self.accountId = accountId
        self.value = value
    }
}
