/// A promise to deliver a run's answer to a chat (a `POST /hooks/agent` turn, a cron job with
/// `delivery: announce`), stored before the run starts and removed once the answer is in the
/// outbox — so a crash between the run's end and the delivery is finished at the next start.
public struct DeliveryIntent: Sendable, Hashable {
    public var runId: String
    public var agentId: String
    /// `last` or a channel name.
    public var target: String
    public var to: String?
    public var accountId: String?
    /// The outbox idempotency key the answer is queued under.
    public var idempotencyKey: String

    public init(runId: String, agentId: String, target: String, to: String?, accountId: String?, idempotencyKey: String) {
        self.runId = runId
        self.agentId = agentId
        self.target = target
        self.to = to
        self.accountId = accountId
        self.idempotencyKey = idempotencyKey
    }
}

public protocol DeliveryIntentStoring: Sendable {
    func saveIntent(_ intent: DeliveryIntent, nowMs: Int) async throws
    func removeIntent(runId: String) async throws
    /// Every intent not yet fulfilled, oldest first.
    func intents() async throws -> [DeliveryIntent]
}
