import Foundation
import Logging
import SwitchboardPluginAPI
import SwitchboardProtocol
import SwitchboardStore

/// The shared parts one gateway instance wires together. Core alone knows these concrete
/// types; handlers get only what they need through their initialisers.
final class GatewayRuntime: Sendable {
    let loaded: LoadedConfiguration
    let host: GatewayHost
    let version: String
    let clock: GatewayClock
    let logger: Logger
    let startedAtMs: Int
    let bus: EventBus
    let presence: PresenceRegistry
    let health: HealthMonitor
    /// The database's condition (damage, disk full), when the gateway has one.
    let storeHealth: StoreHealth?
    let presenceNotifier: PresenceNotifier
    let idempotency: IdempotencyCache
    let readiness: GatewayReadiness
    let connections: ConnectionRegistry
    let authenticator: ConnectAuthenticator
    let registry: MethodRegistry
    let boundPort: PortBox
    let browserGuard: BrowserGuard
    let authLimiter: AuthRateLimiter
    /// Device pairing requests waiting for an operator.
    let pairings: PendingDevicePairings
    /// Connected and paired nodes, and invocations waiting for their answers.
    let nodes: NodeRuntime
    let agent: AgentRuntime
    let channels: ChannelRuntime
    let automation: AutomationRuntime
    /// The TLS identity when `gateway.tls.enabled`: every socket on the port speaks TLS first.
    let tls: GatewayTLS?

    init(
        loaded: LoadedConfiguration, host: GatewayHost, tls: GatewayTLS? = nil, version: String, clock: GatewayClock, logger: Logger, devices: any DeviceStoring, nodePairingStore: any NodePairingStoring, sessions: any SessionStoring,
        channelStore: any ChannelStoring, journal: any RunJournaling, automation automationStores: AutomationStores, storeHealth: StoreHealth? = nil, registry build: (GatewayRuntimeParts) -> MethodRegistry
    ) {
        let config = loaded.configuration.gateway
        self.loaded = loaded
        self.host = host
        self.tls = tls
        self.version = version
        self.clock = clock
        self.logger = logger
        self.startedAtMs = clock.nowMs()
        self.bus = EventBus(logger: logger, metrics: host.metrics)
        self.presence = PresenceRegistry(version: version, host: ProcessInfo.processInfo.hostName, nowMs: startedAtMs)
        self.health = HealthMonitor(
            intervalMs: config.healthRefreshIntervalMs, coalesceMs: config.healthCoalesceMs, bus: bus, presence: presence, clock: clock, store: storeHealth,
            sessions: HealthSessionSource(path: loaded.paths.databasePath, store: sessions) { [live = host.live] in live.current.agent },
            warnings: { [live = host.live, environment = loaded.providerEnvironment, configPath = loaded.paths.configPath] in
                HealthWarnings.current(agent: live.current.agent, providerEnvironment: environment, configPath: configPath)
            }
        )
        self.storeHealth = storeHealth
        self.presenceNotifier = PresenceNotifier(coalesceMs: config.presenceCoalesceMs, bus: bus, presence: presence, health: health)
        self.idempotency = IdempotencyCache(ttlMs: config.idempotency.ttlMs, maxEntries: config.idempotency.maxEntries, clock: clock)
        self.readiness = GatewayReadiness()
        self.connections = ConnectionRegistry()
        self.boundPort = PortBox()
        self.browserGuard = BrowserGuard(configuration: loaded.configuration, boundPort: boundPort)
        let authLimiter = AuthRateLimiter(maxAttempts: config.auth.rateLimitMaxAttempts, windowMs: config.auth.rateLimitWindowMs)
        self.authLimiter = authLimiter
        let pairings = PendingDevicePairings(maxPending: config.pairingMaxPending, ttlMs: config.pairingRequestTtlMs)
        self.pairings = pairings
        let nodePairings = NodePairings(store: nodePairingStore, maxPending: config.pairingMaxPending, ttlMs: config.pairingRequestTtlMs, limiter: authLimiter)
        let nodes = NodeRuntime(connections: connections, devices: devices, pairings: nodePairings, bus: bus, clock: clock)
        self.nodes = nodes
        self.agent = AgentRuntime(
            loaded: loaded, live: host.live, metrics: host.metrics, version: version, sessions: sessions, journal: journal,
            toolSources: [NodeTools(nodes: nodes, live: host.live)], bus: bus, clock: clock,
            logger: logger
        )
        let auth = config.auth
        let adapterSecret = loaded.configuration.channels.adapter.secret ?? (auth.effectiveMode == .token ? auth.token : auth.effectiveMode == .password ? auth.password : nil)
        self.channels = ChannelRuntime(
            live: host.live, adapterSecret: adapterSecret, store: channelStore, runs: agent.runs, clock: clock, logger: logger
        )
        self.automation = AutomationRuntime(
            loaded: loaded, stores: automationStores, agent: agent, channels: channels, bus: bus, boundPort: boundPort, clock: clock, logger: logger)
        self.authenticator = ConnectAuthenticator(
            auth: config.auth,
            verifier: DeviceProofVerifier(skewMs: config.deviceSignatureSkewMs),
            limiter: authLimiter,
            devices: devices,
            pairings: pairings
        )
        self.registry = build(
            GatewayRuntimeParts(
                loaded: loaded, host: host, version: version, clock: clock, startedAtMs: startedAtMs, bus: bus, presence: presence,
                health: health, presenceNotifier: presenceNotifier, connections: connections, boundPort: boundPort, idempotency: idempotency,
                agent: agent, channels: channels, automation: automation, devices: devices, pairings: pairings, nodes: nodes,
                tlsFingerprint: tls?.fingerprint
            )
        )
    }

    /// The current configuration: hot keys may differ from `loaded` after a reload.
    var configuration: GatewayConfiguration { host.live.current }

    var policy: ServerPolicy {
        ServerPolicy(
            maxPayload: configuration.gateway.maxPayloadBytes,
            maxBufferedBytes: configuration.gateway.maxBufferedBytes,
            tickIntervalMs: configuration.gateway.tickIntervalMs
        )
    }
}

/// What method collections may depend on (handed over before the registry exists).
struct GatewayRuntimeParts: Sendable {
    let loaded: LoadedConfiguration
    let host: GatewayHost
    let version: String
    let clock: GatewayClock
    let startedAtMs: Int
    let bus: EventBus
    let presence: PresenceRegistry
    let health: HealthMonitor
    let presenceNotifier: PresenceNotifier
    let connections: ConnectionRegistry
    let boundPort: PortBox
    let idempotency: IdempotencyCache
    let agent: AgentRuntime
    let channels: ChannelRuntime
    let automation: AutomationRuntime
    let devices: any DeviceStoring
    let pairings: PendingDevicePairings
    let nodes: NodeRuntime
    /// The certificate fingerprint clients pin, when TLS is on.
    let tlsFingerprint: TLSFingerprint?
}

/// What outlives one gateway generation, or steers it from outside: the live configuration
/// for hot reloads, the restart latch, the process's metrics and the config reloader.
struct GatewayHost: Sendable {
    let live: LiveConfiguration
    let restart: RestartTrigger
    let metrics: GatewayMetrics
    let reloader: ConfigReloader
}
