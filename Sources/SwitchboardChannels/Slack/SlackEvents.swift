/// The Socket Mode envelope and the `message` / `app_mention` event fields the connector reads.
struct SlackEnvelope: Decodable, Sendable {
    struct Payload: Decodable, Sendable {
        var event: SlackEvent?
    }

    var type: String
    var envelopeId: String?
    var reason: String?
    var payload: Payload?

    enum CodingKeys: String, CodingKey { case type, reason, payload, envelopeId = "envelope_id" }
}

struct SlackEvent: Decodable, Sendable {
    var type: String
    var subtype: String?
    var user: String?
    var botId: String?
    var text: String?
    var channel: String?
    var channelType: String?
    var ts: String?
    var threadTs: String?

    enum CodingKeys: String, CodingKey {
        case type, subtype, user, text, channel, ts
        case botId = "bot_id", channelType = "channel_type", threadTs = "thread_ts"
    }
}
