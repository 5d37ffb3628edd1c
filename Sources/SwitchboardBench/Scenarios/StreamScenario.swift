import Foundation
import NIOCore
import SwitchboardProtocol
import SwitchboardTesting

/// `stream`: 50 chat runs streaming at once from a fake provider to watching clients: the
/// latency the gateway adds from the provider's SSE write to each watcher's `chat` event, and
/// `health` p99 on another connection while they stream (the "no stalls" figure), against the
/// same probe on the idle gateway.
struct StreamScenario {
    let context: BenchContext
    static let runs = 50
    static let chunks = 100
    static let chunkDelayMs = 10
    static let watchers = 10

    func run() async throws {
        print("scenario stream")
        try await FakeModelServer.with { provider in
            try await BenchTarget.gateway.with(context.options, label: "stream", providerBaseURL: provider.baseURL) { _, client in
                try await measure(provider: provider, client: client)
            }
        }
    }

    private func measure(provider: FakeModelServer, client: LoadClient) async throws {
        let watchers = try await client.open(Self.watchers, credentials: BenchCredentials(token: BenchGateway.token, scopes: [.read]))
        let logs = watchers.map { _ in FrameLog(marker: "\"event\":\"chat\"") }
        for (watcher, log) in zip(watchers, logs) {
            try await watcher.eventLoop.submit { watcher.setReceiver { frame, now in log.observe(frame, at: now) } }.get()
        }
        let sender = try await RPCCaller(connection: try await client.connectGateway(BenchCredentials(token: BenchGateway.token)))
        let probe = try await client.connectGateway(BenchCredentials(token: BenchGateway.token))
        let streamSeconds = Double(Self.chunks * Self.chunkDelayMs) / 1000

        let idleLoop = RequestLoop(connection: probe, method: "health", inFlight: 1, stopAtNs: BenchClock.nowNs() + UInt64(streamSeconds * 1e9))
        try await idleLoop.finished.get()
        let idle = try await idleLoop.eventLoop.submit { idleLoop.samples }.get()

        let before = provider.writeTimes.count
        for run in 0..<Self.runs {
            provider.enqueue(.text((0..<Self.chunks).map { "r\(run)c\($0);" }, delayMs: Self.chunkDelayMs))
        }
        let clockReference = (ContinuousClock.now, BenchClock.nowNs())
        var answers: [EventLoopFuture<ByteBuffer>] = []
        for run in 0..<Self.runs {
            answers.append(sender.call("chat.send", params: "{\"sessionKey\":\"bench-\(run)\",\"message\":\"go\",\"idempotencyKey\":\"stream-\(run)-\(UUID().uuidString)\"}"))
        }
        for answer in answers { _ = try await answer.get() }
        let busyLoop = RequestLoop(connection: probe, method: "health", inFlight: 1, stopAtNs: BenchClock.nowNs() + UInt64(streamSeconds * 0.9 * 1e9))
        try await busyLoop.finished.get()
        let busy = try await busyLoop.eventLoop.submit { busyLoop.samples }.get()
        try await waitForAllChunks(logs: logs)

        let latencies = added(logs: logs, writes: Array(provider.writeTimes.dropFirst(before)), reference: clockReference)
        // Baseline: the same provider stream read directly by an HTTP client and the SSE parser.
        let direct = Samples(try await SSELatencyScenario.direct(server: provider, chunkCount: Self.chunks, delayMs: Self.chunkDelayMs).map { UInt64($0 * 1e6) })
        let report = context.report
        let label = "\(Self.runs) runs × \(Self.chunks) chunks to \(Self.watchers) watchers"
        report.add("stream", label, "SSE write to chat event p50", "ms", latencies.percentileMs(0.5), baseline: ("direct SSE read", direct.percentileMs(0.5)))
        report.add("stream", label, "SSE write to chat event p99", "ms", latencies.percentileMs(0.99), baseline: ("direct SSE read", direct.percentileMs(0.99)))
        report.add("stream", "health while \(Self.runs) runs stream", "p50", "ms", busy.percentileMs(0.5), baseline: ("idle gateway", idle.percentileMs(0.5)))
        report.add("stream", "health while \(Self.runs) runs stream", "p99", "ms", busy.percentileMs(0.99), baseline: ("idle gateway", idle.percentileMs(0.99)))
        let p99 = busy.percentileMs(0.99) ?? .infinity
        report.goal("health p99 while \(Self.runs) runs stream", target: "≤ 5 ms", measured: String(format: "%.2f ms", p99), met: p99 <= 5)
        print("    \(latencies.count) chunk deliveries measured; \(busy.count) health calls during the streams")
        await LoadClient.close(watchers + [sender.connection, probe])
    }

    /// Waits until every watcher has the last chunk of every run (or 60 s).
    private func waitForAllChunks(logs: [FrameLog]) async throws {
        let deadline = BenchClock.nowNs() + 60_000_000_000
        let finals = Array("\"state\":\"final\"".utf8)
        while BenchClock.nowNs() < deadline {
            let finished = logs.map { $0.frames.filter { FrameScan.contains(finals, in: $0.0) }.count }
            if finished.allSatisfy({ $0 >= Self.runs }) { return }
            await settle(0.1)
        }
        throw LoadClientError.unexpected("stream: not every watcher saw every run finish within 60 s")
    }

    /// For each watcher, the first arrival of each chunk token minus that chunk's SSE write.
    private func added(logs: [FrameLog], writes: [[ContinuousClock.Instant]], reference: (ContinuousClock.Instant, UInt64)) -> Samples {
        // Request j got reply j (FIFO), and its write i + 1 carried chunk i; token r<j>c<i> names them.
        func nanoseconds(_ instant: ContinuousClock.Instant) -> Int64 {
            let offset = instant - reference.0
            return Int64(reference.1) + offset.components.seconds * 1_000_000_000 + offset.components.attoseconds / 1_000_000_000
        }
        var samples = Samples()
        let regex = /r(\d+)c(\d+);/
        for log in logs {
            var seen: Set<Int> = []
            for (frame, arrival) in log.frames {
                for match in String(buffer: frame).matches(of: regex) {
                    guard let run = Int(match.1), let chunk = Int(match.2), run < writes.count, chunk + 1 < writes[run].count else { continue }
                    guard seen.insert(run * 1_000_000 + chunk).inserted else { continue }
                    samples.add(UInt64(max(0, Int64(arrival) - nanoseconds(writes[run][chunk + 1]))))
                }
            }
        }
        return samples
    }
}
