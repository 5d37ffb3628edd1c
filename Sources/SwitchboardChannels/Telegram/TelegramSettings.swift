/// How the Telegram connector reaches the Bot API. Access rules live with the other
/// channels' (`channels.telegram.dmPolicy` and friends), not here.
public struct TelegramSettings: Sendable, Hashable {
    public var botToken: String
    /// `https://api.telegram.org` unless a test or proxy says otherwise.
    public var apiBaseURL: String
    /// Server-side wait of each `getUpdates` long poll.
    public var pollTimeoutSeconds: Int
    /// Updates fetched per poll.
    public var pollLimit: Int
    /// Waits after a failed poll: from `retry.baseMs` doubling to `retry.maxMs`.
    public var retry: Backoff

    public init(botToken: String, apiBaseURL: String = "https://api.telegram.org", pollTimeoutSeconds: Int = 25, pollLimit: Int = 100, retry: Backoff = Backoff(baseMs: 1000, maxMs: 60_000)) {
        self.botToken = botToken
        self.apiBaseURL = apiBaseURL
        self.pollTimeoutSeconds = pollTimeoutSeconds
        self.pollLimit = pollLimit
        self.retry = retry
    }

    /// Telegram's limit on one message's text, in UTF-16 code units.
    public static let maxMessageLength = 4096
}
