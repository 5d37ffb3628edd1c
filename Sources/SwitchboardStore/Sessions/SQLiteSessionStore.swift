import Foundation
import GRDB
public import SwitchboardPluginAPI
public import SwitchboardProtocol

/// ``SessionStoring`` on the gateway database (tables `session` and `transcript_entry`).
public struct SQLiteSessionStore: SessionStoring {
    let database: GatewayDatabase
    let cache = TranscriptRowCache()

    public init(database: GatewayDatabase) {
        self.database = database
    }

    public var lifecycle: SessionLifecycleRelay { database.sessionLifecycle }

    public func ensureSession(key: String, agentId: String, nowMs: Int) async throws -> SessionRecord {
        // Most calls find it: a read runs beside other readers, where a write waits for the writer.
        if let existing = try await session(key: key) { return existing }
        return try await database.write { db in
            let (session, isNew) = try Self.findSession(db, key: key, orMakeFor: agentId, nowMs: nowMs)
            if isNew { try Self.insertSession(db, session, announce: lifecycle) }
            return session
        }
    }

    /// The session under `key`, or a new record (not yet inserted; `isNew`) for `agentId`.
    static func findSession(_ db: Database, key: String, orMakeFor agentId: String, nowMs: Int) throws -> (SessionRecord, isNew: Bool) {
        if let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM session WHERE key = ?"), arguments: [key]) {
            return (try record(from: row), false)
        }
        return (SessionRecord(key: key, sessionId: UUID().uuidString.lowercased(), agentId: agentId, createdAtMs: nowMs, updatedAtMs: nowMs), true)
    }

    static func insertSession(_ db: Database, _ record: SessionRecord, announce relay: SessionLifecycleRelay) throws {
        try db.cachedStatement(sql: "INSERT INTO session (key, session_id, agent_id, created_at, updated_at, settings) VALUES (?, ?, ?, ?, ?, '{}')")
            .execute(arguments: [record.key, record.sessionId, record.agentId, record.createdAtMs, record.updatedAtMs])
        db.afterNextTransaction { _ in relay.emit(.started(key: record.key, agentId: record.agentId, sessionId: record.sessionId)) }
    }

    public func session(key: String) async throws -> SessionRecord? {
        try await database.read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM session WHERE key = ?"), arguments: [key]).map(Self.record(from:))
        }
    }

    public func session(sessionId: String) async throws -> SessionRecord? {
        try await database.read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM session WHERE session_id = ?"), arguments: [sessionId]).map(Self.record(from:))
        }
    }

    public func sessions(limit: Int, search: String?, activeSinceMs: Int?, agentId: String?, label: String?) async throws -> [SessionRecord] {
        try await database.read { db in
            var clauses: [String] = []
            var values: [any DatabaseValueConvertible] = []
            if let search, !search.isEmpty {
                clauses.append("(key LIKE ? ESCAPE '\\' OR json_extract(settings, '$.label') LIKE ? ESCAPE '\\')")
                let pattern = "%" + Self.escapeLike(search) + "%"
                values += [pattern, pattern]
            }
            if let activeSinceMs {
                clauses.append("updated_at >= ?")
                values.append(activeSinceMs)
            }
            if let agentId {
                clauses.append("agent_id = ?")
                values.append(agentId)
            }
            if let label {
                clauses.append("json_extract(settings, '$.label') = ?")
                values.append(label)
            }
            let filter = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
            values.append(limit)
            return try Row.fetchAll(
                db, sql: "SELECT * FROM session \(filter) ORDER BY updated_at DESC, key LIMIT ?", arguments: StatementArguments(values)
            ).map(Self.record(from:))
        }
    }

    public func sessionCount() async throws -> Int {
        try await database.read { db in try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM session")) ?? 0 }
    }

    public func sessionCountsByAgent() async throws -> [String: Int] {
        try await database.read { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT agent_id, COUNT(*) AS n FROM session GROUP BY agent_id")) { counts[row["agent_id"]] = row["n"] }
            return counts
        }
    }

    public func patchSession(key: String, changes: [String: JSONValue], nowMs: Int) async throws -> SessionRecord? {
        try await database.write { db in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM session WHERE key = ?"), arguments: [key]) else { return nil }
            var record = try Self.record(from: row)
            for (name, value) in changes {
                if case .null = value { record.settings[name] = nil } else { record.settings[name] = value }
            }
            record.updatedAtMs = nowMs
            try db.cachedStatement(sql: "UPDATE session SET settings = ?, updated_at = ? WHERE key = ?").execute(arguments: [try Self.encode(record.settings), nowMs, key])
            return record
        }
    }

    public func resetSession(key: String, nowMs: Int) async throws -> SessionRecord? {
        try await database.write { db in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM session WHERE key = ?"), arguments: [key]) else { return nil }
            var record = try Self.record(from: row)
            record.sessionId = UUID().uuidString.lowercased()
            record.updatedAtMs = nowMs
            record.inputTokens = 0
            record.outputTokens = 0
            let previous = try Self.record(from: row).sessionId
            try db.cachedStatement(sql: "UPDATE session SET session_id = ?, updated_at = ?, input_tokens = 0, output_tokens = 0 WHERE key = ?").execute(
                arguments: [record.sessionId, nowMs, key]
            )
            let relay = lifecycle
            let (agentId, sessionId) = (record.agentId, record.sessionId)
            db.afterNextTransaction { _ in
                relay.emit(.ended(key: key, sessionId: previous, reason: "reset"))
                relay.emit(.started(key: key, agentId: agentId, sessionId: sessionId))
            }
            return record
        }
    }

    public func deleteSession(key: String, deleteTranscript: Bool) async throws -> Bool {
        try await database.write { db in
            guard let sessionId = try String.fetchOne(db.cachedStatement(sql: "SELECT session_id FROM session WHERE key = ?"), arguments: [key]) else { return false }
            if deleteTranscript {
                try db.cachedStatement(sql: "DELETE FROM transcript_entry WHERE session_id = ?").execute(arguments: [sessionId])
            }
            try db.cachedStatement(sql: "DELETE FROM session WHERE key = ?").execute(arguments: [key])
            let relay = lifecycle
            db.afterNextTransaction { _ in relay.emit(.ended(key: key, sessionId: sessionId, reason: "deleted")) }
            return true
        }
    }

    public func addUsage(key: String, input: Int, output: Int, nowMs: Int) async throws {
        try await database.write { db in try Self.addUsage(db, SessionUsage(sessionKey: key, input: input, output: output), nowMs: nowMs) }
    }

    /// Adds `usage` to its session's token counts inside the caller's transaction.
    static func addUsage(_ db: Database, _ usage: SessionUsage, nowMs: Int) throws {
        try db.cachedStatement(sql: "UPDATE session SET input_tokens = input_tokens + ?, output_tokens = output_tokens + ?, updated_at = ? WHERE key = ?")
            .execute(arguments: [usage.input, usage.output, nowMs, usage.sessionKey])
    }

    public func append(sessionId: String, message: ChatMessage, state: TranscriptEntry.State) async throws -> Int64 {
        let json = try Self.encode(message)
        return try await database.write { db in try Self.insertEntry(db, sessionId: sessionId, message: message, json: json, state: state) }
    }

    /// Appends a transcript entry inside the caller's transaction; returns its id.
    static func insertEntry(_ db: Database, sessionId: String, message: ChatMessage, json: String, state: TranscriptEntry.State) throws -> Int64 {
        try db.cachedStatement(sql: "INSERT INTO transcript_entry (session_id, ts, role, run_id, message, state) VALUES (?, ?, ?, ?, ?, ?)").execute(
            arguments: [sessionId, message.timestamp, message.role, message.runId, json, state.rawValue]
        )
        let id = db.lastInsertedRowID
        try db.cachedStatement(sql: "UPDATE session SET updated_at = MAX(updated_at, ?) WHERE session_id = ?").execute(arguments: [message.timestamp, sessionId])
        return id
    }

    public func update(entryId: Int64, message: ChatMessage, state: TranscriptEntry.State) async throws {
        let json = try Self.encode(message)
        try await database.write { db in try Self.updateEntry(db, id: entryId, json: json, state: state) }
    }

    /// Saves a run's final answer, complete, inside the caller's transaction: its streaming
    /// entry completed in place, or a new entry.
    static func saveReply(_ db: Database, _ reply: RunReply, json: String) throws {
        if let entryId = reply.entryId {
            try updateEntry(db, id: entryId, json: json, state: .complete)
        } else {
            _ = try insertEntry(db, sessionId: reply.sessionId, message: reply.message, json: json, state: .complete)
        }
    }

    /// Replaces an entry's message and state inside the caller's transaction.
    static func updateEntry(_ db: Database, id: Int64, json: String, state: TranscriptEntry.State) throws {
        try db.cachedStatement(sql: "UPDATE transcript_entry SET message = ?, state = ? WHERE id = ?").execute(arguments: [json, state.rawValue, id])
    }

    public func transcript(sessionId: String, limit: Int) async throws -> [TranscriptEntry] {
        let cache = cache
        return try await database.read { db in try Self.transcript(db, sessionId: sessionId, limit: limit, cache: cache) }
    }

    /// A turn's context in one read: the session (created when missing) and its newest
    /// `limit` entries. One trip to the database where ``ensureSession`` and ``transcript``
    /// take two or three.
    public func turnContext(key: String, agentId: String, nowMs: Int, limit: Int) async throws -> (SessionRecord, [TranscriptEntry]) {
        let cache = cache
        let found = try await database.read { db -> (SessionRecord, [TranscriptEntry])? in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM session WHERE key = ?"), arguments: [key]) else { return nil }
            let session = try Self.record(from: row)
            return (session, try Self.transcript(db, sessionId: session.sessionId, limit: limit, cache: cache))
        }
        if let found { return found }
        let session = try await ensureSession(key: key, agentId: agentId, nowMs: nowMs)
        return (session, try await transcript(sessionId: session.sessionId, limit: limit))
    }

    /// The newest `limit` entries of `sessionId`, oldest first, inside the caller's access.
    static func transcript(_ db: Database, sessionId: String, limit: Int, cache: TranscriptRowCache) throws -> [TranscriptEntry] {
        // Ids and fingerprints first (no JSON); only rows the cache lacks are read and decoded.
        let keys = try Row.fetchAll(
            db.cachedStatement(sql: "SELECT id, state, length(CAST(message AS BLOB)) AS bytes FROM transcript_entry WHERE session_id = ? ORDER BY id DESC LIMIT ?"),
            arguments: [sessionId, limit]
        )
        var entries: [Int64: TranscriptEntry] = [:]
        var missing: [Int64: TranscriptRowCache.Fingerprint] = [:]
        for key in keys {
            let id: Int64 = key["id"]
            let fingerprint = TranscriptRowCache.Fingerprint(state: key["state"], bytes: key["bytes"])
            if let cached = cache.entry(id: id, matching: fingerprint) { entries[id] = cached } else { missing[id] = fingerprint }
        }
        if !missing.isEmpty {
            let ids = Array(missing.keys)
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM transcript_entry WHERE id IN (\(databaseQuestionMarks(count: ids.count)))", arguments: StatementArguments(ids)
            )
            for row in rows {
                let entry = try Self.entry(from: row)
                entries[entry.id] = entry
                if let fingerprint = missing[entry.id] { cache.store(entry, fingerprint: fingerprint) }
            }
        }
        return keys.reversed().compactMap { entries[$0["id"]] }
    }

    public func appendUnlessPresent(key: String, agentId: String, message: ChatMessage, within: Int, nowMs: Int) async throws -> (SessionRecord, appended: Bool) {
        let json = try Self.encode(message)
        let messageId = message.id ?? ""
        return try await database.write { db in
            let (session, isNew) = try Self.findSession(db, key: key, orMakeFor: agentId, nowMs: nowMs)
            if isNew { try Self.insertSession(db, session, announce: lifecycle) }
            let present = try Bool.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT EXISTS (SELECT 1 FROM (SELECT message FROM transcript_entry WHERE session_id = ? ORDER BY id DESC LIMIT ?)
                                       WHERE json_extract(message, '$.id') = ?)
                        """
                ),
                arguments: [session.sessionId, within, messageId]
            ) ?? false
            if present { return (session, false) }
            _ = try Self.insertEntry(db, sessionId: session.sessionId, message: message, json: json, state: .complete)
            return (session, true)
        }
    }

    public func transcriptCount(sessionId: String) async throws -> Int {
        try await database.read { db in
            try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM transcript_entry WHERE session_id = ?"), arguments: [sessionId]) ?? 0
        }
    }

    public func compact(sessionId: String, keep: Int) async throws -> Int {
        try await database.write { db in
            try db.cachedStatement(sql: """
                    DELETE FROM transcript_entry WHERE session_id = ? AND id NOT IN
                      (SELECT id FROM transcript_entry WHERE session_id = ? ORDER BY id DESC LIMIT ?)
                    """).execute(
                arguments: [sessionId, sessionId, keep]
            )
            return db.changesCount
        }
    }

    public func markStreamingInterrupted() async throws -> Int {
        try await database.write { db in
            try db.cachedStatement(sql: "UPDATE transcript_entry SET state = 'interrupted' WHERE state = 'streaming'").execute()
            return db.changesCount
        }
    }

    static func record(from row: Row) throws -> SessionRecord {
        let settingsText: String = row["settings"]
        let settings = (try? GatewayJSON.decoder.decode([String: JSONValue].self, from: Data(settingsText.utf8))) ?? [:]
        return SessionRecord(
            key: row["key"], sessionId: row["session_id"], agentId: row["agent_id"], createdAtMs: row["created_at"], updatedAtMs: row["updated_at"],
            settings: settings, inputTokens: row["input_tokens"], outputTokens: row["output_tokens"]
        )
    }

    static func entry(from row: Row) throws -> TranscriptEntry {
        let text: String = row["message"]
        let id: Int64 = row["id"]
        var message = try GatewayJSON.decoder.decode(ChatMessage.self, from: Data(text.utf8))
        message.id = String(id)
        let state = TranscriptEntry.State(rawValue: row["state"]) ?? .complete
        if state == .interrupted { message.interrupted = true }
        return TranscriptEntry(id: id, sessionId: row["session_id"], message: message, state: state)
    }

    static func encode(_ value: some Encodable) throws -> String {
        String(decoding: try GatewayJSON.encoder.encode(value), as: UTF8.self)
    }

    static func escapeLike(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }
}
