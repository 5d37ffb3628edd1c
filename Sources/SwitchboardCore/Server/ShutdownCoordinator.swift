import SwitchboardAgent
import Logging
import ServiceLifecycle
import SwitchboardProtocol

/// Runs last in the service group so it shuts down first: marks the gateway draining,
/// broadcasts `shutdown` (with `restartExpectedMs` when this is an in-process restart),
/// closes every socket with 1012 and waits, at most `gateway.shutdownDrainMs`, for them to
/// go, before the HTTP server itself stops (§3, architecture §7).
struct ShutdownCoordinator: Service {
    let runtime: GatewayRuntime

    func run() async throws {
        try? await gracefulShutdown()
        runtime.readiness.set(.draining)
        let open = runtime.connections.count
        let restart = runtime.host.restart.requested
        runtime.logger.notice(
            restart == nil ? "gateway stopping" : "gateway restarting",
            metadata: ["sb.connections": "\(open)", "sb.reason": "\(restart?.reason ?? "stop")"]
        )
        runtime.bus.broadcast(
            ShutdownEvent.self,
            .init(reason: restart == nil ? "gateway stopping" : "gateway restarting", restartExpectedMs: restart == nil ? nil : RestartTrigger.expectedRestartMs)
        )
        for connection in runtime.connections.all {
            connection.queue.requestClose(code: 1012, reason: "service restart")
        }
        await waitAtMost(.milliseconds(runtime.configuration.gateway.shutdownDrainMs)) { await runtime.connections.waitUntilEmpty() }
    }
}
