public import SwitchboardProtocol

/// A scheduled job as stored: what it is (`definition`, OpenClaw's `CronJob` fields as JSON,
/// read by the scheduler) and where it stands.
public struct StoredJob: Sendable, Hashable {
    public var id: String
    public var name: String
    /// Where it came from: `api` (`cron.add`), `file` (`scheduler.yaml`) or `config` (`automation.jobs`).
    public var source: String
    public var definition: JSONValue
    public var enabled: Bool
    /// The next time it is due (Unix ms); nil when it will not run again (a past one-shot).
    public var nextRunAtMs: Int?
    public var createdAtMs: Int
    public var updatedAtMs: Int
    public var lastRunAtMs: Int?
    public var lastStatus: String?
    public var lastError: String?
    public var lastDurationMs: Int?
    public var consecutiveErrors: Int
    /// The run in progress, if any: a job never runs twice at once.
    public var runningRunId: String?

    public init(
        id: String, name: String, source: String, definition: JSONValue, enabled: Bool, nextRunAtMs: Int?, createdAtMs: Int, updatedAtMs: Int
    ) {
        self.id = id
        self.name = name
        self.source = source
        self.definition = definition
        self.enabled = enabled
        self.nextRunAtMs = nextRunAtMs
        self.createdAtMs = createdAtMs
        self.updatedAtMs = updatedAtMs
        consecutiveErrors = 0
    }
}

/// One run of a job, recorded before it starts (`running`) and finished once.
public struct JobRun: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable, CaseIterable {
        case running, ok, error, skipped
    }

    public var runId: String
    public var jobId: String
    public var jobName: String
    /// `schedule`, `missed` (due while the gateway was down), `manual` (`cron.run`).
    public var trigger: String
    /// When it was due (Unix ms).
    public var dueAtMs: Int
    public var startedAtMs: Int
    public var finishedAtMs: Int?
    public var status: Status
    public var error: String?
    /// The output's tail or the agent's answer, bounded.
    public var summary: String?
    /// `delivered`, `not-delivered`, `not-requested` (OpenClaw's delivery statuses).
    public var deliveryStatus: String?

    public init(runId: String, jobId: String, jobName: String, trigger: String, dueAtMs: Int, startedAtMs: Int, status: Status) {
        self.runId = runId
        self.jobId = jobId
        self.jobName = jobName
        self.trigger = trigger
        self.dueAtMs = dueAtMs
        self.startedAtMs = startedAtMs
        self.status = status
    }

    public var durationMs: Int? { finishedAtMs.map { max(0, $0 - startedAtMs) } }
}

/// What the scheduler decides for a job that is due.
public enum JobClaimDecision: Sendable, Hashable {
    /// Run it now (`trigger` as in ``JobRun/trigger``); it is next due at `nextRunAtMs`.
    case run(trigger: String, nextRunAtMs: Int?)
    /// Do not run this occurrence; record it as skipped with `reason`.
    case skip(reason: String, nextRunAtMs: Int?)
}
