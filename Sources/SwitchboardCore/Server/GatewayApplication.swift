import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle
import SwitchboardPluginAPI
import SwitchboardProtocol
import SwitchboardStore

/// One generation of the gateway: HTTP and WebSocket on one port, plus its background
/// services, started in dependency order and stopped in reverse. ``GatewaySupervisor`` runs
/// generations one after another (in-process restart) and owns what outlives them.
public struct GatewayApplication: Sendable {
    /// The version reported in `hello-ok.server.version`, `status` and presence.
    public static let version = ProcessInfo.processInfo.environment["SWITCHBOARD_VERSION"] ?? "0.1.0"

    let runtime: GatewayRuntime
    let database: GatewayDatabase

    /// - Throws: when the state dir or database cannot be opened.
    init(loaded: LoadedConfiguration, host: GatewayHost, logger: Logger, clock: GatewayClock) throws {
        let database: GatewayDatabase
        do {
            database = try GatewayDatabase(
                path: loaded.paths.databasePath, durability: GatewayDatabase.Durability(rawValue: loaded.configuration.storage.durability) ?? .full
            )
        } catch let error as GatewayDatabase.DatabaseOpenError {
            throw GatewayStartError.databaseUnreadable(error.description)
        }
        if database.health.isDegraded {
            logger.critical("database damaged; serving degraded", metadata: ["sb.problems": "\(database.health.problems)"])
        }
        self.database = database
        let tls = try GatewayTLS.load(loaded.configuration.gateway.tls, paths: loaded.paths, logger: logger)
        let logFile = loaded.logFile
        let sessions = SQLiteSessionStore(database: database)
        self.runtime = GatewayRuntime(
            loaded: loaded, host: host, tls: tls, version: Self.version, clock: clock, logger: logger, devices: SQLiteDeviceStore(database: database),
            nodePairingStore: SQLiteNodePairingStore(database: database),
            sessions: sessions, channelStore: SQLiteChannelStore(database: database),
            journal: SQLiteRunJournal(database: database, sessions: sessions),
            automation: AutomationStores(
                jobs: SQLiteJobStore(database: database), hookRuns: SQLiteHookRunStore(database: database), hookQueue: SQLiteHookRunStore(database: database),
                heartbeat: SQLiteHeartbeatStore(database: database), deliveryIntents: SQLiteDeliveryIntentStore(database: database)),
            storeHealth: database.health
        ) { parts in
            var registry = MethodRegistry()
            SystemMethods(parts: parts).register(into: &registry)
            LogMethods(parts: parts, logFile: logFile).register(into: &registry)
            ConfigMethods(parts: parts).register(into: &registry)
            AgentMethods(parts: parts).register(into: &registry)
            ChatMethods(parts: parts).register(into: &registry)
            SessionMethods(parts: parts).register(into: &registry)
            ChannelMethods(parts: parts).register(into: &registry)
            DeviceMethods(parts: parts).register(into: &registry)
            CronMethods(parts: parts).register(into: &registry)
            HooksMethods(parts: parts).register(into: &registry)
            HeartbeatMethods(parts: parts).register(into: &registry)
            DevicePairingMethods(parts: parts).register(into: &registry)
            NodeMethods(parts: parts).register(into: &registry)
            NodePairingMethods(parts: parts).register(into: &registry)
            return registry
        }
    }

    /// The registered method names (the catalog drift test reads them).
    public var methodNames: [String] { runtime.registry.names }

    /// The port actually bound, once listening (useful with port 0).
    public var boundPort: Int? { runtime.boundPort.port }

    public var readiness: GatewayReadiness { runtime.readiness }

    /// Whether this generation's port speaks TLS.
    public var servesTLS: Bool { runtime.tls != nil }

    /// Suspends until the HTTP/WebSocket listener is up; returns the bound port (nil if cancelled).
    public func waitUntilListening() async -> Int? { await runtime.boundPort.wait() }

    /// Runs until the enclosing service group shuts down gracefully or a restart is requested.
    func run() async throws {
        await runtime.agent.recoverInterruptedRuns(logger: runtime.logger)
        await runtime.automation.loadFiles()
        let config = runtime.configuration
        let runtime = runtime
        let http = Application(
            router: HTTPRoutes.build(runtime: runtime),
            server: HTTPServerBuilder { responder in GatewayServerChannel(responder: responder, runtime: runtime) },
            configuration: .init(address: .hostname(config.bindHost, port: config.gateway.port), serverName: nil, backlog: 1024),
            onServerRunning: { channel in
                runtime.boundPort.set(channel.localAddress?.port ?? config.gateway.port)
                runtime.readiness.set(.ready)
                runtime.logger.notice(
                    "gateway listening",
                    metadata: [
                        "sb.bind": "\(config.bindHost)", "sb.port": "\(channel.localAddress?.port ?? 0)",
                        "sb.auth.mode": "\(config.gateway.auth.effectiveMode.rawValue)", "sb.state.dir": "\(runtime.loaded.paths.stateDir)",
                        "sb.tls": "\(runtime.tls != nil)", "sb.tls.fingerprint": "\(runtime.tls.map { "\($0.fingerprint)" } ?? "-")",
                    ]
                )
                StartupHints.log(runtime: runtime, port: channel.localAddress?.port ?? config.gateway.port)
            },
            logger: runtime.logger
        )
        let services: [any Service] =
            [
                runtime.health,
                runtime.presenceNotifier,
                TickService(intervalMs: config.gateway.tickIntervalMs, bus: runtime.bus, clock: runtime.clock, idempotency: runtime.idempotency),
                MemoryTrimmer(intervalMs: config.gateway.memoryTrimIntervalMs),
                runtime.agent.httpClients,
                runtime.agent.mcp,
            ] + runtime.channels.services + [runtime.agent.runs] + runtime.channels.lateServices + runtime.automation.services + [
                http,
                ShutdownCoordinator(runtime: runtime),
            ]
        let group = ServiceGroup(
            configuration: .init(
                services: services,
                logger: runtime.logger
            )
        )
        let restart = runtime.host.restart
        try await withThrowingTaskGroup(of: Bool.self) { tasks in
            tasks.addTask {
                try await group.run()
                return true
            }
            tasks.addTask {
                guard let request = await restart.wait() else { return false }
                if request.delayMs > 0 { try? await Task.sleep(for: .milliseconds(request.delayMs)) }
                await group.triggerGracefulShutdown()
                return false
            }
            // The group ending (stop or restart) ends the generation; a still-waiting restart watcher goes with it.
            while let groupEnded = try await tasks.next() {
                if groupEnded { tasks.cancelAll() }
            }
        }
    }
}
