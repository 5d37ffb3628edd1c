import GRDB
public import SwitchboardPluginAPI

/// ``HookRunStoring`` on the gateway database (`hook_run`).
public struct SQLiteHookRunStore: HookRunStoring {
    let database: GatewayDatabase

    public init(database: GatewayDatabase) {
        self.database = database
    }

    public func record(_ run: HookRunRecord) async throws {
        try await database.write { db in
            try db.cachedStatement(
                sql: "INSERT INTO hook_run (hook_name, event, started_at, duration_ms, status, error, output) VALUES (?, ?, ?, ?, ?, ?, ?)"
            ).execute(arguments: [run.hookName, run.event, run.startedAtMs, run.durationMs, run.status, run.error, run.output])
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
