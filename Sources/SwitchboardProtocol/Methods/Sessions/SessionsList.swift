/// `sessions.list` (scope read): known sessions, most recently updated first (§5.3).
public enum SessionsList: GatewayMethod {
    public static let name = "sessions.list"
    public static let access = MethodAccess.scope(.read)
    public static let summary = "List sessions, newest activity first."

    public struct Params: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var limit: Int?
        public var activeMinutes: Int?
        public var includeGlobal: Bool?
        public var includeUnknown: Bool?
        public var includeDerivedTitles: Bool?
        public var includeLastMessage: Bool?
        public var label: String?
        public var spawnedBy: String?
        public var agentId: String?
        public var search: String?

        public init(limit: Int? = nil, search: String? = nil, includeLastMessage: Bool? = nil) {
            self.limit = limit
            self.search = search
            self.includeLastMessage = includeLastMessage
        }

        public static let maxLimit = 1000

        public static var jsonSchema: JSONSchema {
            .openObject(
                .init("limit", .integer(minimum: 1, maximum: maxLimit)),
                .init("activeMinutes", .integer(minimum: 1)),
                .init("includeGlobal", .boolean()),
                .init("includeUnknown", .boolean()),
                .init("includeDerivedTitles", .boolean()),
                .init("includeLastMessage", .boolean()),
                .init("label", .string()),
                .init("spawnedBy", .string()),
                .init("agentId", .string()),
                .init("search", .string())
            )
        }
    }

    public struct Result: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var ts: Int
        public var path: String
        public var count: Int
        public var defaults: Defaults
        public var sessions: [SessionRow]

        public init(ts: Int, path: String, count: Int, defaults: Defaults, sessions: [SessionRow]) {
            self.ts = ts
            self.path = path
            self.count = count
            self.defaults = defaults
            self.sessions = sessions
        }

        public static var jsonSchema: JSONSchema {
            .openObject(
                .init("ts", .integer(minimum: 0), required: true),
                .init("path", .string(), required: true),
                .init("count", .integer(minimum: 0), required: true),
                .init("defaults", Defaults.jsonSchema, required: true),
                .init("sessions", .array(items: SessionRow.jsonSchema), required: true)
            )
        }
    }

    public struct Defaults: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var agentId: String
        public var model: String?
        public var modelProvider: String?
        public var mainSessionKey: String

        public init(agentId: String, model: String?, modelProvider: String?, mainSessionKey: String) {
            self.agentId = agentId
            self.model = model
            self.modelProvider = modelProvider
            self.mainSessionKey = mainSessionKey
        }

        public static var jsonSchema: JSONSchema {
            .openObject(
                .init("agentId", .string(), required: true),
                .init("model", .string()),
                .init("modelProvider", .string()),
                .init("mainSessionKey", .string(), required: true)
            )
        }
    }
}

/// `sessions.preview` (scope read): the last few messages of several sessions at once.
public enum SessionsPreview: GatewayMethod {
    public static let name = "sessions.preview"
    public static let access = MethodAccess.scope(.read)
    public static let summary = "Short previews (last messages) of the given sessions."

    public struct Params: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var keys: [String]
        public var limit: Int?
        public var maxChars: Int?

        public init(keys: [String], limit: Int? = nil, maxChars: Int? = nil) {
            self.keys = keys
            self.limit = limit
            self.maxChars = maxChars
        }

        public static let defaultLimit = 12
        public static let defaultMaxChars = 240
        public static let maxKeys = 64

        public static var jsonSchema: JSONSchema {
            .object(
                .init("keys", .array(items: .string(minLength: 1), minItems: 1, maxItems: maxKeys), required: true),
                .init("limit", .integer(minimum: 1, maximum: 100)),
                .init("maxChars", .integer(minimum: 20, maximum: 20_000))
            )
        }
    }

    public struct Result: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var ts: Int
        public var previews: [Preview]

        public init(ts: Int, previews: [Preview]) {
            self.ts = ts
            self.previews = previews
        }

        public static var jsonSchema: JSONSchema {
            .openObject(.init("ts", .integer(minimum: 0), required: true), .init("previews", .array(items: Preview.jsonSchema), required: true))
        }
    }

    public struct Preview: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var key: String
        /// `ok`, `empty` or `missing`.
        public var status: String
        public var items: [Item]

        public init(key: String, status: String, items: [Item]) {
            self.key = key
            self.status = status
            self.items = items
        }

        public static var jsonSchema: JSONSchema {
            .openObject(
                .init("key", .string(), required: true),
                .init("status", .string(enumValues: ["ok", "empty", "missing"]), required: true),
                .init("items", .array(items: Item.jsonSchema), required: true)
            )
        }
    }

    public struct Item: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var role: String
        public var text: String

        public init(role: String, text: String) {
            self.role = role
            self.text = text
        }

        public static var jsonSchema: JSONSchema {
            .openObject(.init("role", .string(), required: true), .init("text", .string(), required: true))
        }
    }
}

/// `sessions.resolve` (scope read): find a session key by key, session id or label.
public enum SessionsResolve: GatewayMethod {
    public static let name = "sessions.resolve"
    public static let access = MethodAccess.scope(.read)
    public static let summary = "Resolve a session key from a key, sessionId or label."

    public struct Params: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var key: String?
        public var sessionId: String?
        public var label: String?
        public var agentId: String?
        public var spawnedBy: String?
        public var includeGlobal: Bool?
        public var includeUnknown: Bool?
        /// Newer OpenClaw: a missing session answers `{ok: true, missing: true}` instead of an error.
        public var allowMissing: Bool?

        public init(key: String? = nil, sessionId: String? = nil, label: String? = nil, allowMissing: Bool? = nil) {
            self.key = key
            self.sessionId = sessionId
            self.label = label
            self.allowMissing = allowMissing
        }

        public static var jsonSchema: JSONSchema {
            .object(
                .init("key", .string()), .init("sessionId", .string()), .init("label", .string()), .init("agentId", .string()),
                .init("spawnedBy", .string()), .init("includeGlobal", .boolean()), .init("includeUnknown", .boolean()),
                .init("allowMissing", .boolean())
            )
        }
    }

    /// `{ok: true, key}`, or `{ok: true, missing: true}` when `allowMissing` and nothing matched.
    public struct Result: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var ok: Bool
        public var key: String?
        public var missing: Bool?

        public init(key: String) {
            ok = true
            self.key = key
        }

        public static var missing: Result {
            var result = Result(key: "")
            result.key = nil
            result.missing = true
            return result
        }

        public static var jsonSchema: JSONSchema {
            .openObject(.init("ok", .boolean(), required: true), .init("key", .string()), .init("missing", .boolean()))
        }
    }
}
