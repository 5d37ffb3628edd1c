import Foundation
import GRDB
public import SwitchboardPluginAPI
import SwitchboardProtocol

/// ``JobStoring`` on the gateway database (`scheduled_job`, `job_run`).
public struct SQLiteJobStore: JobStoring {
    let database: GatewayDatabase

    /// The longest error or summary kept per run, in characters.
    public static let maxRunTextChars = 2000

    public init(database: GatewayDatabase) {
        self.database = database
    }

    public func save(_ job: StoredJob) async throws {
        let definition = String(decoding: job.definition.jsonData, as: UTF8.self)
        try await database.write { db in
            try db.cachedStatement(sql: """
                INSERT INTO scheduled_job (id, name, source, definition, enabled, next_run_at, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET name = excluded.name, source = excluded.source, definition = excluded.definition,
                  enabled = excluded.enabled, next_run_at = excluded.next_run_at, updated_at = excluded.updated_at
                """).execute(arguments: [job.id, job.name, job.source, definition, job.enabled, job.nextRunAtMs, job.createdAtMs, job.updatedAtMs])
        }
    }

    public func job(id: String) async throws -> StoredJob? {
        try await database.read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM scheduled_job WHERE id = ?"), arguments: [id]).map(Self.job(from:))
        }
    }

    public func jobs() async throws -> [StoredJob] {
        try await database.read { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM scheduled_job ORDER BY name, id")).map(Self.job(from:))
        }
    }

    public func remove(id: String) async throws -> Bool {
        try await database.write { db in
            try db.cachedStatement(sql: "DELETE FROM scheduled_job WHERE id = ?").execute(arguments: [id])
            return db.changesCount > 0
        }
    }

    public func nextDueAtMs() async throws -> Int? {
        try await database.read { db in
            try Int.fetchOne(
                db.cachedStatement(sql: "SELECT MIN(next_run_at) FROM scheduled_job WHERE enabled AND running_run_id IS NULL AND next_run_at IS NOT NULL"))
        }
    }

    public func claimDue(nowMs: Int, limit: Int, owner: String, runId: @escaping @Sendable () -> String, decide: @escaping @Sendable (StoredJob) -> JobClaimDecision) async throws -> [JobRun] {
        try await database.write { db in
            let due = try Row.fetchAll(
                db.cachedStatement(sql: """
                    SELECT * FROM scheduled_job WHERE enabled AND running_run_id IS NULL AND next_run_at IS NOT NULL AND next_run_at <= ?
                    ORDER BY next_run_at LIMIT ?
                    """), arguments: [nowMs, limit]
            ).map(Self.job(from:))
            var started: [JobRun] = []
            for job in due {
                let dueAt = job.nextRunAtMs ?? nowMs
                switch decide(job) {
                case .run(let trigger, let next):
                    let run = JobRun(runId: runId(), jobId: job.id, jobName: job.name, trigger: trigger, dueAtMs: dueAt, startedAtMs: nowMs, status: .running)
                    try Self.insert(db, run, owner: owner)
                    try db.cachedStatement(sql: "UPDATE scheduled_job SET next_run_at = ?, running_run_id = ? WHERE id = ?")
                        .execute(arguments: [next, run.runId, job.id])
                    started.append(run)
                case .skip(let reason, let next):
                    var run = JobRun(runId: runId(), jobId: job.id, jobName: job.name, trigger: "missed", dueAtMs: dueAt, startedAtMs: nowMs, status: .skipped)
                    run.finishedAtMs = nowMs
                    run.error = reason
                    try Self.insert(db, run, owner: owner)
                    try db.cachedStatement(sql: "UPDATE scheduled_job SET next_run_at = ?, last_status = 'skipped' WHERE id = ?")
                        .execute(arguments: [next, job.id])
                }
            }
            return started
        }
    }

    public func claimNow(jobId: String, runId: String, trigger: String, owner: String, nowMs: Int) async throws -> JobRun? {
        try await database.write { db in
            guard let job = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM scheduled_job WHERE id = ?"), arguments: [jobId]).map(Self.job(from:)),
                job.runningRunId == nil
            else { return nil }
            let run = JobRun(runId: runId, jobId: job.id, jobName: job.name, trigger: trigger, dueAtMs: nowMs, startedAtMs: nowMs, status: .running)
            try Self.insert(db, run, owner: owner)
            try db.cachedStatement(sql: "UPDATE scheduled_job SET running_run_id = ? WHERE id = ?").execute(arguments: [run.runId, job.id])
            return run
        }
    }

    @discardableResult
    public func finish(runId: String, status: JobRun.Status, error: String?, summary: String?, deliveryStatus: String?, nowMs: Int) async throws -> JobRun? {
        try await database.write { db in try Self.finish(db, runId: runId, status: status, error: error, summary: summary, deliveryStatus: deliveryStatus, nowMs: nowMs) }
    }

    public func interruptRunning(nowMs: Int, owner: String) async throws -> [JobRun] {
        try await database.write { db in
            let running = try String.fetchAll(
                db.cachedStatement(sql: "SELECT run_id FROM job_run WHERE status = 'running' AND owner != ? ORDER BY seq"), arguments: [owner])
            return try running.compactMap { runId in
                try Self.finish(
                    db, runId: runId, status: .error, error: "interrupted: the gateway stopped during this run; it is not run again",
                    summary: nil, deliveryStatus: nil, nowMs: nowMs)
            }
        }
    }

    public func runs(jobId: String?, limit: Int, offset: Int) async throws -> [JobRun] {
        try await database.read { db in
            if let jobId {
                return try Row.fetchAll(
                    db.cachedStatement(sql: "SELECT * FROM job_run WHERE job_id = ? ORDER BY seq DESC LIMIT ? OFFSET ?"), arguments: [jobId, limit, offset]
                ).map(Self.run(from:))
            }
            return try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM job_run ORDER BY seq DESC LIMIT ? OFFSET ?"), arguments: [limit, offset])
                .map(Self.run(from:))
        }
    }

    public func pruneRuns(keepPerJob: Int) async throws -> Int {
        try await database.write { db in
            try db.execute(
                sql: """
                    DELETE FROM job_run WHERE status != 'running' AND seq IN (
                      SELECT seq FROM (SELECT seq, ROW_NUMBER() OVER (PARTITION BY job_id ORDER BY seq DESC) AS n FROM job_run) WHERE n > ?)
                    """, arguments: [keepPerJob])
            return db.changesCount
        }
    }

    private static func finish(
        _ db: Database, runId: String, status: JobRun.Status, error: String?, summary: String?, deliveryStatus: String?, nowMs: Int
    ) throws -> JobRun? {
        guard var run = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM job_run WHERE run_id = ?"), arguments: [runId]).map(Self.run(from:)),
            run.status == .running
        else { return nil }
        run.status = status
        run.finishedAtMs = nowMs
        run.error = error.map { String($0.prefix(maxRunTextChars)) }
        run.summary = summary.map { String($0.prefix(maxRunTextChars)) }
        run.deliveryStatus = deliveryStatus
        try db.cachedStatement(sql: "UPDATE job_run SET status = ?, finished_at = ?, error = ?, summary = ?, delivery_status = ? WHERE run_id = ?")
            .execute(arguments: [status.rawValue, nowMs, run.error, run.summary, deliveryStatus, runId])
        try db.cachedStatement(
            sql: """
                UPDATE scheduled_job SET running_run_id = NULL, last_run_at = ?, last_status = ?, last_error = ?, last_duration_ms = ?,
                  consecutive_errors = CASE WHEN ? = 'error' THEN consecutive_errors + 1 ELSE 0 END
                WHERE id = ? AND running_run_id = ?
                """
        ).execute(arguments: [run.startedAtMs, status.rawValue, run.error, run.durationMs, status.rawValue, run.jobId, runId])
        return run
    }

    private static func insert(_ db: Database, _ run: JobRun, owner: String) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO job_run (run_id, job_id, job_name, trigger, due_at, started_at, finished_at, status, error, owner)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(
            arguments: [run.runId, run.jobId, run.jobName, run.trigger, run.dueAtMs, run.startedAtMs, run.finishedAtMs, run.status.rawValue, run.error, owner])
    }

    static func job(from row: Row) throws -> StoredJob {
        let text: String = row["definition"]
        var job = StoredJob(
            id: row["id"], name: row["name"], source: row["source"],
            definition: try GatewayJSON.decoder.decode(JSONValue.self, from: Data(text.utf8)),
            enabled: row["enabled"], nextRunAtMs: row["next_run_at"], createdAtMs: row["created_at"], updatedAtMs: row["updated_at"])
        job.lastRunAtMs = row["last_run_at"]
        job.lastStatus = row["last_status"]
        job.lastError = row["last_error"]
        job.lastDurationMs = row["last_duration_ms"]
        job.consecutiveErrors = row["consecutive_errors"]
        job.runningRunId = row["running_run_id"]
        return job
    }

    static func run(from row: Row) -> JobRun {
        let status: String = row["status"]
        var run = JobRun(
            runId: row["run_id"], jobId: row["job_id"], jobName: row["job_name"], trigger: row["trigger"], dueAtMs: row["due_at"],
            startedAtMs: row["started_at"], status: JobRun.Status(rawValue: status) ?? .error)
        run.finishedAtMs = row["finished_at"]
        run.error = row["error"]
        run.summary = row["summary"]
        run.deliveryStatus = row["delivery_status"]
        return run
    }
}
