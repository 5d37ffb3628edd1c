public import Logging
public import ServiceLifecycle

/// All configured MCP servers as one `Service`: each server's supervisor runs in this
/// service's task group and stops with it.
public final class MCPServers: Service, Sendable {
    public let supervisors: [MCPServerSupervisor]

    public init(settings: [MCPServerSettings], clientVersion: String, logger: Logger) {
        supervisors = settings.filter(\.enabled).map { MCPServerSupervisor(settings: $0, clientVersion: clientVersion, logger: logger) }
    }

    public func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            for supervisor in supervisors {
                group.addTask { await supervisor.run() }
            }
            group.addTask { try? await gracefulShutdown() }
            await group.next()
            group.cancelAll()
        }
    }

    /// Every tool of every server, as the model sees them.
    public var tools: [any AgentTool] {
        supervisors.flatMap { supervisor in supervisor.tools.map { MCPTool(tool: $0, supervisor: supervisor) } }
    }

    public var statuses: [MCPServerStatus] { supervisors.map(\.status) }

    /// Waits (bounded) for every server's first start attempt; used at startup and by tests.
    public func waitUntilStarted(timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            for supervisor in supervisors { group.addTask { await supervisor.waitUntilStarted(timeout: timeout) } }
        }
    }
}
