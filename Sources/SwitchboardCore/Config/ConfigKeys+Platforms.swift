import SwitchboardProtocol

/// `channels.discord.*` and `channels.slack.*`. Discord: the bot token, where the gateway and API are (tests point them at a
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
}
