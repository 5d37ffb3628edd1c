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
    let telegram: TelegramConnector?
    let httpClients: HTTPClientsService?

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
        if config.telegram.enabled, let token = config.telegram.botToken {
            var configuration = HTTPClient.Configuration()
            configuration.timeout = .init(connect: .seconds(10))
            let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
            let settings = TelegramSettings(botToken: token, apiBaseURL: config.telegram.apiBaseURL, pollTimeoutSeconds: config.telegram.pollTimeoutSeconds)
            let connector = TelegramConnector(settings: settings, client: client, context: router, logger: logger)
            directory.add(connector)
            telegram = connector
            httpClients = HTTPClientsService(clients: [client], logger: logger)
        } else {
            telegram = nil
            httpClients = nil
        }
    }

    /// Started in this order, stopped in reverse: connectors stop taking messages first, the
    /// router drains, the outbox delivers what it can, and HTTP clients close last.
    var services: [any Service] {
        var services: [any Service] = []
        if let httpClients { services.append(httpClients) }
        services.append(outbox)
        return services
    }

    /// Services that need the agent runs: placed after the run service.
    var lateServices: [any Service] {
        var services: [any Service] = [router]
        if let telegram { services.append(telegram) }
        if let adapters { services.append(adapters) }
        return services
    }
}
