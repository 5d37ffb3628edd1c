import Foundation
import NIOCore
import Synchronization
import SwitchboardProtocol
import SwitchboardTesting

/// `turns`: the main job. Each connection runs a closed loop of `chat.send` → the run's final
/// `chat` event, against a fake OpenAI-compatible provider streaming 10 chunks at once. Reports
/// turns per second, p50/p99 latency (send to final event) and the gateway's CPU per turn, at 1
/// and 20 connections, with a fresh session per turn and with one long session per connection.
/// Baseline: `health` round trips per second on the same gateway, the per-request floor of the
/// WebSocket path (the minimal turn built from the libraries, the issue's baseline (c), is not
/// built yet).
struct TurnsScenario {
    let context: BenchContext
    static let chunks = 10
    static let connectionCounts = [1, 20]

    func run() async throws {
        print("scenario turns")
        let seconds = max(2, context.options.secondsPerCell)
        try await FakeModelServer.with { provider in
            provider.setDefault(.text((0..<Self.chunks).map { "w\($0) " }))
            try await BenchTarget.gateway.with(context.options, label: "turns", providerBaseURL: provider.baseURL) { server, client in
                let floor = try await healthRate(client: client, seconds: seconds)
                for connections in Self.connectionCounts {
                    for fresh in [true, false] {
                        let result = try await measure(server: server, client: client, connections: connections, fresh: fresh, seconds: seconds)
                        let label = "chat.send, \(connections) connection\(connections == 1 ? "" : "s"), \(fresh ? "fresh sessions" : "long sessions")"
                        context.report.add("turns", label, "turns/s", "/s", result.rate, baseline: ("health round trips", floor))
                        context.report.add("turns", label, "p50", "ms", result.latency.percentileMs(0.5))
                        context.report.add("turns", label, "p99", "ms", result.latency.percentileMs(0.99))
                        context.report.add("turns", label, "gateway CPU per turn", "µs", result.cpuMicrosPerTurn)
                    }
                }
            }
        }
    }

    struct Result {
        var rate: Double
        var latency: Samples
        var cpuMicrosPerTurn: Double?
    }

    /// `health` answers per second on one connection, one in flight: the request floor.
    private func healthRate(client: LoadClient, seconds: Double) async throws -> Double {
        let connection = try await client.connectGateway(BenchCredentials(token: BenchGateway.token))
        let started = BenchClock.nowNs()
        let loop = RequestLoop(connection: connection, method: "health", inFlight: 1, stopAtNs: started + UInt64(seconds * 1e9))
        try await loop.finished.get()
        let samples = try await loop.eventLoop.submit { loop.samples }.get()
        return Double(samples.count) / BenchClock.seconds(since: started)
    }

    private func measure(server: ServerProcess, client: LoadClient, connections: Int, fresh: Bool, seconds: Double) async throws -> Result {
        let turners = try await (0..<connections).asyncMap { index in
            try await Turner(connection: try await client.connectGateway(BenchCredentials(token: BenchGateway.token)), index: index)
        }
        let before = server.sample()
        let started = BenchClock.nowNs()
        let stopAt = started + UInt64(seconds * 1e9)
        let latencies = try await withThrowingTaskGroup(of: Samples.self) { group in
            for turner in turners {
                group.addTask { try await turner.loop(until: stopAt, fresh: fresh) }
            }
            var all = Samples()
            for try await samples in group { all.add(contentsOf: samples) }
            return all
        }
        let elapsed = BenchClock.seconds(since: started)
        let after = server.sample()
        for turner in turners { try? await turner.connection.channel.close() }
        let cpu = before.flatMap { before in after.map { Double($0.cpuMicros - before.cpuMicros) } }
        return Result(
            rate: Double(latencies.count) / elapsed, latency: latencies,
            cpuMicrosPerTurn: latencies.count == 0 ? nil : cpu.map { $0 / Double(latencies.count) }
        )
    }
}

/// One connection's closed loop: send, wait for the run's final `chat` event, repeat.
///
/// `@unchecked Sendable`: `waiting` is touched only on the connection's event loop.
final class Turner: @unchecked Sendable {
    let connection: LoadConnection
    let index: Int
    private var caller: RPCCaller!
    private var waiting: [String: EventLoopPromise<Void>] = [:]
    private static let finalMarker = Array("\"state\":\"final\"".utf8)
    private static let runIdKey = Array("\"runId\":\"".utf8)

    init(connection: LoadConnection, index: Int) async throws {
        self.connection = connection
        self.index = index
        caller = try await RPCCaller(connection: connection) { [unowned self] frame, _ in self.observe(frame) }
    }

    /// Called on the event loop for every event frame (every connection sees every run's
    /// events, so this stays a byte scan: the load client must not be what is measured).
    private func observe(_ frame: ByteBuffer) {
        let view = frame.readableBytesView
        guard view.firstRange(of: Self.finalMarker) != nil, let key = view.firstRange(of: Self.runIdKey) else { return }
        guard let end = view[key.upperBound...].firstIndex(of: UInt8(ascii: "\"")) else { return }
        let runId = String(decoding: view[key.upperBound..<end], as: UTF8.self)
        waiting.removeValue(forKey: runId)?.succeed(())
    }

    func loop(until stopAt: UInt64, fresh: Bool) async throws -> Samples {
        var samples = Samples()
        var turn = 0
        let run = UUID().uuidString.prefix(8)
        while BenchClock.nowNs() < stopAt {
            turn += 1
            let runId = "turn-\(run)-\(index)-\(turn)"
            let session = fresh ? "bench-\(run)-\(index)-\(turn)" : "bench-\(run)-\(index)"
            let done = try await connection.eventLoop.submit { () -> EventLoopFuture<Void> in
                let promise = self.connection.eventLoop.makePromise(of: Void.self)
                self.waiting[runId] = promise
                return promise.futureResult
            }.get()
            let sent = BenchClock.nowNs()
            let answer = try await caller.call("chat.send", params: "{\"sessionKey\":\"\(session)\",\"message\":\"hello\",\"idempotencyKey\":\"\(runId)\"}").get()
            if answer.readableBytesView.firstRange(of: Array("\"ok\":false".utf8)) != nil {
                throw LoadClientError.unexpected("chat.send refused: \(String(buffer: answer).prefix(300))")
            }
            try await done.get()
            samples.add(BenchClock.nowNs() - sent)
        }
        return samples
    }
}

extension Range where Bound == Int {
    /// Maps in order, awaiting each element.
    func asyncMap<T>(_ transform: (Int) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for value in self { result.append(try await transform(value)) }
        return result
    }
}
