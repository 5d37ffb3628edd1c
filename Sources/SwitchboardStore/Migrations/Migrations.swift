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
        return migrator
    }
}
