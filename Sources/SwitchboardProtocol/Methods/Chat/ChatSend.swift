/// `chat.send` (scope write): start a run in a session. The single `res` is the ack; the
/// outcome arrives only as `chat` events (§5.2, §8).
public enum ChatSend: GatewayMethod {
    public static let name = "chat.send"
    public static let access = MethodAccess.scope(.write)
    public static let summary = "Send a message to a session; output streams as chat events."

    public struct Params: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var sessionKey: String
        public var message: String
        public var idempotencyKey: String
        public var thinking: String?
        public var deliver: Bool?
        public var timeoutMs: Int?
        public var agentId: String?
        public var attachments: [JSONValue]?

        public init(sessionKey: String, message: String, idempotencyKey: String, timeoutMs: Int? = nil) {
            self.sessionKey = sessionKey
            self.message = message
            self.idempotencyKey = idempotencyKey
            self.timeoutMs = timeoutMs
        }

        public static var jsonSchema: JSONSchema {
            .openObject(
                .init("sessionKey", .string(minLength: 1), required: true),
                .init("message", .string(), required: true),
                .init("idempotencyKey", .string(minLength: 1, maxLength: InputLimits.idempotencyKey), required: true),
                .init("thinking", .string()),
                .init("deliver", .boolean()),
                .init("timeoutMs", .integer(minimum: 1)),
                .init("agentId", .string()),
                .init("attachments", .array(items: .any()))
            )
        }
    }

    /// `{runId, status:"started"|"in_flight"|"ok"|"error"}`, or for a stop command
    /// `{ok:true, aborted, runIds}`.
    public struct Result: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var runId: String?
        public var status: String?
        public var summary: String?
        public var ok: Bool?
        public var aborted: Bool?
        public var runIds: [String]?

        public init(runId: String, status: String, summary: String? = nil) {
            self.runId = runId
            self.status = status
            self.summary = summary
        }

        public init(abortedRunIds: [String]) {
            ok = true
            aborted = !abortedRunIds.isEmpty
            runIds = abortedRunIds
        }

        /// The same object `JSONValue(encoding:)` makes, built directly (it is made twice
        /// per `chat.send` for the dedupe cache; encoding and decoding JSON for it showed up in
        /// profiles).
        public var jsonValue: JSONValue {
            var object: [String: JSONValue] = [:]
            if let runId { object["runId"] = .string(runId) }
            if let status { object["status"] = .string(status) }
            if let summary { object["summary"] = .string(summary) }
            if let ok { object["ok"] = .bool(ok) }
            if let aborted { object["aborted"] = .bool(aborted) }
            if let runIds { object["runIds"] = .array(runIds.map(JSONValue.string)) }
            return .object(object)
        }

        public static var jsonSchema: JSONSchema {
            .openObject(
                .init("runId", .string()),
                .init("status", .string(enumValues: ["started", "in_flight", "ok", "error"])),
                .init("summary", .string()),
                .init("ok", .boolean()),
                .init("aborted", .boolean()),
                .init("runIds", .array(items: .string()))
            )
        }
    }
}

/// `chat.abort` (scope write): stop one run, or every active run of the session.
public enum ChatAbort: GatewayMethod {
    public static let name = "chat.abort"
    public static let access = MethodAccess.scope(.write)
    public static let summary = "Abort a session's run (runId) or all of its runs."

    public struct Params: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var sessionKey: String
        public var runId: String?

        public init(sessionKey: String, runId: String? = nil) {
            self.sessionKey = sessionKey
            self.runId = runId
        }

        public static var jsonSchema: JSONSchema {
            .object(.init("sessionKey", .string(minLength: 1), required: true), .init("runId", .string()))
        }
    }

    public struct Result: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var ok: Bool
        public var aborted: Bool
        public var runIds: [String]

        public init(runIds: [String]) {
            ok = true
            aborted = !runIds.isEmpty
            self.runIds = runIds
        }

        public static var jsonSchema: JSONSchema {
            .openObject(
                .init("ok", .boolean(), required: true),
                .init("aborted", .boolean(), required: true),
                .init("runIds", .array(items: .string()), required: true)
            )
        }
    }
}

/// `chat.inject` (admin): append an assistant note to a transcript without running the agent.
public enum ChatInject: GatewayMethod {
    public static let name = "chat.inject"
    public static let access = MethodAccess.scope(.admin)
    public static let summary = "Append an assistant message to a session transcript."

    public struct Params: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var sessionKey: String
        public var message: String
        public var label: String?

        public init(sessionKey: String, message: String, label: String? = nil) {
            self.sessionKey = sessionKey
            self.message = message
            self.label = label
        }

        public static let maxLabelLength = 100

        public static var jsonSchema: JSONSchema {
            .object(
                .init("sessionKey", .string(minLength: 1), required: true),
                .init("message", .string(), required: true),
                .init("label", .string(maxLength: maxLabelLength))
            )
        }
    }

    public struct Result: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var ok: Bool
        public var messageId: String

        public init(messageId: String) {
            ok = true
            self.messageId = messageId
        }

        public static var jsonSchema: JSONSchema {
            .openObject(.init("ok", .boolean(), required: true), .init("messageId", .string(), required: true))
        }
    }
}
