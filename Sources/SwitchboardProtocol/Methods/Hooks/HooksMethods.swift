/// `hooks.list` (admin): the shell hooks loaded from `hooks.yaml` and the Swift hooks.
/// Admin only: a hook's command may carry a token.
public enum HooksList: GatewayMethod {
    public static let name = "hooks.list"
    public static let access = MethodAccess.scope(.admin)
    public static let summary = "Hooks: name, event, command, timeout, priority; where they came from."

    public struct Hook: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var name: String
        public var event: String
        /// `shell` or `swift`.
        public var kind: String
        public var command: String?
        public var timeoutSeconds: Double
        public var priority: Int
        public var enabled: Bool
        public var description: String?

        public init(name: String, event: String, kind: String, command: String?, timeoutSeconds: Double, priority: Int, enabled: Bool) {
            self.name = name
            self.event = event
            self.kind = kind
            self.command = command
            self.timeoutSeconds = timeoutSeconds
            self.priority = priority
            self.enabled = enabled
        }

        public static var jsonSchema: JSONSchema {
            .openObject(
                .init("name", .string(), required: true), .init("event", .string(), required: true),
                .init("kind", .string(enumValues: ["shell", "swift"]), required: true), .init("command", .string()),
                .init("timeoutSeconds", .number(), required: true), .init("priority", .integer(), required: true),
                .init("enabled", .boolean(), required: true), .init("description", .string())
            )
        }
    }

    public struct Result: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var hooks: [Hook]
        /// `hooks.yaml`'s path and what became of it at start (`absent`, `loaded N`, `rejected: …`).
        public var file: String
        public var fileStatus: String?
        /// Runs dropped because the queue was full, since start.
        public var droppedRuns: Int

        public init(hooks: [Hook], file: String, fileStatus: String?, droppedRuns: Int) {
            self.hooks = hooks
            self.file = file
            self.fileStatus = fileStatus
            self.droppedRuns = droppedRuns
        }

        public static var jsonSchema: JSONSchema {
            .openObject(
                .init("hooks", .array(items: Hook.jsonSchema), required: true), .init("file", .string(), required: true),
                .init("fileStatus", .string()), .init("droppedRuns", .integer(minimum: 0), required: true)
            )
        }
    }
}

/// `hooks.runs` (admin): the hook run log, newest first.
public enum HooksRuns: GatewayMethod {
    public static let name = "hooks.runs"
    public static let access = MethodAccess.scope(.admin)
    public static let summary = "The hook run log, newest first: {name?, limit?}."

    public struct Params: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var name: String?
        public var limit: Int?

        public init(name: String? = nil, limit: Int? = nil) {
            self.name = name
            self.limit = limit
        }

        public static let maxLimit = 500

        public static var jsonSchema: JSONSchema {
            .object(.init("name", .string(minLength: 1)), .init("limit", .integer(minimum: 1, maximum: maxLimit)))
        }
    }

    public struct Run: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var name: String
        public var event: String
        public var ts: Int
        public var durationMs: Int
        public var status: String
        public var error: String?
        public var output: String

        public init(name: String, event: String, ts: Int, durationMs: Int, status: String, error: String?, output: String) {
            self.name = name
            self.event = event
            self.ts = ts
            self.durationMs = durationMs
            self.status = status
            self.error = error
            self.output = output
        }

        public static var jsonSchema: JSONSchema {
            .openObject(
                .init("name", .string(), required: true), .init("event", .string(), required: true), .init("ts", .integer(minimum: 0), required: true),
                .init("durationMs", .integer(minimum: 0), required: true), .init("status", .string(enumValues: ["ok", "error"]), required: true),
                .init("error", .string()), .init("output", .string(), required: true)
            )
        }
    }

    public struct Result: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var runs: [Run]

        public init(runs: [Run]) { self.runs = runs }

        public static var jsonSchema: JSONSchema { .openObject(.init("runs", .array(items: Run.jsonSchema), required: true)) }
    }
}
