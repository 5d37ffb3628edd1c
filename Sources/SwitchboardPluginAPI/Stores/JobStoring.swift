/// Durable scheduled jobs and their run log.
///
/// Exactly once: a due job is claimed in one transaction that records its run as `running` and
/// moves its next due time on. A crash before the claim leaves the job due (it runs at start);
/// a crash after it leaves a `running` run, which ``interruptRunning(nowMs:owner:)`` closes as
/// an error at start — the job is not run a second time for that occurrence. Each claim names
/// its `owner` (one per scheduler instance), so a new instance closes only runs it did not start.
public protocol JobStoring: Sendable {
    /// Inserts the job, or replaces its definition, name, enabled flag and next due time when
    /// one with this id exists (keeping its run state).
    func save(_ job: StoredJob) async throws
    func job(id: String) async throws -> StoredJob?
    /// Every job, by name.
    func jobs() async throws -> [StoredJob]
    /// Removes the job (its runs stay in the log); false when there was none.
    func remove(id: String) async throws -> Bool
    /// The earliest next due time of an enabled job that is not running.
    func nextDueAtMs() async throws -> Int?
    /// Claims up to `limit` enabled, not-running jobs due at `nowMs`, earliest first, asking
    /// `decide` about each: a run is recorded (`running` or `skipped`) and the job's next due
    /// time set, all in one transaction. Returns the runs to start.
    func claimDue(nowMs: Int, limit: Int, owner: String, runId: @escaping @Sendable () -> String, decide: @escaping @Sendable (StoredJob) -> JobClaimDecision) async throws -> [JobRun]
    /// Claims one job now whatever its schedule (`cron.run`); nil when it is missing or running.
    func claimNow(jobId: String, runId: String, trigger: String, owner: String, nowMs: Int) async throws -> JobRun?
    /// Finishes a `running` run and updates its job's last-run state; returns the run.
    @discardableResult
    func finish(runId: String, status: JobRun.Status, error: String?, summary: String?, deliveryStatus: String?, nowMs: Int) async throws -> JobRun?
    /// After a crash: every `running` run not claimed by `owner` becomes an error ("interrupted");
    /// returns them.
    func interruptRunning(nowMs: Int, owner: String) async throws -> [JobRun]
    /// The run log, newest first, for one job or all.
    func runs(jobId: String?, limit: Int, offset: Int) async throws -> [JobRun]
    /// Keeps the newest `keepPerJob` finished runs of each job.
    func pruneRuns(keepPerJob: Int) async throws -> Int
}
