/// `cron.*` (§5.8): scheduled jobs, one engine for `cron.add` jobs, `scheduler.yaml` tasks and
/// `automation.jobs` in the config. Jobs and run-log entries are OpenClaw's `CronJob` and
/// `CronRunLogEntry`; Switchboard adds a `command` payload (a shell command with a timeout),
/// `missed` (`run-once`/`skip`) and `source` (`api`, `file`, `config`).

/// A job id given as `id` or `jobId` (OpenClaw accepts both).
public struct CronJobSelector: Codable, Sendable, Hashable, JSONSchemaDescribable {
    public var id: String?
    public var jobId: String?

    public init(id: String) { self.id = id }

    /// The id, whichever way it was given.
    public var resolved: String? { id ?? jobId }

    public static var jsonSchema: JSONSchema {
        .object(.init("id", .string(minLength: 1)), .init("jobId", .string(minLength: 1)))
    }
}

/// The fields of a job given to `cron.add` or `automation.jobs` (checked by the scheduler, which
/// names the field that is wrong).
public struct CronJobInput: Codable, Sendable, Hashable, JSONSchemaDescribable {
    public var fields: JSONValue

    public init(_ fields: JSONValue) { self.fields = fields }

    public init(from decoder: any Decoder) throws { fields = try JSONValue(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try fields.encode(to: encoder) }

    public static var jsonSchema: JSONSchema {
        .openObject(
            .init("name", .string(minLength: 1), required: true),
            .init("description", .string()),
            .init("enabled", .boolean()),
            .init("deleteAfterRun", .boolean()),
            .init("agentId", .nullable(.string(minLength: 1))),
            .init("sessionKey", .nullable(.string(minLength: 1))),
            .init("schedule", .any(description: "{kind:at, at} | {kind:every, everyMs, anchorMs?} | {kind:cron, expr, tz?, staggerMs?}"), required: true),
            .init("sessionTarget", .string(description: "main | isolated | current | session:<key>")),
            .init("wakeMode", .string(enumValues: ["now", "next-heartbeat"])),
            .init(
                "payload",
                .any(description: "{kind:systemEvent, text} | {kind:agentTurn, message, model?, timeoutSeconds?} | {kind:command, command, timeoutSeconds?, workingDir?}"),
                required: true),
            .init("delivery", .any()),
            .init("missed", .string(enumValues: ["run-once", "skip"]))
        )
    }
}

/// A page of jobs or runs.
public struct CronPage: Codable, Sendable, Hashable, JSONSchemaDescribable {
    public var total: Int
    public var offset: Int
    public var limit: Int
    public var hasMore: Bool

    public init(total: Int, offset: Int, limit: Int) {
        self.total = total
        self.offset = offset
        self.limit = limit
        hasMore = offset + limit < total
    }

    static let properties: [JSONSchema.Property] = [
        .init("total", .integer(minimum: 0), required: true), .init("offset", .integer(minimum: 0), required: true),
        .init("limit", .integer(minimum: 0), required: true), .init("hasMore", .boolean(), required: true),
    ]
    public static var jsonSchema: JSONSchema { .object(properties: properties, additionalProperties: .allowed) }
}

/// `cron.list` (read): jobs, by name or next run.
public enum CronList: GatewayMethod {
    public static let name = "cron.list"
    public static let access = MethodAccess.scope(.read)
    public static let summary = "List scheduled jobs with their state."

    public struct Params: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var includeDisabled: Bool?
        public var limit: Int?
        public var offset: Int?
        public var query: String?
        public var enabled: String?
        public var sortBy: String?
        public var sortDir: String?

        public init(includeDisabled: Bool? = nil) { self.includeDisabled = includeDisabled }

        public static let maxLimit = 200

        public static var jsonSchema: JSONSchema {
            .openObject(
                .init("includeDisabled", .boolean()), .init("limit", .integer(minimum: 1, maximum: maxLimit)), .init("offset", .integer(minimum: 0)),
                .init("query", .string()), .init("enabled", .string(enumValues: ["all", "enabled", "disabled"])),
                .init("sortBy", .string(enumValues: ["nextRunAtMs", "updatedAtMs", "name"])), .init("sortDir", .string(enumValues: ["asc", "desc"]))
            )
        }
    }

    public struct Result: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var jobs: [JSONValue]
        public var total: Int
        public var offset: Int
        public var limit: Int
        public var hasMore: Bool

        public init(jobs: [JSONValue], page: CronPage) {
            self.jobs = jobs
            total = page.total
            offset = page.offset
            limit = page.limit
            hasMore = page.hasMore
        }

        public static var jsonSchema: JSONSchema {
            .object(properties: [.init("jobs", .array(items: .any(description: "CronJob")), required: true)] + CronPage.properties, additionalProperties: .allowed)
        }
    }
}

/// `cron.status` (read): whether the scheduler runs, how many jobs, the next wake-up.
public enum CronStatus: GatewayMethod {
    public static let name = "cron.status"
    public static let access = MethodAccess.scope(.read)
    public static let summary = "Scheduler state: enabled, job count, next wake-up."

    public struct Result: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var enabled: Bool
        public var storePath: String
        public var jobs: Int
        public var running: Int
        public var nextWakeAtMs: Int?

        public init(enabled: Bool, storePath: String, jobs: Int, running: Int, nextWakeAtMs: Int?) {
            self.enabled = enabled
            self.storePath = storePath
            self.jobs = jobs
            self.running = running
            self.nextWakeAtMs = nextWakeAtMs
        }

        public static var jsonSchema: JSONSchema {
            .openObject(
                .init("enabled", .boolean(), required: true), .init("storePath", .string(), required: true),
                .init("jobs", .integer(minimum: 0), required: true), .init("running", .integer(minimum: 0), required: true),
                .init("nextWakeAtMs", .nullable(.integer(minimum: 0)))
            )
        }
    }
}

/// `cron.add` (admin): a new job; returns it.
public enum CronAdd: GatewayMethod {
    public static let name = "cron.add"
    public static let access = MethodAccess.scope(.admin)
    public static let summary = "Add a scheduled job (at, every or cron; systemEvent, agentTurn or command)."
    public typealias Params = CronJobInput
    public typealias Result = JSONValue
}

/// `cron.update` (admin): `{id|jobId, patch}`; fields in `patch` replace the job's; returns it.
public enum CronUpdate: GatewayMethod {
    public static let name = "cron.update"
    public static let access = MethodAccess.scope(.admin)
    public static let summary = "Change a scheduled job: {id, patch}."

    public struct Params: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var id: String?
        public var jobId: String?
        public var patch: [String: JSONValue]

        public init(id: String, patch: [String: JSONValue]) {
            self.id = id
            self.patch = patch
        }

        public static var jsonSchema: JSONSchema {
            .object(.init("id", .string(minLength: 1)), .init("jobId", .string(minLength: 1)), .init("patch", .map(.any()), required: true))
        }
    }

    public typealias Result = JSONValue
}

/// `cron.remove` (admin): `{ok, removed}`.
public enum CronRemove: GatewayMethod {
    public static let name = "cron.remove"
    public static let access = MethodAccess.scope(.admin)
    public static let summary = "Remove a scheduled job (its run log stays)."
    public typealias Params = CronJobSelector

    public struct Result: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var ok: Bool
        public var removed: Bool

        public init(removed: Bool) {
            ok = true
            self.removed = removed
        }

        public static var jsonSchema: JSONSchema { .openObject(.init("ok", .boolean(), required: true), .init("removed", .boolean(), required: true)) }
    }
}

/// `cron.run` (admin): run a job now (`mode` `force`, the default) or only if due (`due`).
public enum CronRun: GatewayMethod {
    public static let name = "cron.run"
    public static let access = MethodAccess.scope(.admin)
    public static let summary = "Run a scheduled job now: {id, mode?: force|due}."

    public struct Params: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var id: String?
        public var jobId: String?
        public var mode: String?

        public init(id: String, mode: String? = nil) {
            self.id = id
            self.mode = mode
        }

        public static var jsonSchema: JSONSchema {
            .object(.init("id", .string(minLength: 1)), .init("jobId", .string(minLength: 1)), .init("mode", .string(enumValues: ["due", "force"])))
        }
    }

    public struct Result: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var ok: Bool
        public var ran: Bool
        public var runId: String?
        /// Why it did not run: `already-running`, `not-due`.
        public var reason: String?

        public init(ran: Bool, runId: String? = nil, reason: String? = nil) {
            ok = true
            self.ran = ran
            self.runId = runId
            self.reason = reason
        }

        public static var jsonSchema: JSONSchema {
            .openObject(.init("ok", .boolean(), required: true), .init("ran", .boolean(), required: true), .init("runId", .string()), .init("reason", .string()))
        }
    }
}

/// `cron.runs` (read): the run log, newest first, for one job (`id`) or all (`scope: all`).
public enum CronRuns: GatewayMethod {
    public static let name = "cron.runs"
    public static let access = MethodAccess.scope(.read)
    public static let summary = "The run log of a job, or of all jobs, newest first."

    public struct Params: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var scope: String?
        public var id: String?
        public var jobId: String?
        public var limit: Int?
        public var offset: Int?
        public var status: String?

        public init(id: String? = nil, limit: Int? = nil) {
            self.id = id
            self.limit = limit
        }

        public static let maxLimit = 200

        public static var jsonSchema: JSONSchema {
            .openObject(
                .init("scope", .string(enumValues: ["job", "all"])), .init("id", .string(minLength: 1)), .init("jobId", .string(minLength: 1)),
                .init("limit", .integer(minimum: 1, maximum: maxLimit)), .init("offset", .integer(minimum: 0)),
                .init("status", .string(enumValues: ["all", "ok", "error", "skipped"]))
            )
        }
    }

    public struct Result: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var entries: [JSONValue]
        public var offset: Int
        public var limit: Int
        public var hasMore: Bool

        public init(entries: [JSONValue], offset: Int, limit: Int, hasMore: Bool) {
            self.entries = entries
            self.offset = offset
            self.limit = limit
            self.hasMore = hasMore
        }

        public static var jsonSchema: JSONSchema {
            .openObject(
                .init("entries", .array(items: .any(description: "CronRunLogEntry")), required: true), .init("offset", .integer(minimum: 0), required: true),
                .init("limit", .integer(minimum: 0), required: true), .init("hasMore", .boolean(), required: true)
            )
        }
    }
}
