/// `sessions.patch` (admin): change a session's settings; `null` clears a field (§5.3).
public enum SessionsPatch: GatewayMethod {
    public static let name = "sessions.patch"
    public static let access = MethodAccess.scope(.admin)
    public static let summary = "Change session settings (label, model, levels, sendPolicy…); null clears."

    /// `key` plus the fields to change. Absent fields stay as they are; `null` clears.
    public struct Params: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var key: String
        public var changes: [String: JSONValue]

        public init(key: String, changes: [String: JSONValue]) {
            self.key = key
            self.changes = changes
        }

        /// Fields with a closed set of values.
        public static let enumFields: [String: [String]] = [
            "responseUsage": ["off", "tokens", "full", "on"],
            "sendPolicy": ["allow", "deny"],
            "groupActivation": ["mention", "always"],
            "subagentRole": ["orchestrator", "leaf"],
            "subagentControlScope": ["children", "none"],
        ]
        /// Free-form string fields.
        public static let stringFields = [
            "label", "thinkingLevel", "verboseLevel", "reasoningLevel", "elevatedLevel", "execHost", "execSecurity", "execAsk",
            "execNode", "model", "spawnedBy", "spawnToolPolicy", "traceLevel", "spawnedWorkspaceDir",
        ]
        public static let intFields = ["spawnDepth"]
        public static let boolFields = ["fastMode"]
        /// OpenClaw's limit (`SessionsPatchParams.label.maxLength`).
        public static let maxLabelLength = 512

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Key.self)
            key = try container.decode(String.self, forKey: Key(stringValue: "key"))
            var changes: [String: JSONValue] = [:]
            for codingKey in container.allKeys where codingKey.stringValue != "key" {
                changes[codingKey.stringValue] = try container.decode(JSONValue.self, forKey: codingKey)
            }
            self.changes = changes
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(key, forKey: Key(stringValue: "key"))
            for (name, value) in changes { try container.encode(value, forKey: Key(stringValue: name)) }
        }

        /// nil when valid; otherwise a message naming the field and what it accepts.
        public var validationProblem: String? {
            for (name, value) in changes.sorted(by: { $0.key < $1.key }) {
                if case .null = value { continue }
                if let allowed = Self.enumFields[name] {
                    guard let string = value.stringValue, allowed.contains(string) else {
                        return "\(name): expected one of \(allowed.joined(separator: ", ")) or null"
                    }
                } else if Self.stringFields.contains(name) {
                    guard let string = value.stringValue else { return "\(name): expected a string or null, got \(value.typeName)" }
                    if name == "label" && string.count > Self.maxLabelLength {
                        return "label: at most \(Self.maxLabelLength) characters"
                    }
                } else if Self.intFields.contains(name) {
                    guard let number = value.intValue, number >= 0 else { return "\(name): expected a non-negative integer or null, got \(value.typeName)" }
                } else if Self.boolFields.contains(name) {
                    guard value.boolValue != nil else { return "\(name): expected true, false or null, got \(value.typeName)" }
                } else {
                    return "\(name): unknown field"
                }
            }
            return nil
        }

        public static var jsonSchema: JSONSchema {
            var properties: [JSONSchema.Property] = [.init("key", .string(minLength: 1), required: true)]
            for name in stringFields { properties.append(.init(name, .nullable(.string()))) }
            for (name, values) in enumFields.sorted(by: { $0.key < $1.key }) {
                properties.append(.init(name, .nullable(.string(enumValues: values))))
            }
            for name in intFields { properties.append(.init(name, .nullable(.integer(minimum: 0)))) }
            for name in boolFields { properties.append(.init(name, .nullable(.boolean()))) }
            return .object(properties: properties, additionalProperties: .forbidden)
        }
    }

    public typealias Result = SessionMutationResult
}

/// `sessions.reset` (admin): start a fresh transcript under the same key.
public enum SessionsReset: GatewayMethod {
    public static let name = "sessions.reset"
    public static let access = MethodAccess.scope(.admin)
    public static let summary = "Start a new session id (empty transcript) under the same key."

    public struct Params: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var key: String
        public var reason: String?

        public init(key: String, reason: String? = nil) {
            self.key = key
            self.reason = reason
        }

        public static var jsonSchema: JSONSchema {
            .object(.init("key", .string(minLength: 1), required: true), .init("reason", .string(enumValues: ["new", "reset"])))
        }
    }

    public typealias Result = SessionMutationResult
}

/// `sessions.delete` (admin): forget a session, optionally with its transcript.
public enum SessionsDelete: GatewayMethod {
    public static let name = "sessions.delete"
    public static let access = MethodAccess.scope(.admin)
    public static let summary = "Delete a session (and, with deleteTranscript, its messages)."

    public struct Params: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var key: String
        public var deleteTranscript: Bool?

        public init(key: String, deleteTranscript: Bool? = nil) {
            self.key = key
            self.deleteTranscript = deleteTranscript
        }

        public static var jsonSchema: JSONSchema {
            .object(.init("key", .string(minLength: 1), required: true), .init("deleteTranscript", .boolean()))
        }
    }

    public typealias Result = SessionMutationResult
}

/// `sessions.compact` (admin): keep only the newest `maxLines` transcript entries.
public enum SessionsCompact: GatewayMethod {
    public static let name = "sessions.compact"
    public static let access = MethodAccess.scope(.admin)
    public static let summary = "Trim a transcript to its newest maxLines entries (default 400)."

    public struct Params: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var key: String
        public var maxLines: Int?

        public init(key: String, maxLines: Int? = nil) {
            self.key = key
            self.maxLines = maxLines
        }

        public static let defaultMaxLines = 400

        public static var jsonSchema: JSONSchema {
            .object(.init("key", .string(minLength: 1), required: true), .init("maxLines", .integer(minimum: 1)))
        }
    }

    public typealias Result = SessionMutationResult
}
