import GRDB

/// Versioned schema changes. Never edit a shipped migration: append a new one.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-devices") { db in
            try db.create(table: "paired_device") { table in
                table.column("device_id", .text).notNull()
                table.column("role", .text).notNull()
                table.column("public_key", .text).notNull()
                table.column("scopes", .text).notNull()
                table.column("token", .text).notNull()
                table.column("display_name", .text)
                table.column("platform", .text)
                table.column("client_id", .text)
                table.column("approved_at_ms", .integer).notNull()
                table.column("last_seen_at_ms", .integer)
                table.primaryKey(["device_id", "role"])
            }
        }
        migrator.registerMigration("v2-sessions") { db in
            try db.create(table: "session") { table in
                table.column("key", .text).primaryKey()
                table.column("session_id", .text).notNull().unique()
                table.column("agent_id", .text).notNull()
                table.column("created_at", .integer).notNull()
                table.column("updated_at", .integer).notNull()
                table.column("settings", .text).notNull().defaults(to: "{}")
                table.column("input_tokens", .integer).notNull().defaults(to: 0)
                table.column("output_tokens", .integer).notNull().defaults(to: 0)
            }
            try db.create(index: "session_updated", on: "session", columns: ["updated_at"])
            try db.create(table: "transcript_entry") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("session_id", .text).notNull()
                table.column("ts", .integer).notNull()
                table.column("role", .text).notNull()
                table.column("run_id", .text)
                table.column("message", .text).notNull()
                table.column("state", .text).notNull().defaults(to: "complete")
            }
            try db.create(index: "transcript_session", on: "transcript_entry", columns: ["session_id", "id"])
            try db.create(index: "transcript_state", on: "transcript_entry", columns: ["state"])
        }
        return migrator
    }
}
