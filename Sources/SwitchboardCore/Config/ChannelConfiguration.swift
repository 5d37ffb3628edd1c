/// Channel settings: which connectors run, who may reach the agent through them, and how the
/// durable outbox retries. Keys are listed in ``ConfigKeys`` (`channels.*`).
public struct ChannelConfiguration: Sendable, Hashable {
    /// The agent that answers channel messages.
    public var agentId = "main"
    public var telegram = Telegram()
    public var discord = Discord()
    public var slack = Slack()
    public var signal = Signal()
    public var adapter = Adapter()
    public var webchatEnabled = true
    public var pairing = Pairing()
    public var outbox = Outbox()

    public init() {}

    public struct Telegram: Sendable, Hashable {
        public var enabled = true
        /// Also read from `TELEGRAM_BOT_TOKEN`; without one the connector does not start.
        public var botToken: String?
        public var apiBaseURL = "https://api.telegram.org"
        public var pollTimeoutSeconds = 25
        public var access = Access()
        public init() {}
    }

    public struct Discord: Sendable, Hashable {
        public var enabled = true
        /// Also read from `DISCORD_BOT_TOKEN`; without one the connector does not start.
        public var botToken: String?
        public var gatewayURL = "wss://gateway.discord.gg/?v=10&encoding=json"
        public var apiBaseURL = "https://discord.com/api/v10"
        /// Guild, channel and role allowlists (empty: no restriction by that).
        public var guilds: [String] = []
        public var channels: [String] = []
        public var roles: [String] = []
        public var typing = true
        /// Show answers as they are written (one message, edited).
        public var streamEdits = false
        /// Guild messages are filtered by `guilds`/`channels`/`roles` first, so every channel
        /// that passes them is allowed here by default.
        public var access: Access = {
            var access = Access()
            access.groupAllowFrom = ["*"]
            return access
        }()
        public init() {}
    }

    public struct Slack: Sendable, Hashable {
        public var enabled = true
        /// Socket Mode's app-level token (`xapp-…`; also `SLACK_APP_TOKEN`).
        public var appToken: String?
        /// The bot token for the Web API (`xoxb-…`; also `SLACK_BOT_TOKEN`).
        public var botToken: String?
        public var apiBaseURL = "https://slack.com/api"
        /// Channels are narrowed by inviting the bot; every channel it is in is allowed here.
        public var access: Access = {
            var access = Access()
            access.groupAllowFrom = ["*"]
            return access
        }()
        public init() {}
    }

    public struct Signal: Sendable, Hashable {
        public var enabled = true
        /// The registered number signal-cli acts as (also `SIGNAL_ACCOUNT`); none: not started.
        public var account: String?
        /// `host:port` of signal-cli's JSON-RPC daemon (`daemon --tcp`).
        public var daemon = "127.0.0.1:7583"
        /// When set, Switchboard runs signal-cli itself and restarts it when it exits.
        public var cliPath: String?
        public var access = Access()
        public init() {}
    }

    /// The access rules of the channel a connector id names (`telegram`, `discord`, `adapter`).
    public func access(for connector: String) -> Access {
        switch connector {
        case "telegram": telegram.access
        case "discord": discord.access
        case "slack": slack.access
        case "signal": signal.access
        default: adapter.access
        }
    }

    public struct Adapter: Sendable, Hashable {
        public var enabled = true
        /// Required in `register.secret` when set.
        public var secret: String?
        /// How long a reply waits for the adapter's `ack` (or, without the `ack` capability, to
        /// be written and flushed) before the outbox retries it.
        public var deliveryTimeoutMs = 10_000
        public var maxInFlightPerNode = 1000
        public var access = Access()
        public init() {}
    }

    /// Who may talk to the agent through one channel.
    public struct Access: Sendable, Hashable {
        public enum DMPolicy: String, Sendable, Hashable, CaseIterable {
            /// Unknown senders get a pairing code for the operator to approve (the default).
            case pairing
            /// Only `allowFrom` and approved senders.
            case allowlist
            /// Anyone.
            case open
            /// Direct messages are ignored.
            case disabled
        }

        public var dmPolicy = DMPolicy.pairing
        /// Sender ids always allowed in direct messages.
        public var allowFrom: [String] = []
        /// Group (chat) ids the agent answers in; `*` allows every group. Empty: no groups.
        public var groupAllowFrom: [String] = []
        /// In groups, answer only when addressed (mention, reply or command).
        public var requireMention = true
        public init() {}
    }

    public struct Pairing: Sendable, Hashable {
        /// How long a pairing code stays valid.
        public var codeTtlMs = 3_600_000
        /// Live codes per channel; further unknown senders are ignored until one is used or expires.
        public var maxPendingPerChannel = 3
        public init() {}
    }

    public struct Outbox: Sendable, Hashable {
        /// Attempts per message before it is marked failed.
        public var maxAttempts = 20
        public var retryBaseMs = 1_000
        public var retryMaxMs = 300_000
        /// Chats delivered to at once (each chat's messages stay in order).
        public var concurrency = 8
        /// Answered messages and finished outbox rows are kept this long (duplicate detection), then deleted.
        public var retentionHours = 168
        public init() {}
    }
}
