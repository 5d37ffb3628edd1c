import Foundation
import GRDB
public import SwitchboardPluginAPI
public import SwitchboardProtocol

/// ``RunJournaling`` on the gateway database (`agent_run`).
public struct SQLiteRunJournal: RunJournaling {
    let database: GatewayDatabase
    /// The session store on the same database, whose transcript cache ``begin`` reads through.
    let sessions: SQLiteSessionStore

    public init(database: GatewayDatabase, sessions: SQLiteSessionStore) {
        self.database = database
        self.sessions = sessions
    }

    public func accept(_ run: RunRecord, userMessage: ChatMessage, admits: @escaping @Sendable (SessionRecord) -> Bool) async throws -> RunAcceptance {
        let json = try SQLiteSessionStore.encode(userMessage)
        return try await database.write { db in
            let (session, isNew) = try SQLiteSessionStore.findSession(db, key: run.sessionKey, orMakeFor: run.agentId, nowMs: run.acceptedAtMs)
            guard admits(session) else { return .refused(session) }
            if let existing = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM agent_run WHERE run_id = ?"), arguments: [run.runId]) {
                return .duplicate(try Self.record(from: existing))
            }
            if isNew { try SQLiteSessionStore.insertSession(db, session, announce: sessions.lifecycle) }
            _ = try SQLiteSessionStore.insertEntry(db, sessionId: session.sessionId, message: userMessage, json: json, state: .complete)
            try db.cachedStatement(
                sql: """
                    INSERT INTO agent_run (run_id, session_key, agent_id, origin, message, timeout_ms, model, extra_system_prompt, state,
                      accepted_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?)
                    """
            ).execute(
                arguments: [
                    run.runId, run.sessionKey, run.agentId, run.origin, run.message, run.timeoutMs, run.model, run.extraSystemPrompt, run.acceptedAtMs,
                    run.acceptedAtMs,
                ]
            )
            var accepted = run
            accepted.sequence = db.lastInsertedRowID
            accepted.state = .queued
            return .accepted(accepted)
        }
    }

    public func run(id: String) async throws -> RunRecord? {
        try await database.read { db in try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM agent_run WHERE run_id = ?"), arguments: [id]).map(Self.record(from:)) }
    }

    private static func markRunning(_ db: Database, runId: String, nowMs: Int) throws {
        try db.cachedStatement(sql: "UPDATE agent_run SET state = 'running', updated_at = ? WHERE run_id = ? AND state = 'queued'")
            .execute(arguments: [nowMs, runId])
    }

    public func begin(runId: String, sessionKey: String, agentId: String, historyLimit: Int, nowMs: Int) async throws -> (SessionRecord, [TranscriptEntry]) {
        let cache = sessions.cache
        return try await database.write { db in
            try Self.markRunning(db, runId: runId, nowMs: nowMs)
            let (session, isNew) = try SQLiteSessionStore.findSession(db, key: sessionKey, orMakeFor: agentId, nowMs: nowMs)
            if isNew { try SQLiteSessionStore.insertSession(db, session, announce: sessions.lifecycle) }
            return (session, try SQLiteSessionStore.transcript(db, sessionId: session.sessionId, limit: historyLimit, cache: cache))
        }
    }

    public func markDone(runId: String, outcome: String, summary: String?, usage: SessionUsage?, reply: RunReply?, nowMs: Int) async throws {
        let replyJSON = try reply.map { try SQLiteSessionStore.encode($0.message) }
        try await database.write { db in
            if let reply, let replyJSON { try SQLiteSessionStore.saveReply(db, reply, json: replyJSON) }
            try db.cachedStatement(
                // The message text is in the transcript; the journal keeps only what dedup needs.
                sql: "UPDATE agent_run SET state = 'done', outcome = ?, summary = ?, updated_at = ?, message = '' WHERE run_id = ?"
            ).execute(arguments: [outcome, summary.map { String($0.prefix(2000)) }, nowMs, runId])
            if let usage { try SQLiteSessionStore.addUsage(db, usage, nowMs: nowMs) }
        }
    }

    public func interruptRunning(nowMs: Int) async throws -> Int {
        try await database.write { db in
            try db.cachedStatement(sql: "UPDATE agent_run SET state = 'interrupted', outcome = 'error', summary = 'interrupted by a gateway stop', updated_at = ? WHERE state = 'running'").execute(
                arguments: [nowMs]
            )
            return db.changesCount
        }
    }

    public func queued() async throws -> [RunRecord] {
        try await database.read { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM agent_run WHERE state = 'queued' ORDER BY id")).map(Self.record(from:))
        }
    }

    public func prune(olderThanMs: Int) async throws -> Int {
        try await database.write { db in
            try db.cachedStatement(sql: "DELETE FROM agent_run WHERE state IN ('done', 'interrupted') AND updated_at < ?").execute(arguments: [olderThanMs])
            return db.changesCount
        }
    }

    static func record(from row: Row) throws -> RunRecord {
        RunRecord(
            runId: row["run_id"], sequence: row["id"], sessionKey: row["session_key"], agentId: row["agent_id"], origin: row["origin"],
            message: row["message"], timeoutMs: row["timeout_ms"], model: row["model"], extraSystemPrompt: row["extra_system_prompt"],
            state: RunRecord.State(rawValue: row["state"]) ?? .interrupted, outcome: row["outcome"], summary: row["summary"],
            acceptedAtMs: row["accepted_at"], updatedAtMs: row["updated_at"]
        )
    }
}
