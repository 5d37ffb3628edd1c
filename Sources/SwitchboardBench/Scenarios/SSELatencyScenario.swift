import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SwitchboardAgent
import SwitchboardClient
import SwitchboardProtocol
import SwitchboardTesting

/// Added latency from a provider's SSE write to the client's `chat` event.
///
/// Baseline: the same fake provider read directly with an HTTP client and the SSE parser.
/// Measured: the same stream through a live gateway (real provider client, run service, event
/// bus, WebSocket) to a `GatewayClient`, with delta throttling off so every chunk is an event.
enum SSELatencyScenario {
    struct Figures {
        var samples: [Double]
        var median: Double { percentile(0.5) }
        var p99: Double { percentile(0.99) }
        func percentile(_ p: Double) -> Double {
            let sorted = samples.sorted()
            guard !sorted.isEmpty else { return .nan }
            return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p))]
        }
    }

    static func chunks(_ count: Int) -> [String] { (0..<count).map { "c\($0);" } }

    static func run(chunkCount: Int, delayMs: Int, rounds: Int) async throws {
        try await FakeModelServer.with { server in
            var baseline: [Double] = []
            var gateway: [Double] = []
            for round in 0..<rounds {
                baseline += try await direct(server: server, chunkCount: chunkCount, delayMs: delayMs)
                gateway += try await throughGateway(server: server, chunkCount: chunkCount, delayMs: delayMs, round: round)
            }
            let base = Figures(samples: baseline)
            let measured = Figures(samples: gateway)
            print("scenario sse-latency: \(rounds) rounds × \(chunkCount) chunks, \(delayMs) ms apart")
            print(String(format: "  direct SSE client (baseline): median %.3f ms  p99 %.3f ms  (n=%d)", base.median, base.p99, baseline.count))
            print(String(format: "  through gateway to chat event: median %.3f ms  p99 %.3f ms  (n=%d)", measured.median, measured.p99, gateway.count))
            print(String(format: "  added by the gateway: median %.3f ms  p99 %.3f ms", measured.median - base.median, measured.p99 - base.p99))
            print(String(format: "  ratio to baseline: median %.2f×  p99 %.2f×", measured.median / base.median, measured.p99 / base.p99))
        }
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    /// Reads the stream straight from the fake provider; returns per-chunk latencies.
    static func direct(server: FakeModelServer, chunkCount: Int, delayMs: Int) async throws -> [Double] {
        server.enqueue(.text(chunks(chunkCount), delayMs: delayMs))
        let before = server.writeTimes.count
        var request = HTTPClientRequest(url: server.baseURL + "/chat/completions")
        request.method = .POST
        request.body = .bytes(ByteBuffer(string: #"{"model":"m","stream":true,"messages":[]}"#))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        var parser = SSEParser()
        var arrivals: [Int: ContinuousClock.Instant] = [:]
        for try await chunk in response.body {
            let now = ContinuousClock.now
            for event in try parser.feed(chunk.readableBytesView) {
                let value = try? GatewayJSON.decoder.decode(JSONValue.self, from: Data(event.data.utf8))
                let content = value?["choices"]?[0]?["delta"]?["content"]?.stringValue ?? ""
                for index in indices(in: content) { arrivals[index] = now }
            }
        }
        return latencies(arrivals, writes: server.writeTimes[before])
    }

    /// Sends a chat message through a live gateway; returns per-chunk latencies.
    static func throughGateway(server: FakeModelServer, chunkCount: Int, delayMs: Int, round: Int) async throws -> [Double] {
        server.enqueue(.text(chunks(chunkCount), delayMs: delayMs))
        let config = """
            { models: { providers: { fake: { baseUrl: "\(server.baseURL)", models: ["m1"] } } },
              agents: { defaults: { model: "fake/m1", chatDeltaThrottleMs: 0 } } }
            """
        return try await TestGateway.with(config: config) { gateway in
            try await gateway.withClient { client in
                let before = server.writeTimes.count
                let runId = "bench-\(round)"
                let events = client.events
                _ = try await client.call(ChatSend.self, .init(sessionKey: "bench", message: "go", idempotencyKey: runId))
                var arrivals: [Int: ContinuousClock.Instant] = [:]
                for await event in events {
                    guard case .event(let frame) = event, frame.event == "chat", let payload = frame.payload, payload["runId"]?.stringValue == runId else { continue }
                    let now = ContinuousClock.now
                    if payload["state"] != "delta" { break }
                    for index in indices(in: payload["deltaText"]?.stringValue ?? "") where arrivals[index] == nil { arrivals[index] = now }
                }
                return latencies(arrivals, writes: server.writeTimes[before])
            }
        }
    }

    static func indices(in text: String) -> [Int] {
        text.split(separator: ";").compactMap { part in part.range(of: "c").flatMap { Int(part[$0.upperBound...]) } }
    }

    /// Write `i + 1` carried chunk `i` (write 0 is the role chunk).
    static func latencies(_ arrivals: [Int: ContinuousClock.Instant], writes: [ContinuousClock.Instant]) -> [Double] {
        arrivals.compactMap { index, arrival in
            guard index + 1 < writes.count else { return nil }
            return milliseconds(arrival - writes[index + 1])
        }
    }
}
