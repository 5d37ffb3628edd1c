import GRDB
public import SwitchboardPluginAPI

/// ``HeartbeatStoring`` on the gateway database (`system_event`, `heartbeat_state`). Claimed
/// events are checked against the run journal (`agent_run`) in the same database.
public struct SQLiteHeartbeatStore: HeartbeatStoring {
    let database: GatewayDatabase

    public init(database: GatewayDatabase) {
        self.database = database
    }

    public func enqueueSystemEvent(sessionKey: String, text: String, source: String, nowMs: Int, limit: Int) async throws -> SystemEventRecord? {
        try await database.write { db in
            let waiting = try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM system_event WHERE session_key = ?"), arguments: [sessionKey]) ?? 0
            guard waiting < limit else { return nil }
            try db.cachedStatement(sql: "INSERT INTO system_event (session_key, text, source, created_at) VALUES (?, ?, ?, ?)")
                .execute(arguments: [sessionKey, text, source, nowMs])
            return SystemEventRecord(id: db.lastInsertedRowID, sessionKey: sessionKey, text: text, source: source, createdAtMs: nowMs)
        }
    }

    public func pendingSystemEvents(sessionKey: String) async throws -> [SystemEventRecord] {
        try await database.read { db in
            let rows = try Row.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM system_event WHERE session_key = ? AND run_id IS NULL ORDER BY id"), arguments: [sessionKey])
            return rows.map { SystemEventRecord(id: $0["id"], sessionKey: $0["session_key"], text: $0["text"], source: $0["source"], createdAtMs: $0["created_at"]) }
        }
    }

    public func recoverSystemEvents() async throws {
        try await database.write { db in
            // A turn that finished consumed its events; one that was never journaled, failed or
            // was interrupted did not: its events are pending again.
            try db.execute(sql: "DELETE FROM system_event WHERE run_id IN (SELECT run_id FROM agent_run WHERE state = 'done' AND outcome = 'ok')")
            try db.execute(
                sql: """
                    UPDATE system_event SET run_id = NULL WHERE run_id IS NOT NULL
                    AND run_id NOT IN (SELECT run_id FROM agent_run WHERE state IN ('queued', 'running'))
                    """)
        }
    }

    public func claimSystemEvents(ids: [Int64], runId: String) async throws {
        guard !ids.isEmpty else { return }
        try await database.write { db in
            for id in ids {
                try db.cachedStatement(sql: "UPDATE system_event SET run_id = ? WHERE id = ?").execute(arguments: [runId, id])
            }
        }
    }

    public func finishSystemEvents(runId: String, consumed: Bool) async throws {
        try await database.write { db in
            if consumed {
                try db.execute(sql: "DELETE FROM system_event WHERE run_id = ?", arguments: [runId])
            } else {
                try db.execute(sql: "UPDATE system_event SET run_id = NULL WHERE run_id = ?", arguments: [runId])
            }
        }
    }

    public func heartbeatState(agentId: String) async throws -> HeartbeatState {
        try await database.read { db in
            var state = HeartbeatState()
            guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM heartbeat_state WHERE agent_id = ?"), arguments: [agentId]) else {
                return state
            }
            state.lastBeatAtMs = row["last_beat_at"]
            state.lastEventJSON = row["last_event"]
            state.pendingRunId = row["pending_run_id"]
            state.lastSentText = row["last_sent_text"]
            state.lastSentAtMs = row["last_sent_at"]
            return state
        }
    }

    public func saveHeartbeatState(agentId: String, _ state: HeartbeatState) async throws {
        try await database.write { db in
            try db.cachedStatement(
                sql: """
                    INSERT INTO heartbeat_state (agent_id, last_beat_at, last_event, pending_run_id, last_sent_text, last_sent_at) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT(agent_id) DO UPDATE SET last_beat_at = excluded.last_beat_at, last_event = excluded.last_event,
                    pending_run_id = excluded.pending_run_id, last_sent_text = excluded.last_sent_text, last_sent_at = excluded.last_sent_at
                    """
            ).execute(arguments: [agentId, state.lastBeatAtMs, state.lastEventJSON, state.pendingRunId, state.lastSentText, state.lastSentAtMs])
        }
    }
}
