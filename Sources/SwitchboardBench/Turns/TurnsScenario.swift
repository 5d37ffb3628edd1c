import Foundation
import NIOCore
import SwitchboardTesting

/// `turns`: the main job through the operator protocol. Each connection runs a closed loop of
/// `chat.send` → the run's final `chat` event, against a fake OpenAI-compatible provider
/// streaming 10 chunks at once, at 1, 20 and 200 connections, with a fresh session per turn and
/// with one long session per connection. Every cell is set against baseline (c), the minimal
/// turn built from the same libraries (``BaselineTurnServer``), at the same connection count.
/// While 200 connections stream, a separate connection measures `health` round trips. The
/// gateway runs with its default delta throttle (150 ms, what users run); one more cell at 20
/// connections turns the throttle off, so each of the 10 chunks becomes an `agent` and a
/// `chat` event for every connection (the worst case of the same job).
/// Servers run on CPU 0, the load client and the provider on the others (``ServerPinning``).
struct TurnsScenario {
    let context: BenchContext
    static let chunks = 10
    static let connectionCounts = [1, 20, 200]
    /// The connection count of the unthrottled cell.
    static let unthrottledConnections = 20
    static let baselineName = BaselineKind.turn.label

    func run() async throws {
        print("scenario turns (\(ServerPinning.available ? "servers on CPU 0, load on the rest" : "not pinned"))")
        let seconds = max(2, context.options.secondsPerCell)
        try await ServerPinning.pinned {
            try await FakeModelServer.with { provider in
                provider.setDefault(.text((0..<Self.chunks).map { "w\($0) " }))
                var baselines: [Int: TurnResult] = [:]
                if !context.options.skipBaselines {
                    try await BenchTarget.turn.with(context.options, label: "turns-baseline", providerBaseURL: provider.baseURL) { server, client in
                        for connections in Self.connectionCounts {
                            let drivers = try await Self.drivers(client, connections: connections, handshake: false)
                            baselines[connections] = try await TurnMeasurement.measure(server: server, drivers: drivers, fresh: true, seconds: seconds)
                            for driver in drivers { await driver.close() }
                        }
                    }
                }
                try await BenchTarget.gateway.with(context.options, label: "turns", providerBaseURL: provider.baseURL, deltaThrottleMs: nil) { server, client in
                    for connections in Self.connectionCounts {
                        for fresh in [true, false] {
                            let drivers = try await Self.drivers(client, connections: connections, handshake: true)
                            let label = "chat.send, \(connections) connection\(connections == 1 ? "" : "s"), \(fresh ? "fresh sessions" : "long sessions")"
                            let probe = connections == Self.connectionCounts.last && fresh ? try await HealthProbe.start(client: client) : nil
                            let result = try await TurnMeasurement.measure(server: server, drivers: drivers, fresh: fresh, seconds: seconds)
                            for driver in drivers { await driver.close() }
                            TurnMeasurement.report(context, scenario: "turns", label: label, result, baseline: baselines[connections].map { (Self.baselineName, $0) })
                            if let probe {
                                let health = try await probe.stop()
                                context.report.add("turns", "health while \(connections) connections run turns", "p99", "ms", health.percentileMs(0.99))
                                context.report.goal(
                                    "health p99 while \(connections) turns stream", target: "≤ 5 ms", measured: BenchReport.format(health.percentileMs(0.99)) + " ms",
                                    met: (health.percentileMs(0.99) ?? .infinity) <= 5
                                )
                            }
                            goals(connections: connections, fresh: fresh, result, baseline: baselines[connections])
                        }
                    }
                }
                // The worst case of the same job: every streamed chunk its own event (no throttle).
                try await BenchTarget.gateway.with(context.options, label: "turns-unthrottled", providerBaseURL: provider.baseURL, deltaThrottleMs: 0) { server, client in
                    let connections = Self.unthrottledConnections
                    let drivers = try await Self.drivers(client, connections: connections, handshake: true)
                    let result = try await TurnMeasurement.measure(server: server, drivers: drivers, fresh: true, seconds: seconds)
                    for driver in drivers { await driver.close() }
                    let label = "chat.send, \(connections) connections, every chunk an event (chatDeltaThrottleMs 0)"
                    TurnMeasurement.report(context, scenario: "turns", label: label, result, baseline: baselines[connections].map { (Self.baselineName, $0) })
                }
            }
        }
    }

    static func drivers(_ client: LoadClient, connections: Int, handshake: Bool) async throws -> [any TurnDriver] {
        try await (0..<connections).concurrentMap { index in
            let connection: LoadConnection
            if handshake {
                connection = try await client.connectGateway(BenchCredentials(token: BenchGateway.token))
            } else {
                let (plain, _) = try await client.connect()
                try await plain.eventLoop.submit { plain.setReceiver(nil) }.get()
                connection = plain
            }
            return try await ChatTurner(connection: connection, index: index) as any TurnDriver
        }
    }

    private func goals(connections: Int, fresh: Bool, _ result: TurnResult, baseline: TurnResult?) {
        guard fresh else { return }
        if connections == 20 {
            let cpu = result.cpuMicrosPerTurn ?? .infinity
            context.report.goal("gateway CPU per turn (chat.send, 20 connections)", target: "≤ 1000 µs", measured: BenchReport.format(cpu) + " µs", met: cpu <= 1000)
            if let base = baseline?.cpuMicrosPerTurn {
                context.report.goal(
                    "CPU per turn vs baseline (c)", target: "≤ 2×", measured: String(format: "%.1f×", cpu / base), met: cpu <= 2 * base
                )
            }
            context.report.goal("turns/s at 20 connections (one core)", target: "≥ 800/s", measured: BenchReport.format(result.rate) + "/s", met: result.rate >= 800)
            let p99 = result.p99 ?? .infinity
            context.report.goal("p99 at 20 connections", target: "≤ 50 ms", measured: BenchReport.format(p99) + " ms", met: p99 <= 50)
        }
    }
}

/// `health` round trips on a connection of their own while a cell runs.
final class HealthProbe: Sendable {
    private let loop: RequestLoop
    private let connection: LoadConnection

    private init(loop: RequestLoop, connection: LoadConnection) {
        self.loop = loop
        self.connection = connection
    }

    static func start(client: LoadClient) async throws -> HealthProbe {
        let connection = try await client.connectGateway(BenchCredentials(token: BenchGateway.token))
        // Long enough to outlast the cell; stopped by closing its socket.
        let stopAt = BenchClock.nowNs() + 3_600_000_000_000
        return HealthProbe(loop: RequestLoop(connection: connection, method: "health", inFlight: 1, stopAtNs: stopAt, pauseNs: 5_000_000), connection: connection)
    }

    /// The round trips seen so far; closes the probe's connection.
    func stop() async throws -> Samples {
        let samples = try await loop.eventLoop.submit { self.loop.samples }.get()
        _ = try? await connection.close().get()
        return samples
    }
}
