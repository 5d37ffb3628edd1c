import AsyncHTTPClient
import Foundation
import Logging
import ServiceLifecycle
import SwitchboardAgent
import SwitchboardPluginAPI

/// The agent side of one gateway: model catalog, tools, MCP servers, sessions and the run
/// service, built from configuration. Core alone knows these concrete types.
struct AgentRuntime: Sendable {
    let live: LiveConfiguration
    let sessions: any SessionStoring
    let catalog: ModelCatalog
    let mcp: MCPServers
    let runs: AgentRunService
    let httpClients: HTTPClientsService
    let workspace: String

    /// Hot keys (system prompt, timeouts, limits) are read from `live` on each use.
    var config: AgentConfiguration { live.current.agent }

    init(
        loaded: LoadedConfiguration, live: LiveConfiguration, metrics: GatewayMetrics, version: String, sessions: any SessionStoring,
        journal: any RunJournaling, toolSources: [any ToolSource] = [], bus: EventBus, clock: GatewayClock, logger: Logger
    ) {
        let config = loaded.configuration.agent
        self.live = live
        self.sessions = sessions
        let workspace = config.workspace ?? (loaded.paths.stateDir as NSString).appendingPathComponent("workspace")
        self.workspace = workspace
        // External runners start in it and file tools resolve paths against it.
        try? FileManager.default.createDirectory(atPath: workspace, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let providerClient = ProviderHTTP.makeClient(timeouts: config.timeouts)
        let fetchClient = FetchURLTool.makeClient()
        httpClients = HTTPClientsService(clients: [providerClient, fetchClient], logger: logger)
        let http = ProviderHTTP(
            client: providerClient, retry: config.retry, timeouts: config.timeouts, logger: logger, observer: { metrics.recordProviderCall($0) }
        )
        let providers = ProviderSettings.merging(configured: config.providers, environment: loaded.providerEnvironment)
        catalog = ModelCatalog(providers: providers, defaultModel: config.defaultModel, http: http, configPath: loaded.paths.configPath)
        mcp = MCPServers(settings: config.mcpServers, clientVersion: version, logger: logger)
        var tools: [any AgentTool] = []
        if config.currentTimeTool { tools.append(CurrentTimeTool()) }
        if config.fetchTool { tools.append(FetchURLTool(client: fetchClient, limits: config.fetchLimits)) }
        if config.fileTools {
            tools += [ReadFileTool(maxBytes: config.fileMaxReadBytes), WriteFileTool(maxBytes: config.fileMaxWriteBytes), ListFilesTool()] as [any AgentTool]
        }
        runs = AgentRunService(
            live: live, metrics: metrics, workspace: workspace, sessions: sessions, journal: journal, catalog: catalog, mcp: mcp, builtinTools: tools, toolSources: toolSources, bus: bus,
            clock: clock, logger: logger
        )
    }

    /// Marks transcript entries a crash left `streaming` as interrupted; run once at start.
    /// Then resumes the acknowledged runs the last stop left queued, in arrival order.
    func recoverInterruptedRuns(logger: Logger) async {
        do {
            let count = try await sessions.markStreamingInterrupted()
            if count > 0 { logger.notice("marked answers cut short by the last stop as interrupted", metadata: ["sb.entries": "\(count)"]) }
        } catch {
            logger.error("could not check for interrupted answers", metadata: ["error.type": "\(type(of: error))"])
        }
        await runs.resumeJournaledRuns()
    }
}

/// Shuts the HTTP clients down once everything that uses them has stopped.
struct HTTPClientsService: Service {
    let clients: [HTTPClient]
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        for client in clients {
            do { try await client.shutdown() } catch { logger.debug("HTTP client shutdown", metadata: ["error.type": "\(type(of: error))"]) }
        }
    }
}
