/// What `config.set`, `config.patch` and `config.apply` answer (§5.6).
public struct ConfigWriteResult: Codable, Sendable, Hashable, JSONSchemaDescribable {
    /// How the running gateway took the edit.
    public enum Applied: String, Codable, Sendable, Hashable {
        /// Only hot keys changed: in effect now, no restart.
        case hot
        /// A restart-required key changed (or `config.apply`): the in-process restart follows.
        case restart
        /// No effective setting changed.
        case none
    }

    public struct Restart: Codable, Sendable, Hashable {
        public var reason: String
        public var delayMs: Int
        /// Roughly how long clients will be disconnected.
        public var expectedMs: Int

        public init(reason: String, delayMs: Int, expectedMs: Int) {
            self.reason = reason
            self.delayMs = delayMs
            self.expectedMs = expectedMs
        }
    }

    public var ok: Bool
    public var path: String
    /// The written file, secrets redacted.
    public var config: JSONValue
    /// The new file's hash: the `baseHash` of the next write.
    public var hash: String
    /// Key paths whose effective value changed.
    public var changed: [String]
    public var applied: Applied
    public var restart: Restart?

    public init(ok: Bool, path: String, config: JSONValue, hash: String, changed: [String], applied: Applied, restart: Restart?) {
        self.ok = ok
        self.path = path
        self.config = config
        self.hash = hash
        self.changed = changed
        self.applied = applied
        self.restart = restart
    }

    public static var jsonSchema: JSONSchema {
        .openObject(
            .init("ok", .boolean(), required: true),
            .init("path", .string(), required: true),
            .init("config", .any(), required: true),
            .init("hash", .string(minLength: 64, maxLength: 64), required: true),
            .init("changed", .array(items: .string()), required: true),
            .init("applied", .string(enumValues: ["hot", "restart", "none"]), required: true),
            .init(
                "restart",
                .openObject(
                    .init("reason", .string(), required: true), .init("delayMs", .integer(minimum: 0), required: true),
                    .init("expectedMs", .integer(minimum: 0), required: true)
                )
            )
        )
    }
}

/// Fields shared by the config write methods.
public struct ConfigWriteParams: Codable, Sendable, Hashable, JSONSchemaDescribable {
    /// JSON5 text: the whole file (`set`, `apply`) or a merge patch (`patch`).
    public var raw: String
    /// The `hash` from `config.get`; required once the file exists.
    public var baseHash: String?
    public var sessionKey: String?
    public var note: String?
    /// Wait before restarting (when the edit needs a restart).
    public var restartDelayMs: Int?

    public init(raw: String, baseHash: String? = nil, sessionKey: String? = nil, note: String? = nil, restartDelayMs: Int? = nil) {
        self.raw = raw
        self.baseHash = baseHash
        self.sessionKey = sessionKey
        self.note = note
        self.restartDelayMs = restartDelayMs
    }

    public static let restartDelayRange = 0...600_000

    public static var jsonSchema: JSONSchema {
        .object(
            .init("raw", .string(maxLength: 1_048_576), required: true),
            .init("baseHash", .string()),
            .init("sessionKey", .string()),
            .init("note", .string(maxLength: 1000)),
            .init("restartDelayMs", .integer(minimum: restartDelayRange.lowerBound, maximum: restartDelayRange.upperBound))
        )
    }
}

/// `config.set` (admin): replaces the config file; hot keys apply in place, others restart.
public enum ConfigSet: GatewayMethod {
    public typealias Params = ConfigWriteParams
    public typealias Result = ConfigWriteResult
    public static let name = "config.set"
    public static let summary = "Replace the config file (JSON5), guarded by baseHash; applies hot keys, restarts for the rest."
}

/// `config.patch` (admin): JSON merge patch of the config file (`null` deletes; arrays of
/// objects with `id` merge by id).
public enum ConfigPatch: GatewayMethod {
    public typealias Params = ConfigWriteParams
    public typealias Result = ConfigWriteResult
    public static let name = "config.patch"
    public static let summary = "Merge-patch the config file, guarded by baseHash; applies hot keys, restarts for the rest."
}

/// `config.apply` (admin): replaces the config file and always restarts in-process.
public enum ConfigApply: GatewayMethod {
    public typealias Params = ConfigWriteParams
    public typealias Result = ConfigWriteResult
    public static let name = "config.apply"
    public static let summary = "Replace the config file and restart the gateway in-process."
}

/// `config.schema` (admin): the JSON Schema of the config file, with per-key UI hints.
public enum ConfigSchema: GatewayMethod {
    public static let name = "config.schema"
    public static let summary = "JSON Schema of the config file and UI hints per key path."

    public struct Result: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var schema: JSONValue
        /// Key path → `{label, help, group, sensitive, reload}`.
        public var uiHints: JSONValue
        public var version: String
        public var generatedAt: String

        public init(schema: JSONValue, uiHints: JSONValue, version: String, generatedAt: String) {
            self.schema = schema
            self.uiHints = uiHints
            self.version = version
            self.generatedAt = generatedAt
        }

        public static var jsonSchema: JSONSchema {
            .openObject(
                .init("schema", .any(), required: true),
                .init("uiHints", .any(), required: true),
                .init("version", .string(), required: true),
                .init("generatedAt", .string(), required: true)
            )
        }
    }
}
