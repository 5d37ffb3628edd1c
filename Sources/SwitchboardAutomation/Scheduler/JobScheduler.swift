public import Foundation
public import Logging
public import ServiceLifecycle
public import SwitchboardPluginAPI
import Synchronization

/// Runs agent turns and system events for scheduled jobs; the gateway implements it.
public protocol JobActionRunning: Sendable {
    func run(_ job: ScheduledJob, jobId: String, run: JobRun) async -> JobOutcome
}

/// How a run ended.
public struct JobOutcome: Sendable, Equatable {
    public var status: JobRun.Status
    public var error: String?
    public var summary: String?
    public var deliveryStatus: String?

    public init(status: JobRun.Status, error: String? = nil, summary: String? = nil, deliveryStatus: String? = nil) {
        self.status = status
        self.error = error
        self.summary = summary
        self.deliveryStatus = deliveryStatus
    }
}

/// What the scheduler tells the gateway (the `cron` event, hooks, logs).
public enum SchedulerEvent: Sendable, Equatable {
    case started(JobRun)
    case finished(JobRun)
}

/// The scheduler: one engine for `cron.*` jobs, `scheduler.yaml` tasks and config jobs.
///
/// Each turn of its loop claims what is due (``JobStoring/claimDue``: the run is recorded and
/// the next due time set in one commit, so a crash never runs an occurrence twice), starts the
/// runs in its task group (at most ``Configuration/maxConcurrentRuns``), and sleeps until the
/// next due time, a change (``jobsChanged()``) or a run's end.
public final class JobScheduler: Service, Sendable {
    public struct Configuration: Sendable {
        /// Runs at once, across all jobs (a job itself never runs twice at once).
        public var maxConcurrentRuns = 4
        /// Runs kept in the log per job.
        public var keepRunsPerJob = 200
        /// Output kept per command run (its last bytes).
        public var maxOutputBytes = 16 * 1024
        /// How long runs in progress get to finish at shutdown before they are stopped.
        public var shutdownGraceMs = 10_000
        /// For cron jobs without `tz` and times without an offset.
        public var zone: TimeZone = .current

        public init() {}
    }

    let store: any JobStoring
    let clock: any SchedulerClock
    let actions: (any JobActionRunning)?
    let configuration: Configuration
    let logger: Logger
    let observe: @Sendable (SchedulerEvent) -> Void
    private let wake = WakeSignal()
    private let manual = Mutex<[JobRun]>([])
    private let active = Mutex(0)
    private let stopping = Atomic(false)
    /// This instance's claims; at start it closes every other instance's unfinished runs.
    private let owner = JobScheduler.newRunId()
    /// Wait before looking again after the store failed (disk full, damage).
    static let storeRetryMs: Int64 = 5000

    public init(
        store: any JobStoring, clock: any SchedulerClock = SystemSchedulerClock(), actions: (any JobActionRunning)?,
        configuration: Configuration = Configuration(), logger: Logger, observe: @escaping @Sendable (SchedulerEvent) -> Void = { _ in }
    ) {
        self.store = store
        self.clock = clock
        self.actions = actions
        self.configuration = configuration
        self.logger = logger
        self.observe = observe
    }

    /// Look again now: a job was added, changed or removed.
    public func jobsChanged() { wake.signal() }

    /// Starts `jobId` now whatever its schedule (`cron.run`); nil when it is missing or running.
    public func runNow(jobId: String) async throws -> JobRun? {
        guard let run = try await store.claimNow(jobId: jobId, runId: Self.newRunId(), trigger: "manual", owner: owner, nowMs: Int(clock.nowMs())) else { return nil }
        manual.withLock { $0.append(run) }
        wake.signal()
        return run
    }

    public func run() async throws {
        let startedAt = clock.nowMs()
        await closeInterrupted(nowMs: startedAt)
        _ = try? await store.pruneRuns(keepPerJob: configuration.keepRunsPerJob)
        await withDiscardingTaskGroup { group in
            group.addTask {
                try? await gracefulShutdown()
                self.stopping.store(true, ordering: .relaxed)
                self.wake.signal()
            }
            while !stopping.load(ordering: .relaxed) && !Task.isCancelled {
                for run in manual.withLock({ runs in defer { runs.removeAll() }; return runs }) {
                    start(run, in: &group)
                }
                let now = clock.nowMs()
                let free = configuration.maxConcurrentRuns - active.withLock { $0 }
                var next: Int64?
                do {
                    if free > 0 {
                        let zone = configuration.zone
                        let runs = try await store.claimDue(nowMs: Int(now), limit: free, owner: owner, runId: { Self.newRunId() }) { job in
                            Self.decide(job, nowMs: now, startedAtMs: startedAt, zone: zone)
                        }
                        for run in runs { start(run, in: &group) }
                    }
                    if active.withLock({ $0 }) < configuration.maxConcurrentRuns {
                        next = try await store.nextDueAtMs().map(Int64.init)
                    }
                } catch is CancellationError {
                    break
                } catch {
                    logger.error("scheduler could not read its jobs; retrying", metadata: ["error": "\(error)"])
                    next = now + Self.storeRetryMs
                }
                await clock.sleep(untilMs: next, wake: wake)
            }
            await drain(group: &group)
        }
    }

    /// At shutdown: runs in progress get ``Configuration/shutdownGraceMs`` to end, then are stopped.
    private func drain(group: inout DiscardingTaskGroup) async {
        let deadline = ContinuousClock.now + .milliseconds(configuration.shutdownGraceMs)
        while active.withLock({ $0 }) > 0 {
            let left = deadline - ContinuousClock.now
            guard left > .zero else {
                logger.warning("stopping scheduled runs still in progress at shutdown", metadata: ["runs": "\(active.withLock { $0 })"])
                group.cancelAll()
                return
            }
            await wake.wait(timeoutMs: Int(left / .milliseconds(1)) + 1)
        }
    }

    private func start(_ run: JobRun, in group: inout DiscardingTaskGroup) {
        active.withLock { $0 += 1 }
        logger.info("scheduled run started", metadata: ["job": "\(run.jobName)", "run": "\(run.runId)", "trigger": "\(run.trigger)"])
        observe(.started(run))
        group.addTask {
            await self.execute(run)
            self.active.withLock { $0 -= 1 }
            self.wake.signal()
        }
    }

    /// The decision for a due job: run it (once, however many times it fell due while the
    /// gateway was down), or skip a missed one when its policy says so.
    static func decide(_ job: StoredJob, nowMs: Int64, startedAtMs: Int64, zone: TimeZone) -> JobClaimDecision {
        let parsed: ScheduledJob
        do {
            parsed = try ScheduledJob(definition: job.definition, nowMs: Int64(job.createdAtMs), zone: zone)
        } catch {
            return .skip(reason: "invalid job definition: \(error)", nextRunAtMs: nil)
        }
        // A one-shot runs once: claimed, it is never due again (whatever its `at` says).
        var next: Int?
        if case .at = parsed.schedule { next = nil } else { next = parsed.schedule.nextRun(afterMs: nowMs, jobId: job.id).map { Int($0) } }
        let missed = Int64(job.nextRunAtMs ?? Int(nowMs)) < startedAtMs
        if missed && parsed.missed == .skip {
            return .skip(reason: "missed while the gateway was down (missed: skip)", nextRunAtMs: next)
        }
        return .run(trigger: missed ? "missed" : "schedule", nextRunAtMs: next)
    }

    private func execute(_ run: JobRun) async {
        let stored = try? await store.job(id: run.jobId)
        let job = stored.flatMap { try? ScheduledJob(definition: $0.definition, nowMs: Int64($0.createdAtMs), zone: configuration.zone) }
        let outcome: JobOutcome
        switch job?.action {
        case nil:
            outcome = JobOutcome(status: .error, error: "the job was removed or its definition is invalid")
        case .command(let command, let timeoutSeconds, let directory):
            outcome = await runCommand(command, timeoutSeconds: timeoutSeconds, directory: directory, run: run)
        case .agentTurn, .systemEvent:
            if let actions, let job {
                outcome = await actions.run(job, jobId: run.jobId, run: run)
            } else {
                outcome = JobOutcome(status: .error, error: "agent jobs need the gateway's agent, which is not available here")
            }
        }
        let finished: JobRun?
        do {
            let store = self.store
            let endedAtMs = Int(clock.nowMs())
            // Recorded even when the run was stopped by shutdown (see ``uncancelled(_:)``).
            finished = try await uncancelled { [outcome] in
                try await store.finish(
                    runId: run.runId, status: outcome.status, error: outcome.error, summary: outcome.summary,
                    deliveryStatus: outcome.deliveryStatus, nowMs: endedAtMs)
            }
        } catch {
            // The run stays `running` and is closed as interrupted at the next start.
            logger.error("could not record a scheduled run's end", metadata: ["job": "\(run.jobId)", "run": "\(run.runId)", "error": "\(error)"])
            finished = nil
        }
        if let job, job.deleteAfterRun, outcome.status == .ok, case .at = job.schedule {
            _ = try? await store.remove(id: run.jobId)
        }
        var ended = finished ?? run
        if finished == nil {
            ended.status = outcome.status
            ended.error = outcome.error
        }
        logger.log(
            level: ended.status == .error ? .warning : .info, "scheduled run ended",
            metadata: ["job": "\(run.jobName)", "run": "\(run.runId)", "status": "\(ended.status.rawValue)", "error": "\(ended.error ?? "")"])
        observe(.finished(ended))
    }

    private func runCommand(_ command: String, timeoutSeconds: Double, directory: String?, run: JobRun) async -> JobOutcome {
        let environment = [
            "SWITCHBOARD_JOB_ID": run.jobId, "SWITCHBOARD_JOB_NAME": run.jobName, "SWITCHBOARD_RUN_ID": run.runId,
            "SWITCHBOARD_RUN_TRIGGER": run.trigger, "SWITCHBOARD_DUE_AT_MS": String(run.dueAtMs),
        ]
        let shell = ShellCommand(
            command: command, environment: environment, workingDirectory: directory, timeout: .milliseconds(Int64(timeoutSeconds * 1000)),
            maxOutputBytes: configuration.maxOutputBytes)
        let result = await shell.run()
        return JobOutcome(status: result.succeeded ? .ok : .error, error: result.failure, summary: result.output, deliveryStatus: "not-requested")
    }

    private func closeInterrupted(nowMs: Int64) async {
        do {
            for run in try await store.interruptRunning(nowMs: Int(nowMs), owner: owner) {
                logger.warning("a scheduled run was cut off by the last stop; it is not run again", metadata: ["job": "\(run.jobName)", "run": "\(run.runId)"])
                observe(.finished(run))
            }
        } catch {
            logger.error("could not close interrupted scheduled runs", metadata: ["error": "\(error)"])
        }
    }

    static func newRunId() -> String { UUID().uuidString.lowercased() }
}
