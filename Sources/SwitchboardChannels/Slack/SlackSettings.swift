/// How the Slack connector reaches Slack: Socket Mode with the app-level token (no public URL
/// needed), the Web API with the bot token.
public struct SlackSettings: Sendable, Hashable {
    /// Parts longer than this are split (Slack truncates at 40,000; long ones read badly).
    public static let maxMessageLength = 4000

    /// `xapp-…`, with the `connections:write` scope.
    public var appToken: String
    /// `xoxb-…`, with `chat:write` (and the history scopes for the events it subscribes to).
    public var botToken: String
    /// Web API base, `https://slack.com/api`.
    public var apiBaseURL: String
    public var retry: Backoff

    public init(appToken: String, botToken: String, apiBaseURL: String = "https://slack.com/api", retry: Backoff = Backoff(baseMs: 1000, maxMs: 60_000)) {
        self.appToken = appToken
        self.botToken = botToken
        self.apiBaseURL = apiBaseURL
        self.retry = retry
    }
}
