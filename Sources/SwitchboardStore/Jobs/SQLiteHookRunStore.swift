import Foundation
import GRDB
public import SwitchboardPluginAPI
public import SwitchboardProtocol

/// ``HookRunStoring`` and ``HookQueueStoring`` on the gateway database (`hook_run`, `hook_queue`).
public struct SQLiteHookRunStore: HookRunStoring, HookQueueStoring {
    let database: GatewayDatabase

    public init(database: GatewayDatabase) {
        self.database = database
    }

    public func record(_ run: HookRunRecord) async throws {
        try await database.write { db in try Self.insert(db, run) }
    }

    static func insert(_ db: Database, _ run: HookRunRecord) throws {
        try db.cachedStatement(
            sql: "INSERT INTO hook_run (hook_name, event, started_at, duration_ms, status, error, output) VALUES (?, ?, ?, ?, ?, ?, ?)"
        ).execute(arguments: [run.hookName, run.event, run.startedAtMs, run.durationMs, run.status, run.error, run.output])
    }

    public func enqueueHookRuns(_ runs: [(hook: JSONValue, event: JSONValue)], nowMs: Int) async throws -> [Int64] {
        let rows = runs.map { (GatewayJSON.string($0.hook), GatewayJSON.string($0.event)) }
        return try await database.write { db in
            try rows.map { hook, event in
                try db.cachedStatement(sql: "INSERT INTO hook_queue (hook, event, next_attempt_at, queued_at) VALUES (?, ?, ?, ?)")
                    .execute(arguments: [hook, event, nowMs, nowMs])
                return db.lastInsertedRowID
            }
        }
    }

    public func markHookRunStarted(id: Int64, attempts: Int) async throws {
        try await database.write { db in
            try db.cachedStatement(sql: "UPDATE hook_queue SET running = 1, attempts = ? WHERE id = ?").execute(arguments: [attempts, id])
        }
    }

    public func retryHookRun(id: Int64, nextAttemptAtMs: Int) async throws {
        try await database.write { db in
            try db.cachedStatement(sql: "UPDATE hook_queue SET running = 0, next_attempt_at = ? WHERE id = ?").execute(arguments: [nextAttemptAtMs, id])
        }
    }

    public func completeHookRun(id: Int64, record: HookRunRecord) async throws {
        try await database.write { db in
            try db.cachedStatement(sql: "DELETE FROM hook_queue WHERE id = ?").execute(arguments: [id])
            try Self.insert(db, record)
        }
    }

    public func queuedHookRuns() async throws -> [QueuedHookRun] {
        try await database.read { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM hook_queue ORDER BY id")).map { row in
                let hook = (try? GatewayJSON.decoder.decode(JSONValue.self, from: Data((row["hook"] as String).utf8))) ?? .null
                let event = (try? GatewayJSON.decoder.decode(JSONValue.self, from: Data((row["event"] as String).utf8))) ?? .null
                return QueuedHookRun(id: row["id"], hook: hook, event: event, attempts: row["attempts"], nextAttemptAtMs: row["next_attempt_at"], running: row["running"])
            }
        }
    }

    public func runs(hookName: String?, limit: Int) async throws -> [HookRunRecord] {
        try await database.read { db in
            let rows: [Row]
            if let hookName {
                rows = try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM hook_run WHERE hook_name = ? ORDER BY seq DESC LIMIT ?"), arguments: [hookName, limit])
            } else {
                rows = try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM hook_run ORDER BY seq DESC LIMIT ?"), arguments: [limit])
            }
            return rows.map { row in
                HookRunRecord(
                    hookName: row["hook_name"], event: row["event"], startedAtMs: row["started_at"], durationMs: row["duration_ms"], status: row["status"],
                    error: row["error"], output: row["output"])
            }
        }
    }

    public func prune(keep: Int) async throws -> Int {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM hook_run WHERE seq <= (SELECT seq FROM hook_run ORDER BY seq DESC LIMIT 1 OFFSET ?)", arguments: [keep])
            return db.changesCount
        }
    }
}
