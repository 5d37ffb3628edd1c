import Foundation
import GRDB
import SwitchboardProtocol
public import SwitchboardPluginAPI

/// ``ChannelStoring`` on the gateway database: tables `channel_inbound`, `channel_cursor`,
/// `outbox`, `channel_pairing` and `channel_allow`.
public struct SQLiteChannelStore: ChannelStoring {
    let database: GatewayDatabase

    public init(database: GatewayDatabase) {
        self.database = database
    }

    // MARK: inbound journal

    public func recordInbound(_ message: InboundRecord, cursor: ChannelCursor?) async throws -> (record: InboundRecord, ahead: Int)? {
        try await database.write { db in
            if let cursor { try Self.save(cursor, db: db) }
            try db.cachedStatement(sql: """
                    INSERT OR IGNORE INTO channel_inbound
                      (connector, channel, account_id, platform_message_id, session_key, target, sender_id, sender_name, text, received_at, state, images)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?)
                    """).execute(
                arguments: [
                    message.connector, message.channel, message.accountId, message.platformMessageId, message.sessionKey, message.target,
                    message.senderId, message.senderName, message.text, message.receivedAtMs,
                    message.images.isEmpty ? nil : (try? JSONEncoder().encode(message.images)).map { String(decoding: $0, as: UTF8.self) },
                ]
            )
            guard db.changesCount > 0 else { return nil }
            var stored = message
            stored.id = db.lastInsertedRowID
            stored.state = .pending
            let ahead = try Int.fetchOne(
                db.cachedStatement(sql: "SELECT COUNT(*) FROM channel_inbound WHERE state = 'pending' AND session_key = ? AND id < ?"),
                arguments: [stored.sessionKey, stored.id]
            ) ?? 0
            return (stored, ahead)
        }
    }

    public func saveCursor(_ cursor: ChannelCursor) async throws {
        try await database.write { db in try Self.save(cursor, db: db) }
    }

    private static func save(_ cursor: ChannelCursor, db: Database) throws {
        try db.cachedStatement(sql: "INSERT INTO channel_cursor (connector, account_id, value) VALUES (?, ?, ?) ON CONFLICT(connector, account_id) DO UPDATE SET value = excluded.value").execute(
            arguments: [cursor.connector, cursor.accountId, cursor.value]
        )
    }

    public func cursor(connector: String, accountId: String) async throws -> String? {
        try await database.read { db in
            try String.fetchOne(db.cachedStatement(sql: "SELECT value FROM channel_cursor WHERE connector = ? AND account_id = ?"), arguments: [connector, accountId])
        }
    }

    public func nextPendingInbound(sessionKey: String) async throws -> InboundRecord? {
        try await database.read { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM channel_inbound WHERE state = 'pending' AND session_key = ? ORDER BY id LIMIT 1"), arguments: [sessionKey]
            ).map(Self.inbound(from:))
        }
    }

    public func lastInbound(agentId: String) async throws -> InboundRecord? {
        try await database.read { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM channel_inbound WHERE session_key >= ? AND session_key < ? ORDER BY id DESC LIMIT 1"),
                arguments: ["agent:\(agentId):", "agent:\(agentId);"]
            ).map(Self.inbound(from:))
        }
    }

    public func sessionsWithPendingInbound() async throws -> [String] {
        try await database.read { db in
            try String.fetchAll(db.cachedStatement(sql: "SELECT session_key FROM channel_inbound WHERE state = 'pending' GROUP BY session_key ORDER BY MIN(id)"))
        }
    }

    public func inbound(connector: String, channel: String, platformMessageId: String) async throws -> InboundRecord? {
        try await database.read { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM channel_inbound WHERE connector = ? AND channel = ? AND platform_message_id = ?"),
                arguments: [connector, channel, platformMessageId]
            ).map(Self.inbound(from:))
        }
    }

    public func completeInbound(id: Int64, reply: NewOutboxMessage?, answer: RunReply?, usage: SessionUsage?, nowMs: Int) async throws {
        let answerJSON = try answer.map { try SQLiteSessionStore.encode($0.message) }
        try await database.write { db in
            if let answer, let answerJSON { try SQLiteSessionStore.saveReply(db, answer, json: answerJSON) }
            if let usage { try SQLiteSessionStore.addUsage(db, usage, nowMs: nowMs) }
            try db.cachedStatement(sql: "UPDATE channel_inbound SET state = 'done' WHERE id = ?").execute(arguments: [id])
            if let reply { _ = try Self.enqueue(reply, nowMs: nowMs, db: db) }
        }
    }

    // MARK: outbox

    public func enqueueOutbox(_ message: NewOutboxMessage, nowMs: Int) async throws -> (record: OutboxRecord, created: Bool) {
        try await database.write { db in try Self.enqueue(message, nowMs: nowMs, db: db) }
    }

    private static func enqueue(_ message: NewOutboxMessage, nowMs: Int, db: Database) throws -> (record: OutboxRecord, created: Bool) {
        try db.cachedStatement(sql: """
                INSERT OR IGNORE INTO outbox
                  (idempotency_key, connector, channel, account_id, target, text, reply_to, state, attempts, next_attempt_at, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)
                """).execute(
            arguments: [
                message.idempotencyKey, message.connector, message.channel, message.accountId, message.target, message.text, message.replyTo,
                nowMs, nowMs,
            ]
        )
        let created = db.changesCount > 0
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM outbox WHERE idempotency_key = ?"), arguments: [message.idempotencyKey]) else {
            throw DatabaseError(message: "outbox row vanished after insert")
        }
        return (try outbox(from: row), created)
    }

    public func outbox(idempotencyKey: String) async throws -> OutboxRecord? {
        try await database.read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM outbox WHERE idempotency_key = ?"), arguments: [idempotencyKey]).map(Self.outbox(from:))
        }
    }

    public func outbox(id: Int64) async throws -> OutboxRecord? {
        try await database.read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM outbox WHERE id = ?"), arguments: [id]).map(Self.outbox(from:))
        }
    }

    public func dueOutbox(nowMs: Int, limit: Int) async throws -> (due: [OutboxRecord], nextAttemptAtMs: Int?) {
        try await database.read { db in
            let due = try Row.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM outbox WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY id LIMIT ?"), arguments: [nowMs, limit]
            ).map(Self.outbox(from:))
            let next = try Int.fetchOne(db.cachedStatement(sql: "SELECT MIN(next_attempt_at) FROM outbox WHERE state = 'pending'"))
            return (due, next)
        }
    }

    public func recordDeliveredParts(id: Int64, parts: [String]) async throws {
        try await database.write { db in
            try db.cachedStatement(sql: "UPDATE outbox SET delivered_parts = ? WHERE id = ?").execute(arguments: [Self.encode(parts), id])
        }
    }

    public func markDelivered(id: Int64, parts: [String], nowMs: Int) async throws {
        try await database.write { db in
            try db.cachedStatement(sql: "UPDATE outbox SET state = 'delivered', delivered_parts = ?, delivered_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?").execute(
                arguments: [Self.encode(parts), nowMs, id]
            )
        }
    }

    public func markAttemptFailed(id: Int64, error: String, nextAttemptAtMs: Int?) async throws {
        try await database.write { db in
            if let nextAttemptAtMs {
                try db.cachedStatement(sql: "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?").execute(
                    arguments: [error, nextAttemptAtMs, id]
                )
            } else {
                try db.cachedStatement(sql: "UPDATE outbox SET attempts = attempts + 1, last_error = ?, state = 'failed' WHERE id = ?").execute(arguments: [error, id])
            }
        }
    }

    public func outboxCounts() async throws -> [OutboxRecord.State: Int] {
        try await database.read { db in
            var counts: [OutboxRecord.State: Int] = [:]
            for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT state, COUNT(*) AS n FROM outbox GROUP BY state")) {
                if let state = OutboxRecord.State(rawValue: row["state"]) { counts[state] = row["n"] }
            }
            return counts
        }
    }

    public func outboxCountsByConnector() async throws -> [String: [OutboxRecord.State: Int]] {
        try await database.read { db in
            var counts: [String: [OutboxRecord.State: Int]] = [:]
            for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT connector, state, COUNT(*) AS n FROM outbox GROUP BY connector, state")) {
                if let state = OutboxRecord.State(rawValue: row["state"]) { counts[row["connector"], default: [:]][state] = row["n"] }
            }
            return counts
        }
    }

    public func pruneChannelHistory(beforeMs: Int) async throws -> Int {
        try await database.write { db in
            try db.cachedStatement(sql: "DELETE FROM channel_inbound WHERE state = 'done' AND received_at < ?").execute(arguments: [beforeMs])
            var removed = db.changesCount
            try db.cachedStatement(sql: "DELETE FROM outbox WHERE state != 'pending' AND created_at < ?").execute(arguments: [beforeMs])
            removed += db.changesCount
            return removed
        }
    }

    public func rescheduleOutbox(connector: String, nowMs: Int) async throws {
        try await database.write { db in
            try db.cachedStatement(sql: "UPDATE outbox SET next_attempt_at = ? WHERE state = 'pending' AND connector = ? AND next_attempt_at > ?").execute(
                arguments: [nowMs, connector, nowMs]
            )
        }
    }

    // MARK: access

    public func isApproved(channel: String, senderId: String) async throws -> Bool {
        try await database.read { db in
            try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM channel_allow WHERE channel = ? AND sender_id = ?"), arguments: [channel, senderId]) ?? false
        }
    }

    public func approvedSenders(channel: String) async throws -> [String] {
        try await database.read { db in
            try String.fetchAll(db.cachedStatement(sql: "SELECT sender_id FROM channel_allow WHERE channel = ? ORDER BY approved_at"), arguments: [channel])
        }
    }

    public func requestPairing(_ request: ChannelPairingRequest, maxPending: Int, nowMs: Int) async throws -> PairingRequestOutcome {
        try await database.write { db in
            try db.cachedStatement(sql: "DELETE FROM channel_pairing WHERE expires_at <= ?").execute(arguments: [nowMs])
            if let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM channel_pairing WHERE channel = ? AND sender_id = ?"), arguments: [request.channel, request.senderId]
            ) {
                return .existing(Self.pairing(from: row))
            }
            let live = try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM channel_pairing WHERE channel = ?"), arguments: [request.channel]) ?? 0
            guard live < maxPending else { return .full }
            try db.cachedStatement(sql: """
                    INSERT INTO channel_pairing (channel, code, sender_id, sender_name, target, account_id, connector, created_at, expires_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """).execute(
                arguments: [
                    request.channel, request.code, request.senderId, request.senderName, request.target, request.accountId, request.connector,
                    request.createdAtMs, request.expiresAtMs,
                ]
            )
            return .created(request)
        }
    }

    public func pairingRequests(channel: String?, nowMs: Int) async throws -> [ChannelPairingRequest] {
        try await database.read { db in
            let rows: [Row]
            if let channel {
                rows = try Row.fetchAll(
                    db.cachedStatement(sql: "SELECT * FROM channel_pairing WHERE channel = ? AND expires_at > ? ORDER BY created_at"), arguments: [channel, nowMs]
                )
            } else {
                rows = try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM channel_pairing WHERE expires_at > ? ORDER BY created_at"), arguments: [nowMs])
            }
            return rows.map(Self.pairing(from:))
        }
    }

    public func approvePairing(channel: String, code: String, nowMs: Int) async throws -> ChannelPairingRequest? {
        try await database.write { db in
            guard let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM channel_pairing WHERE channel = ? AND code = ? AND expires_at > ?"), arguments: [channel, code, nowMs]
            ) else { return nil }
            let request = Self.pairing(from: row)
            try db.cachedStatement(sql: "DELETE FROM channel_pairing WHERE channel = ? AND sender_id = ?").execute(arguments: [channel, request.senderId])
            try db.cachedStatement(sql: "INSERT OR REPLACE INTO channel_allow (channel, sender_id, approved_at) VALUES (?, ?, ?)").execute(
                arguments: [channel, request.senderId, nowMs]
            )
            return request
        }
    }

    // MARK: rows

    private static func inbound(from row: Row) -> InboundRecord {
        var record = InboundRecord(
            id: row["id"], connector: row["connector"], channel: row["channel"], accountId: row["account_id"],
            platformMessageId: row["platform_message_id"], sessionKey: row["session_key"], target: row["target"], senderId: row["sender_id"],
            senderName: row["sender_name"], text: row["text"], receivedAtMs: row["received_at"],
            state: InboundRecord.State(rawValue: row["state"]) ?? .pending
        )
        if let images: String = row["images"] {
            record.images = (try? JSONDecoder().decode([ChatContentBlock].self, from: Data(images.utf8))) ?? []
        }
        return record
    }

    private static func outbox(from row: Row) throws -> OutboxRecord {
        let parts: String = row["delivered_parts"]
        return OutboxRecord(
            id: row["id"], idempotencyKey: row["idempotency_key"], connector: row["connector"], channel: row["channel"],
            accountId: row["account_id"], target: row["target"], text: row["text"], replyTo: row["reply_to"],
            state: OutboxRecord.State(rawValue: row["state"]) ?? .pending, attempts: row["attempts"], nextAttemptAtMs: row["next_attempt_at"],
            lastError: row["last_error"], deliveredParts: (try? JSONDecoder().decode([String].self, from: Data(parts.utf8))) ?? [],
            createdAtMs: row["created_at"], deliveredAtMs: row["delivered_at"]
        )
    }

    private static func pairing(from row: Row) -> ChannelPairingRequest {
        ChannelPairingRequest(
            channel: row["channel"], code: row["code"], senderId: row["sender_id"], senderName: row["sender_name"], target: row["target"],
            accountId: row["account_id"], connector: row["connector"], createdAtMs: row["created_at"], expiresAtMs: row["expires_at"]
        )
    }

    private static func encode(_ parts: [String]) -> String {
        (try? String(decoding: JSONEncoder().encode(parts), as: UTF8.self)) ?? "[]"
    }
}
