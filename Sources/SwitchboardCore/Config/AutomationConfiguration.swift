public import SwitchboardProtocol

/// The scheduler (and, later, hooks, heartbeat and webhooks). Keys are listed in
/// ``ConfigKeys`` (`automation.*`).
public struct AutomationConfiguration: Sendable, Hashable {
    /// Run scheduled jobs at all.
    public var enabled = true
    /// Where `scheduler.yaml` is read (Clara's `CLARA_SCHEDULER_DIR`); nil: the state dir.
    public var schedulerDir: String?
    /// Scheduled runs at once, across all jobs.
    public var maxConcurrentRuns = 4
    /// Runs kept in each job's log.
    public var keepRunsPerJob = 200
    /// Output kept per command run (its last bytes).
    public var maxOutputBytes = 16 * 1024
    /// At shutdown, how long scheduled runs (and hooks) get to finish before they are stopped.
    public var shutdownGraceMs = 10_000
    /// Where `hooks.yaml` is read (Clara's `CLARA_HOOKS_DIR`); nil: `<stateDir>/hooks`.
    public var hooksDir: String?
    /// Hook runs at once.
    public var hooksMaxConcurrent = 4
    /// Hook runs waiting to start; beyond it new runs are dropped (and counted).
    public var hooksMaxQueued = 1000
    /// Hook runs kept in the log.
    public var hooksKeepRuns = 500
    /// The wait before a failed hook's first retry (hooks with `retries`); doubles per attempt.
    public var hooksRetryBaseMs = 5_000
    /// System events (`wake`, cron `systemEvent` jobs, `POST /hooks/wake`) waiting per session;
    /// more are refused with a clear error, never dropped.
    public var systemEventsMax = 100
    /// Longest system event text.
    public var systemEventMaxChars = 16_384
    /// Scheduled tasks in the config (`automation.jobs`, Clara's task fields), kept as written
    /// after validation; they become jobs `config:<name>` and follow every reload.
    public var jobs: JSONValue = .array([])
    /// Hooks in the config (`automation.hooks`, Clara's hook fields), beside `hooks.yaml`'s.
    public var hooks: JSONValue = .array([])
    /// OpenClaw's webhooks (`hooks.*`).
    public var webhooks = WebhookConfiguration()
}

/// `POST <path>/wake` and `POST <path>/agent` (OpenClaw's webhooks; keys `hooks.*`).
public struct WebhookConfiguration: Sendable, Hashable {
    /// Off by default: a webhook lets whoever holds the token start agent turns.
    public var enabled = false
    /// The Bearer token callers send; required when enabled.
    public var token: String?
    /// Where the two routes live.
    public var path = "/hooks"
    /// Largest request body.
    public var maxBodyBytes = 256 * 1024
    /// Let `/agent` callers pick the session (`sessionKey`); off, every call gets its own.
    public var allowRequestSessionKey = false
}
