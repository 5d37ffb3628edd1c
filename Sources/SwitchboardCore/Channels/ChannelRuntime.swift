import SwitchboardProtocol
import AsyncHTTPClient
import Logging
import NIOCore
import ServiceLifecycle
import SwitchboardAgent
import SwitchboardChannels
import SwitchboardPluginAPI

/// The channel side of one gateway, built from configuration: router, outbox and the
/// enabled connectors, plus the order their services start in.
struct ChannelRuntime: Sendable {
    let live: LiveConfiguration
    let store: any ChannelStoring
    let directory: ConnectorDirectory
    let outbox: OutboxDispatcher
    let router: ChannelRouter
    let adapters: ClaraAdapterHub?
    /// The platform connectors that run (Telegram, Discord), in `channels.status` order.
    let bots: [any ChannelConnector]
    let httpClients: HTTPClientsService?

    func bot(_ id: String) -> (any ChannelConnector)? { bots.first { $0.id == id } }

    /// `host:port` as the config key validated it.
    static func hostPort(_ text: String) -> (String, Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]) else { return (text, 7583) }
        return (String(text[..<colon]), port)
    }

    /// Whether the channel has its credentials (so a missing connector means it is disabled).
    func hasCredentials(_ id: String) -> Bool {
        switch id {
        case "telegram": config.telegram.botToken != nil
        case "discord": config.discord.botToken != nil
        case "slack": config.slack.appToken != nil && config.slack.botToken != nil
        case "signal": config.signal.account != nil
        default: false
        }
    }

    /// - Parameter adapterSecret: what adapters must send in `register`: `channels.adapter.secret`,
    ///   else the gateway's token or password, so a gateway with auth never admits anonymous adapters.
    var config: ChannelConfiguration { live.current.channels }

    init(live: LiveConfiguration, adapterSecret: String?, store: any ChannelStoring, runs: AgentRunService, clock: GatewayClock, logger: Logger) {
        let config = live.current.channels
        self.live = live
        self.store = store
        let directory = ConnectorDirectory()
        self.directory = directory
        outbox = OutboxDispatcher(store: store, settings: config.outbox, directory: directory, clock: clock, logger: logger)
        router = ChannelRouter(store: store, runs: runs, outbox: outbox, directory: directory, live: live, clock: clock, logger: logger)
        if config.adapter.enabled {
            let hub = ClaraAdapterHub(
                settings: ClaraAdapterSettings(
                    secret: adapterSecret, maxInFlightPerNode: config.adapter.maxInFlightPerNode, deliveryTimeoutMs: config.adapter.deliveryTimeoutMs,
                    attachments: .init(maxBytes: live.current.agent.attachmentMaxBytes, maxCount: live.current.agent.attachmentMaxCount)
                ), context: router,
                logger: logger
            )
            directory.add(hub)
            adapters = hub
        } else {
            adapters = nil
        }
        var bots: [any ChannelConnector] = []
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(10))
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        if config.telegram.enabled, let token = config.telegram.botToken {
            let settings = TelegramSettings(botToken: token, apiBaseURL: config.telegram.apiBaseURL, pollTimeoutSeconds: config.telegram.pollTimeoutSeconds)
            bots.append(TelegramConnector(settings: settings, client: client, context: router, logger: logger))
        }
        if config.discord.enabled, let token = config.discord.botToken {
            let discord = config.discord
            let settings = DiscordSettings(
                botToken: token, gatewayURL: discord.gatewayURL, apiBaseURL: discord.apiBaseURL, guilds: discord.guilds, channels: discord.channels,
                roles: discord.roles, typing: discord.typing, streamEdits: discord.streamEdits
            )
            bots.append(DiscordConnector(settings: settings, client: client, context: router, logger: logger))
        }
        if config.slack.enabled, let appToken = config.slack.appToken, let botToken = config.slack.botToken {
            let settings = SlackSettings(appToken: appToken, botToken: botToken, apiBaseURL: config.slack.apiBaseURL)
            bots.append(SlackConnector(settings: settings, client: client, context: router, logger: logger))
        }
        if config.signal.enabled, let account = config.signal.account {
            let (host, port) = Self.hostPort(config.signal.daemon)
            let settings = SignalSettings(account: account, daemonHost: host, daemonPort: port, cliPath: config.signal.cliPath)
            bots.append(SignalConnector(settings: settings, context: router, logger: logger))
        }
        for bot in bots { directory.add(bot) }
        self.bots = bots
        if bots.isEmpty {
            try? client.syncShutdown()
            httpClients = nil
        } else {
            httpClients = HTTPClientsService(clients: [client], logger: logger)
        }
    }

    /// Started in this order, stopped in reverse: connectors stop taking messages first, the
    /// router drains, the outbox delivers what it can, and HTTP clients close last.
    var services: [any Service] {
        var services: [any Service] = []
        if let httpClients { services.append(httpClients) }
        // What connectors deliver through stops after the outbox has drained.
        services += bots.flatMap(\.deliveryServices)
        services.append(outbox)
        return services
    }

    /// Services that need the agent runs: placed after the run service.
    var lateServices: [any Service] {
        var services: [any Service] = [router]
        services += bots
        if let adapters { services.append(adapters) }
        return services
    }
}
