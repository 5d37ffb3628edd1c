/// `chat.history` (scope read): a session's transcript, newest last, sanitised and bounded
/// (§5.2: text ≤ 12 000 chars, image data omitted, one message ≤ 128 KiB, all ≤ 6 MiB).
public enum ChatHistory: GatewayMethod {
    public static let name = "chat.history"
    public static let access = MethodAccess.scope(.read)
    public static let summary = "A session's transcript (sanitised, newest last)."

    public struct Params: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var sessionKey: String
        public var limit: Int?

        public init(sessionKey: String, limit: Int? = nil) {
            self.sessionKey = sessionKey
            self.limit = limit
        }

        public static let defaultLimit = 200
        public static let limitRange = 1...1000

        public static var jsonSchema: JSONSchema {
            .openObject(
                .init("sessionKey", .string(minLength: 1), required: true),
                .init("limit", .integer(minimum: limitRange.lowerBound, maximum: limitRange.upperBound))
            )
        }
    }

    public struct Result: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var sessionKey: String
        public var sessionId: String?
        public var messages: [ChatMessage]
        public var thinkingLevel: String?
        public var verboseLevel: String?

        public init(sessionKey: String, sessionId: String?, messages: [ChatMessage]) {
            self.sessionKey = sessionKey
            self.sessionId = sessionId
            self.messages = messages
        }

        public static var jsonSchema: JSONSchema {
            .openObject(
                .init("sessionKey", .string(), required: true),
                .init("sessionId", .string()),
                .init("messages", .array(items: ChatMessage.jsonSchema), required: true),
                .init("thinkingLevel", .string()),
                .init("verboseLevel", .string())
            )
        }
    }
}
