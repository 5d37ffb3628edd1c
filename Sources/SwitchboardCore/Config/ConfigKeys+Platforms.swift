import SwitchboardProtocol

/// `channels.discord.*`, `channels.slack.*` and `channels.signal.*`. Discord: the bot token, where the gateway and API are (tests point them at a
/// fake Discord), the guild/channel/role allowlists and the access policy.
extension ConfigKeys {
    static let discordKeys: [ConfigKey] =
        [
            bool("channels.discord.enabled", \.channels.discord.enabled, help: "run the Discord connector when a bot token is set"),
            optionalString("channels.discord.botToken", \.channels.discord.botToken, env: "DISCORD_BOT_TOKEN", secret: true, help: "Discord bot token"),
            string("channels.discord.gatewayUrl", \.channels.discord.gatewayURL, env: nil, help: "gateway WebSocket URL (with ?v=10&encoding=json)"),
            string("channels.discord.apiBaseUrl", \.channels.discord.apiBaseURL, env: nil, help: "REST API base URL"),
            stringList("channels.discord.guilds", \.channels.discord.guilds, help: "guild ids answered in (empty: every guild the bot is in)"),
            stringList("channels.discord.channels", \.channels.discord.channels, help: "channel ids answered in within those guilds (empty: all)"),
            stringList("channels.discord.roles", \.channels.discord.roles, help: "role ids a guild member needs one of (empty: any member)"),
            bool("channels.discord.typing", \.channels.discord.typing, help: "show typing… while an answer is written"),
            bool("channels.discord.streamEdits", \.channels.discord.streamEdits, help: "show answers as they are written: one message, edited as text arrives"),
        ]
        + accessKeys(
            "discord", \.channels.discord.access, allowFrom: \.channels.discord.access.allowFrom, groupAllowFrom: \.channels.discord.access.groupAllowFrom,
            requireMention: \.channels.discord.access.requireMention
        )

    static let slackKeys: [ConfigKey] =
        [
            bool("channels.slack.enabled", \.channels.slack.enabled, help: "run the Slack connector when both tokens are set"),
            optionalString("channels.slack.appToken", \.channels.slack.appToken, env: "SLACK_APP_TOKEN", secret: true, help: "Socket Mode app-level token (xapp-…)"),
            optionalString("channels.slack.botToken", \.channels.slack.botToken, env: "SLACK_BOT_TOKEN", secret: true, help: "bot token for the Web API (xoxb-…)"),
            string("channels.slack.apiBaseUrl", \.channels.slack.apiBaseURL, env: nil, help: "Web API base URL"),
        ]
        + accessKeys(
            "slack", \.channels.slack.access, allowFrom: \.channels.slack.access.allowFrom, groupAllowFrom: \.channels.slack.access.groupAllowFrom,
            requireMention: \.channels.slack.access.requireMention
        )

    static let signalKeys: [ConfigKey] =
        [
            bool("channels.signal.enabled", \.channels.signal.enabled, help: "run the Signal connector when an account is set"),
            optionalString("channels.signal.account", \.channels.signal.account, env: "SIGNAL_ACCOUNT", secret: false, help: "the number signal-cli is registered as (+4915…)"),
            hostPort("channels.signal.daemon", \.channels.signal.daemon, help: "host:port of signal-cli's JSON-RPC daemon (daemon --tcp)"),
            optionalString("channels.signal.cliPath", \.channels.signal.cliPath, env: nil, secret: false, help: "signal-cli to start and supervise (unset: connect to a running daemon)"),
        ]
        + accessKeys(
            "signal", \.channels.signal.access, allowFrom: \.channels.signal.access.allowFrom, groupAllowFrom: \.channels.signal.access.groupAllowFrom,
            requireMention: \.channels.signal.access.requireMention
        )

    /// `host:port` with a port from 1 to 65535.
    static func hostPort(_ path: String, _ keyPath: any WritableKeyPath<GatewayConfiguration, String> & Sendable, help: String) -> ConfigKey {
        ConfigKey(
            path: path, environment: nil, help: help, isSecret: false,
            apply: { config, value in
                guard let text = value.stringValue, let colon = text.lastIndex(of: ":"), !text[..<colon].isEmpty,
                    let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port)
                else { return "\(path): expected host:port (for example 127.0.0.1:7583), got \(describe(value))" }
                config[keyPath: keyPath] = text
                return nil
            },
            current: { .string($0[keyPath: keyPath]) },
            schema: ["type": "string"]
        )
    }
}
