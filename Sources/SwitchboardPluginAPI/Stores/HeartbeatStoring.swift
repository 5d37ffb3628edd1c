/// A system event waiting for the main session's next heartbeat: queued by `wake`, a cron job
/// with a `systemEvent` payload, or `POST /hooks/wake`, and put in front of the heartbeat's prompt.
public struct SystemEventRecord: Sendable, Hashable {
    public var id: Int64
    public var sessionKey: String
    public var text: String
    /// Who queued it: `wake`, `cron`, or `webhook` (a webhook's text is untrusted).
    public var source: String
    public var createdAtMs: Int

    public init(id: Int64, sessionKey: String, text: String, source: String, createdAtMs: Int) {
        self.id = id
        self.sessionKey = sessionKey
        self.text = text
        self.source = source
        self.createdAtMs = createdAtMs
    }
}

/// What the heartbeat keeps across restarts for one agent.
public struct HeartbeatState: Sendable, Hashable {
    /// When the last heartbeat ran (the next is one interval later, even across a restart).
    public var lastBeatAtMs: Int?
    /// The last `heartbeat` event, as JSON (`last-heartbeat`).
    public var lastEventJSON: String?
    /// A heartbeat turn accepted but not yet handled (a restart finishes it).
    public var pendingRunId: String?
    /// The last alert delivered, and when: the same alert within a day is not sent again.
    public var lastSentText: String?
    public var lastSentAtMs: Int?

    public init() {}
}

/// The durable side of heartbeats: the system event queue and the heartbeat's state.
///
/// Events are taken by a heartbeat turn in two steps, so a crash never loses one and a turn
/// that ran never repeats it: ``claimSystemEvents(ids:runId:)`` before the turn is journaled,
/// ``finishSystemEvents(runId:consumed:)`` after it. After a crash, ``recoverSystemEvents()``
/// settles the claims the last run left.
public protocol HeartbeatStoring: Sendable {
    /// Queues an event; nil (nothing stored) when `sessionKey` already has `limit` waiting.
    func enqueueSystemEvent(sessionKey: String, text: String, source: String, nowMs: Int, limit: Int) async throws -> SystemEventRecord?
    /// Events no turn has taken, oldest first.
    func pendingSystemEvents(sessionKey: String) async throws -> [SystemEventRecord]
    /// At start, before the first heartbeat: deletes the events of turns that finished and
    /// gives back those of turns that never got journaled, failed or were cut off.
    func recoverSystemEvents() async throws
    func claimSystemEvents(ids: [Int64], runId: String) async throws
    /// `consumed`: the turn ran, the events are deleted; otherwise they are pending again.
    func finishSystemEvents(runId: String, consumed: Bool) async throws
    func heartbeatState(agentId: String) async throws -> HeartbeatState
    func saveHeartbeatState(agentId: String, _ state: HeartbeatState) async throws
}
