import Foundation

/// Discord gateway opcodes (v10) this client sends or handles.
enum DiscordOpcode: Int, Sendable {
    case dispatch = 0, heartbeat = 1, identify = 2, resume = 6, reconnect = 7, invalidSession = 9, hello = 10, heartbeatAck = 11
}

/// One gateway frame as received: `op`, and for dispatches `t` and `s`; `d` is decoded per type.
struct DiscordFrame: Decodable, Sendable {
    var op: Int
    var t: String?
    var s: Int?
}

struct DiscordHello: Decodable, Sendable {
    struct Data: Decodable, Sendable {
        var heartbeatInterval: Int
        enum CodingKeys: String, CodingKey { case heartbeatInterval = "heartbeat_interval" }
    }
    var d: Data
}

struct DiscordInvalidSession: Decodable, Sendable {
    /// Whether the session may be resumed.
    var d: Bool
}

struct DiscordUser: Codable, Sendable, Hashable {
    var id: String
    var username: String?
    var globalName: String?
    var bot: Bool?

    enum CodingKeys: String, CodingKey { case id, username, bot, globalName = "global_name" }

    var displayName: String? { globalName ?? username }
}

struct DiscordReady: Decodable, Sendable {
    struct Data: Decodable, Sendable {
        var sessionId: String
        var resumeGatewayURL: String?
        var user: DiscordUser
        enum CodingKeys: String, CodingKey { case user, sessionId = "session_id", resumeGatewayURL = "resume_gateway_url" }
    }
    var d: Data
}

struct DiscordMessage: Decodable, Sendable {
    struct Member: Decodable, Sendable { var roles: [String]? }
    struct Reference: Decodable, Sendable { var author: DiscordUser? }

    var id: String
    var channelId: String
    var guildId: String?
    var author: DiscordUser
    var content: String
    var mentions: [DiscordUser]?
    var member: Member?
    var referencedMessage: Reference?

    enum CodingKeys: String, CodingKey {
        case id, author, content, mentions, member
        case channelId = "channel_id", guildId = "guild_id", referencedMessage = "referenced_message"
    }
}

struct DiscordMessageCreate: Decodable, Sendable {
    var d: DiscordMessage
}

/// What `POST /channels/{id}/messages` answers (the parts used).
struct DiscordSentMessage: Decodable, Sendable {
    var id: String
}
