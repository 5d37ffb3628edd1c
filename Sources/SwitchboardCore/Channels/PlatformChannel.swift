import SwitchboardProtocol

/// The platform channels the gateway connects itself (not adapters), in `channels.status`
/// order: what `channels.status`, `send`'s routing and `channels.logout` know of each.
struct PlatformChannel: Sendable {
    var id: String
    var label: String
    /// The keys under `channels.<id>` that sign it in (all are needed).
    var credentials: [String]
    /// What to set to turn it on.
    var setupHint: String

    static let all: [PlatformChannel] = [
        .init(id: "telegram", label: "Telegram", credentials: ["botToken"], setupHint: "set channels.telegram.botToken or TELEGRAM_BOT_TOKEN"),
        .init(id: "discord", label: "Discord", credentials: ["botToken"], setupHint: "set channels.discord.botToken or DISCORD_BOT_TOKEN"),
        .init(
            id: "slack", label: "Slack", credentials: ["appToken", "botToken"],
            setupHint: "set channels.slack.appToken and botToken, or SLACK_APP_TOKEN and SLACK_BOT_TOKEN"
        ),
        .init(
            id: "signal", label: "Signal", credentials: ["account"],
            setupHint: "set channels.signal.account or SIGNAL_ACCOUNT, and run signal-cli's daemon or set channels.signal.cliPath"
        ),
    ]

    static func named(_ id: String) -> PlatformChannel? { all.first { $0.id == id } }

    /// Whether every credential is set in `configuration` (from the file, the environment or a flag).
    func isConfigured(in configuration: GatewayConfiguration) -> Bool {
        credentials.allSatisfy { key in ConfigKeys.key("channels.\(id).\(key)").map { $0.current(configuration) != .null } ?? false }
    }
}
