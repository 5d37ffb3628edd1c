import GRDB
public import SwitchboardPluginAPI

/// ``DeliveryIntentStoring`` on the gateway database (`delivery_intent`).
public struct SQLiteDeliveryIntentStore: DeliveryIntentStoring {
    let database: GatewayDatabase

    public init(database: GatewayDatabase) {
        self.database = database
    }

    public func saveIntent(_ intent: DeliveryIntent, nowMs: Int) async throws {
        try await database.write { db in
            try db.cachedStatement(
                sql: """
                    INSERT OR REPLACE INTO delivery_intent (run_id, agent_id, target, recipient, account_id, idempotency_key, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [intent.runId, intent.agentId, intent.target, intent.to, intent.accountId, intent.idempotencyKey, nowMs])
        }
    }

    public func removeIntent(runId: String) async throws {
        try await database.write { db in try db.cachedStatement(sql: "DELETE FROM delivery_intent WHERE run_id = ?").execute(arguments: [runId]) }
    }

    public func intents() async throws -> [DeliveryIntent] {
        try await database.read { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM delivery_intent ORDER BY created_at, run_id")).map { row in
                DeliveryIntent(
                    runId: row["run_id"], agentId: row["agent_id"], target: row["target"], to: row["recipient"], accountId: row["account_id"],
                    idempotencyKey: row["idempotency_key"])
            }
        }
    }
}
