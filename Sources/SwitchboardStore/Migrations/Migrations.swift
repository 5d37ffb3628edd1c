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
        migrator.registerMigration("v3-channels") { db in
            try db.create(table: "channel_inbound") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("connector", .text).notNull()
                table.column("channel", .text).notNull()
                table.column("account_id", .text).notNull()
                table.column("platform_message_id", .text).notNull()
                table.column("session_key", .text).notNull()
                table.column("target", .text).notNull()
                table.column("sender_id", .text).notNull()
                table.column("sender_name", .text)
                table.column("text", .text).notNull()
                table.column("received_at", .integer).notNull()
                table.column("state", .text).notNull()
                table.uniqueKey(["connector", "channel", "platform_message_id"])
            }
            try db.create(index: "channel_inbound_pending", on: "channel_inbound", columns: ["state", "session_key", "id"])
            try db.create(table: "channel_cursor") { table in
                table.column("connector", .text).notNull()
                table.column("account_id", .text).notNull()
                table.column("value", .text).notNull()
                table.primaryKey(["connector", "account_id"])
            }
            try db.create(table: "outbox") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("idempotency_key", .text).notNull().unique()
                table.column("connector", .text).notNull()
                table.column("channel", .text).notNull()
                table.column("account_id", .text).notNull()
                table.column("target", .text).notNull()
                table.column("text", .text).notNull()
                table.column("reply_to", .text)
                table.column("state", .text).notNull()
                table.column("attempts", .integer).notNull().defaults(to: 0)
                table.column("next_attempt_at", .integer).notNull()
                table.column("last_error", .text)
                table.column("delivered_parts", .text).notNull().defaults(to: "[]")
                table.column("created_at", .integer).notNull()
                table.column("delivered_at", .integer)
            }
            try db.create(index: "outbox_due", on: "outbox", columns: ["state", "next_attempt_at"])
            try db.create(table: "channel_pairing") { table in
                table.column("channel", .text).notNull()
                table.column("code", .text).notNull()
                table.column("sender_id", .text).notNull()
                table.column("sender_name", .text)
                table.column("target", .text).notNull()
                table.column("account_id", .text).notNull()
                table.column("connector", .text).notNull()
                table.column("created_at", .integer).notNull()
                table.column("expires_at", .integer).notNull()
                table.primaryKey(["channel", "code"])
            }
            try db.create(table: "channel_allow") { table in
                table.column("channel", .text).notNull()
                table.column("sender_id", .text).notNull()
                table.column("approved_at", .integer).notNull()
                table.primaryKey(["channel", "sender_id"])
            }
        }
        migrator.registerMigration("v4-runs") { db in
            try db.create(table: "agent_run") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("run_id", .text).notNull().unique()
                table.column("session_key", .text).notNull()
                table.column("agent_id", .text).notNull()
                table.column("origin", .text).notNull()
                table.column("message", .text).notNull()
                table.column("timeout_ms", .integer).notNull()
                table.column("model", .text)
                table.column("extra_system_prompt", .text)
                table.column("state", .text).notNull()
                table.column("outcome", .text)
                table.column("summary", .text)
                table.column("accepted_at", .integer).notNull()
                table.column("updated_at", .integer).notNull()
            }
            try db.create(index: "agent_run_state", on: "agent_run", columns: ["state", "id"])
        }
        migrator.registerMigration("v5-device-auth-origin") { db in
            // Rows from before this column cannot say how they were paired: treated as paired
            // without auth, so on a gateway with auth they pair again once with its secret.
            try db.alter(table: "paired_device") { table in
                table.add(column: "paired_without_auth", .boolean).notNull().defaults(to: true)
            }
        }
        migrator.registerMigration("v6-inbound-images") { db in
            // Image attachments of a channel message (JSON array of image blocks), journaled with it.
            try db.alter(table: "channel_inbound") { table in
                table.add(column: "images", .text)
            }
        }
        migrator.registerMigration("v7-scheduled-jobs") { db in
            try db.create(table: "scheduled_job") { table in
                table.column("id", .text).primaryKey()
                table.column("name", .text).notNull()
                table.column("source", .text).notNull()
                table.column("definition", .text).notNull()
                table.column("enabled", .boolean).notNull()
                table.column("next_run_at", .integer)
                table.column("created_at", .integer).notNull()
                table.column("updated_at", .integer).notNull()
                table.column("last_run_at", .integer)
                table.column("last_status", .text)
                table.column("last_error", .text)
                table.column("last_duration_ms", .integer)
                table.column("consecutive_errors", .integer).notNull().defaults(to: 0)
                table.column("running_run_id", .text)
            }
            try db.create(index: "scheduled_job_due", on: "scheduled_job", columns: ["enabled", "next_run_at"])
            try db.create(table: "job_run") { table in
                table.autoIncrementedPrimaryKey("seq")
                table.column("run_id", .text).notNull().unique()
                table.column("job_id", .text).notNull()
                table.column("job_name", .text).notNull()
                table.column("trigger", .text).notNull()
                table.column("due_at", .integer).notNull()
                table.column("started_at", .integer).notNull()
                table.column("finished_at", .integer)
                table.column("status", .text).notNull()
                table.column("error", .text)
                table.column("summary", .text)
                table.column("delivery_status", .text)
                // The scheduler instance that claimed it: a new one closes only the others' runs.
                table.column("owner", .text).notNull()
            }
            try db.create(index: "job_run_job", on: "job_run", columns: ["job_id", "seq"])
            try db.create(index: "job_run_status", on: "job_run", columns: ["status"])
        }
        migrator.registerMigration("v8-hook-runs") { db in
            try db.create(table: "hook_run") { table in
                table.autoIncrementedPrimaryKey("seq")
                table.column("hook_name", .text).notNull()
                table.column("event", .text).notNull()
                table.column("started_at", .integer).notNull()
                table.column("duration_ms", .integer).notNull()
                table.column("status", .text).notNull()
                table.column("error", .text)
                table.column("output", .text).notNull()
            }
            try db.create(index: "hook_run_name", on: "hook_run", columns: ["hook_name", "seq"])
        }
        migrator.registerMigration("v9-heartbeat") { db in
            // System events wait here for the main session's next heartbeat; `run_id` is the
            // heartbeat turn that took them (checked against `agent_run` after a crash).
            try db.create(table: "system_event") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("session_key", .text).notNull()
                table.column("text", .text).notNull()
                table.column("source", .text).notNull()
                table.column("created_at", .integer).notNull()
                table.column("run_id", .text)
            }
            try db.create(index: "system_event_session", on: "system_event", columns: ["session_key", "id"])
            try db.create(table: "heartbeat_state") { table in
                table.column("agent_id", .text).primaryKey()
                table.column("last_beat_at", .integer)
                table.column("last_event", .text)
                table.column("pending_run_id", .text)
                table.column("last_sent_text", .text)
                table.column("last_sent_at", .integer)
            }
        }
        migrator.registerMigration("v10-hook-queue") { db in
            // Hook runs are stored when their event fires and removed when they are logged.
            try db.create(table: "hook_queue") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("hook", .text).notNull()
                table.column("event", .text).notNull()
                table.column("attempts", .integer).notNull().defaults(to: 0)
                table.column("next_attempt_at", .integer).notNull()
                table.column("running", .boolean).notNull().defaults(to: false)
                table.column("queued_at", .integer).notNull()
            }
        }
        migrator.registerMigration("v11-delivery-intents") { db in
            // Answers promised to a chat (webhook turns, cron announce), until they are in the outbox.
            try db.create(table: "delivery_intent") { table in
                table.column("run_id", .text).primaryKey()
                table.column("agent_id", .text).notNull()
                table.column("target", .text).notNull()
                table.column("recipient", .text)
                table.column("account_id", .text)
                table.column("idempotency_key", .text).notNull()
                table.column("created_at", .integer).notNull()
            }
        }
        migrator.registerMigration("v12-paired-nodes") { db in
            // Nodes paired through node.pair.approve: the record as JSON, the token only hashed.
            try db.create(table: "paired_node") { table in
                table.column("node_id", .text).primaryKey()
                table.column("record", .text).notNull()
                table.column("token_hash", .text).notNull()
                table.column("approved_at_ms", .integer).notNull()
            }
        }
        migrator.registerMigration("v13-last-seen-reason") { db in
            // Why a device was last seen: connect, or a node's background wake trigger.
            try db.alter(table: "paired_device") { table in table.add(column: "last_seen_reason", .text) }
        }
        return migrator
    }
}
