import SwitchboardAgent
import Logging
import ServiceLifecycle
import SwitchboardProtocol

/// Runs last in the service group so it shuts down first: marks the gateway draining,
/// broadcasts `shutdown`, closes every socket with 1012 and waits (bounded) for them to go,
/// before the HTTP server itself stops (§3, architecture §7).
struct ShutdownCoordinator: Service {
    let runtime: GatewayRuntime
    let drainTimeoutMs: Int
    let restartExpectedMs: @Sendable () -> Int?

    func run() async throws {
        try? await gracefulShutdown()
        runtime.readiness.set(.draining)
        let open = runtime.connections.count
        runtime.logger.notice("gateway stopping", metadata: ["sb.connections": "\(open)"])
        runtime.bus.broadcast(ShutdownEvent.self, .init(reason: "gateway stopping", restartExpectedMs: restartExpectedMs()))
        for connection in runtime.connections.all {
            connection.queue.requestClose(code: 1012, reason: "service restart")
        }
        await waitAtMost(.milliseconds(drainTimeoutMs)) { await runtime.connections.waitUntilEmpty() }
    }
}
