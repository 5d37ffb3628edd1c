/// The parts of the Bot API's objects the connector reads (https://core.telegram.org/bots/api).
struct TelegramUpdate: Decodable, Sendable {
    var updateId: Int
    var message: TelegramMessage?

    enum CodingKeys: String, CodingKey {
        case updateId = "update_id"
        case message
    }
}

struct TelegramMessage: Decodable, Sendable {
    var messageId: Int
    var from: TelegramUser?
    var chat: TelegramChat
    var text: String?
    var caption: String?
    var entities: [TelegramEntity]?
    var replyToMessage: ReplyTo?

    /// Only the author of the message replied to matters (was it the bot?).
    struct ReplyTo: Decodable, Sendable {
        var from: TelegramUser?
    }

    enum CodingKeys: String, CodingKey {
        case messageId = "message_id"
        case from, chat, text, caption, entities
        case replyToMessage = "reply_to_message"
    }
}

struct TelegramUser: Decodable, Sendable {
    var id: Int64
    var isBot: Bool?
    var firstName: String?
    var lastName: String?
    var username: String?

    enum CodingKeys: String, CodingKey {
        case id
        case isBot = "is_bot"
        case firstName = "first_name"
        case lastName = "last_name"
        case username
    }

    var displayName: String? {
        let name = [firstName, lastName].compactMap { $0 }.joined(separator: " ")
        return name.isEmpty ? username : name
    }
}

struct TelegramChat: Decodable, Sendable {
    var id: Int64
    /// private, group, supergroup or channel.
    var type: String
    var title: String?
}

struct TelegramEntity: Decodable, Sendable {
    var type: String
    var offset: Int
    var length: Int
}

/// The envelope every Bot API answer uses.
struct TelegramEnvelope<Result: Decodable & Sendable>: Decodable, Sendable {
    var ok: Bool
    var result: Result?
    var errorCode: Int?
    var description: String?
    var parameters: Parameters?

    struct Parameters: Decodable, Sendable {
        var retryAfter: Int?

        enum CodingKeys: String, CodingKey {
            case retryAfter = "retry_after"
        }
    }

    enum CodingKeys: String, CodingKey {
        case ok, result, description, parameters
        case errorCode = "error_code"
    }
}

struct TelegramSentMessage: Decodable, Sendable {
    var messageId: Int

    enum CodingKeys: String, CodingKey {
        case messageId = "message_id"
    }
}
