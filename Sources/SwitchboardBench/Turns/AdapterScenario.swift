import Foundation
import SwitchboardTesting

/// `adapter`: the main job through `/adapter` — Clara-style nodes send `message` and wait for
/// `response_end`, at 1, 20 and 200 connections, fresh and long sessions; each cell against
/// `chat.send` on the same gateway at the same connection count (the issue's goal: within
/// 1.2×) and baseline (c).
struct AdapterScenario {
    let context: BenchContext

    func run() async throws {
        print("scenario adapter (\(ServerPinning.available ? "servers on CPU 0, load on the rest" : "not pinned"))")
        let seconds = max(2, context.options.secondsPerCell)
        let channels = #", channels: { adapter: { secret: "\#(AdapterTurner.secret)", dmPolicy: "open" } }"#
        try await ServerPinning.pinned {
            try await FakeModelServer.with { provider in
                provider.setDefault(.text((0..<TurnsScenario.chunks).map { "w\($0) " }))
                try await BenchTarget.gateway.with(context.options, label: "adapter", providerBaseURL: provider.baseURL, deltaThrottleMs: nil, extraTop: channels) { server, client in
                    for connections in TurnsScenario.connectionCounts {
                        let chat = try await TurnsScenario.drivers(client, connections: connections, handshake: true)
                        let reference = try await TurnMeasurement.measure(server: server, drivers: chat, fresh: true, seconds: seconds)
                        for driver in chat { await driver.close() }
                        for fresh in [true, false] {
                            let drivers: [any TurnDriver] = try await (0..<connections).concurrentMap { index in
                                try await AdapterTurner(client: client, index: index) as any TurnDriver
                            }
                            let result = try await TurnMeasurement.measure(server: server, drivers: drivers, fresh: fresh, seconds: seconds)
                            for driver in drivers { await driver.close() }
                            let label = "adapter message, \(connections) connection\(connections == 1 ? "" : "s"), \(fresh ? "fresh sessions" : "long sessions")"
                            TurnMeasurement.report(context, scenario: "adapter", label: label, result, baseline: ("chat.send, same gateway, fresh", reference))
                            if connections == 20, fresh, let cpu = result.cpuMicrosPerTurn, let base = reference.cpuMicrosPerTurn {
                                context.report.goal(
                                    "adapter CPU per turn vs chat.send (20 connections)", target: "≤ 1.2×", measured: String(format: "%.2f×", cpu / base),
                                    met: cpu <= 1.2 * base
                                )
                            }
                        }
                    }
                }
            }
        }
    }
}
