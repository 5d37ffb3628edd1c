/// How the Discord connector reaches Discord and whom it listens to in servers (guilds).
public struct DiscordSettings: Sendable, Hashable {
    /// Discord's limit for one message's content.
    public static let maxMessageLength = 2000
    /// GUILDS | GUILD_MESSAGES | DIRECT_MESSAGES | MESSAGE_CONTENT (privileged: enable it in the
    /// developer portal's Bot page).
    public static let intents = (1 << 0) | (1 << 9) | (1 << 12) | (1 << 15)

    public var botToken: String
    /// The first connection's URL (`…/?v=10&encoding=json`); resumes go to the session's
    /// `resume_gateway_url`.
    public var gatewayURL: String
    /// REST base, `https://discord.com/api/v10`.
    public var apiBaseURL: String
    /// Guild ids the bot answers in; empty means every guild it is in.
    public var guilds: [String]
    /// Channel ids the bot answers in within those guilds; empty means every channel.
    public var channels: [String]
    /// Role ids a guild member needs one of to be answered; empty means any member.
    public var roles: [String]
    /// Show "typing…" while an answer is being written.
    public var typing: Bool
    /// Show answers as they are written: one message, edited as text arrives.
    public var streamEdits: Bool
    public var retry: Backoff

    public init(
        botToken: String, gatewayURL: String = "wss://gateway.discord.gg/?v=10&encoding=json", apiBaseURL: String = "https://discord.com/api/v10",
        guilds: [String] = [], channels: [String] = [], roles: [String] = [], typing: Bool = true, streamEdits: Bool = false, retry: Backoff = Backoff(baseMs: 1000, maxMs: 60_000)
    ) {
        self.botToken = botToken
        self.gatewayURL = gatewayURL
        self.apiBaseURL = apiBaseURL
        self.guilds = guilds
        self.channels = channels
        self.roles = roles
        self.typing = typing
        self.streamEdits = streamEdits
        self.retry = retry
    }
}
