import Foundation
import HTTPTypes
import Hummingbird
import SwitchboardPluginAPI
import SwitchboardProtocol

/// `GET /metrics`: Prometheus text. When the gateway has auth, the scraper sends the gateway
/// token (or password) as `Authorization: Bearer …`; metrics name methods and channels, so
/// they are not public.
enum MetricsEndpoint {
    static func respond(_ request: Request, peer: String, runtime: GatewayRuntime) async -> Response {
        switch GatewayBearerAuth.check(request, peer: peer, runtime: runtime) {
        case .passed:
            break
        case .limited(let retryAfterMs):
            var response = HTTPRoutes.json(
                .tooManyRequests,
                [
                    "ok": false,
                    "error": [
                        "code": .string(GatewayDetailCode.authRateLimited.rawValue),
                        "message": .string("too many failed auth attempts; retry in \((retryAfterMs + 999) / 1000) s"),
                    ],
                ]
            )
            response.headers[.retryAfter] = "\((retryAfterMs + 999) / 1000)"
            return response
        case .refused(let mode, _):
            var response = HTTPRoutes.json(
                .unauthorized, ["ok": false, "error": ["code": "UNAUTHORIZED", "message": .string("send the gateway \(mode) as Authorization: Bearer <secret>")]]
            )
            response.headers[HTTPField.Name("WWW-Authenticate")!] = "Bearer realm=\"switchboard\""
            return response
        }
        await sample(runtime)
        var buffer = ByteBuffer()
        buffer.writeString(runtime.host.metrics.render())
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"], body: .init(byteBuffer: buffer)
        )
    }

    /// Values read at scrape time rather than tracked on every change.
    static func sample(_ runtime: GatewayRuntime) async {
        let metrics = runtime.host.metrics
        var roles: [String: Int] = ["operator": 0, "node": 0, "adapter": 0, "pending": 0]
        for connection in runtime.connections.all {
            if let principal = connection.principal {
                roles[principal.role.rawValue, default: 0] += 1
            } else if connection.isHandshakeComplete {
                roles["adapter", default: 0] += 1
            } else {
                roles["pending", default: 0] += 1
            }
        }
        for (role, count) in roles {
            metrics.set("switchboard_connections", labels: [("role", role)], help: "Open WebSocket connections, by role (pending = before connect)", to: Double(count))
        }
        metrics.set("switchboard_runs_active", help: "Agent runs queued or running", to: Double(runtime.agent.runs.activeCount))
        if let counts = try? await runtime.channels.store.outboxCounts() {
            for state in OutboxRecord.State.allCases {
                metrics.set(
                    "switchboard_outbox_messages", labels: [("state", state.rawValue)], help: "Outbox rows, by state (pending = waiting for delivery)",
                    to: Double(counts[state] ?? 0)
                )
            }
        }
        metrics.set("switchboard_uptime_seconds", help: "Seconds since this gateway generation started", to: Double(runtime.clock.nowMs() - runtime.startedAtMs) / 1000)
        metrics.set("switchboard_info", labels: [("version", runtime.version)], help: "Build information", to: 1)
        if let rss = ProcessStats.residentBytes() { metrics.set("process_resident_memory_bytes", help: "Resident memory size in bytes", to: Double(rss)) }
        if let fds = ProcessStats.openDescriptors() { metrics.set("process_open_fds", help: "Open file descriptors", to: Double(fds)) }
        if let max = ProcessStats.maxDescriptors() { metrics.set("process_max_fds", help: "File descriptor limit", to: Double(max)) }
    }
}
