public import SwitchboardProtocol

/// One run of a hook, as kept in the gateway database.
public struct HookRunRecord: Sendable, Hashable {
    public var hookName: String
    public var event: String
    public var startedAtMs: Int
    public var durationMs: Int
    /// `ok` or `error`.
    public var status: String
    public var error: String?
    /// The command's output (standard output and errors), its last bytes.
    public var output: String

    public init(hookName: String, event: String, startedAtMs: Int, durationMs: Int, status: String, error: String?, output: String) {
        self.hookName = hookName
        self.event = event
        self.startedAtMs = startedAtMs
        self.durationMs = durationMs
        self.status = status
        self.error = error
        self.output = output
    }
}

/// The log of hook runs: kept across restarts (Clara kept its last results in memory only).
public protocol HookRunStoring: Sendable {
    func record(_ run: HookRunRecord) async throws
    /// Newest first, for one hook or all.
    func runs(hookName: String?, limit: Int) async throws -> [HookRunRecord]
    /// Keeps the newest `keep` runs; returns how many were removed.
    func prune(keep: Int) async throws -> Int
}

/// A hook run waiting (or running) in the durable queue: the hook as it was when the event
/// fired, and the event, both as JSON.
public struct QueuedHookRun: Sendable, Hashable {
    public var id: Int64
    public var hook: JSONValue
    public var event: JSONValue
    /// Attempts made so far (a retry has at least one).
    public var attempts: Int
    public var nextAttemptAtMs: Int
    /// True when a run had started: after a crash it is recorded as interrupted, not run again.
    public var running: Bool

    public init(id: Int64, hook: JSONValue, event: JSONValue, attempts: Int, nextAttemptAtMs: Int, running: Bool) {
        self.id = id
        self.hook = hook
        self.event = event
        self.attempts = attempts
        self.nextAttemptAtMs = nextAttemptAtMs
        self.running = running
    }
}

/// The durable queue of hook runs, on the same database as their log: an event's hook runs are
/// stored before they start, so a crash or a stop does not lose one that was queued.
public protocol HookQueueStoring: Sendable {
    /// Stores new runs (hook and event JSON, in order); returns their ids.
    func enqueueHookRuns(_ runs: [(hook: JSONValue, event: JSONValue)], nowMs: Int) async throws -> [Int64]
    func markHookRunStarted(id: Int64, attempts: Int) async throws
    /// Puts a failed run back for another attempt at `nextAttemptAtMs`.
    func retryHookRun(id: Int64, nextAttemptAtMs: Int) async throws
    /// Removes the run from the queue and logs `record`, in one transaction.
    func completeHookRun(id: Int64, record: HookRunRecord) async throws
    /// Everything queued, oldest first (read at start).
    func queuedHookRuns() async throws -> [QueuedHookRun]
}
