/// `send` (write): deliver a message through a channel, deduplicated by `idempotencyKey` (§5.2).
public enum Send: GatewayMethod {
    public static let name = "send"
    public static let access = MethodAccess.scope(.write)
    public static let summary = "Send a message to a chat through a channel (durable outbox, deduplicated by idempotencyKey)."

    public struct Params: Codable, Sendable, Hashable, JSONSchemaDescribable {
        /// The chat: a Telegram chat id, or an adapter channel id.
        public var to: String
        /// The text; optional when `mediaUrl`/`mediaUrls` are given (OpenClaw's `SendParams`).
        public var message: String?
        /// Media links (OpenClaw's `mediaUrl`, `mediaUrls`): channels here deliver text, so each
        /// link is sent on its own line after the message.
        public var mediaUrl: String?
        public var mediaUrls: [String]?
        /// Longest media link accepted.
        public static let maxMediaUrlLength = 2_048
        /// `telegram` or an adapter platform; optional when only one channel can send.
        public var channel: String?
        /// An adapter node id (picks the node when several serve the platform).
        public var accountId: String?
        public var idempotencyKey: String
        /// How long to wait for the platform's acknowledgement (default 30 000).
        public var timeoutMs: Int?

        /// The message and its media links as one text; nil when there is nothing to send.
        public var text: String? {
            let links = ([mediaUrl].compactMap { $0 } + (mediaUrls ?? [])).filter { !$0.isEmpty }
            let parts = ([message].compactMap { $0 }.filter { !$0.isEmpty }) + links
            return parts.isEmpty ? nil : parts.joined(separator: "\n")
        }

        public init(to: String, message: String, channel: String? = nil, accountId: String? = nil, idempotencyKey: String, timeoutMs: Int? = nil) {
            self.to = to
            self.message = message
            self.channel = channel
            self.accountId = accountId
            self.idempotencyKey = idempotencyKey
            self.timeoutMs = timeoutMs
        }

        public static var jsonSchema: JSONSchema {
            .openObject(
                .init("to", .string(minLength: 1), required: true),
                .init("message", .string()),
                .init("mediaUrl", .string()),
                .init("mediaUrls", .array(items: .string())),
                .init("channel", .string()),
                .init("accountId", .string()),
                .init("idempotencyKey", .string(minLength: 1, maxLength: InputLimits.idempotencyKey), required: true),
                .init("timeoutMs", .integer(minimum: 0, maximum: 600_000))
            )
        }
    }

    public struct Result: Codable, Sendable, Hashable, JSONSchemaDescribable {
        /// The idempotency key (OpenClaw's `runId`).
        public var runId: String
        /// The platform's id of the (first) message sent.
        public var messageId: String
        public var channel: String
        public var chatId: String

        public init(runId: String, messageId: String, channel: String, chatId: String) {
            self.runId = runId
            self.messageId = messageId
            self.channel = channel
            self.chatId = chatId
        }

        public static var jsonSchema: JSONSchema {
            .object(
                .init("runId", .string(), required: true), .init("messageId", .string(), required: true), .init("channel", .string(), required: true),
                .init("chatId", .string(), required: true)
            )
        }
    }
}
