import Foundation
import NIOCore
import SwitchboardProtocol

/// `fanout`: one broadcast (a `chat.inject`, which every operator receives as a `chat` event)
/// to 1,000 and 10,000 connected clients: time from the trigger to the last client, first to
/// last, and the p99 per-client delay; then a stalled client that stops reading must be
/// dropped as a slow consumer without delaying the others.
struct FanoutScenario {
    let context: BenchContext
    static let bufferLimit = 1024 * 1024

    struct Round {
        var toLast: Double
        var spread: Double
        var delays: Samples
    }

    func run() async throws {
        print("scenario fanout")
        try await BenchTarget.gateway.with(context.options, label: "fanout", extraGateway: ", maxBufferedBytes: \(Self.bufferLimit)") { server, client in
            try await measure(server: server, client: client)
        }
    }

    private func measure(server: ServerProcess, client: LoadClient) async throws {
        let report = context.report
        let trigger = try await Trigger(client: client)
        let counter = ArrivalCounter()
        // Baseline: the same broadcast with only the trigger connected (its own round trip).
        let alone = try await rounds(10, listeners: 0, trigger: trigger, counter: counter)
        let baseline = median(alone.map(\.toLast))
        var listeners: [LoadConnection] = []
        for count in [1000, context.options.maxConnections] where count <= context.options.maxConnections && count > listeners.count {
            listeners += try await client.open(count - listeners.count, credentials: BenchCredentials(token: BenchGateway.token, scopes: [.read]))
            try await listen(listeners, counter: counter)
            let results = try await rounds(count >= 10_000 ? 10 : 20, listeners: count, trigger: trigger, counter: counter)
            var delays = Samples()
            for result in results { delays.add(contentsOf: result.delays) }
            let label = "\(count) clients"
            report.add("fanout", label, "trigger to last client (median)", "ms", median(results.map(\.toLast)), baseline: ("trigger alone", baseline))
            report.add("fanout", label, "first to last client (median)", "ms", median(results.map(\.spread)))
            report.add("fanout", label, "per-client delay p99", "ms", delays.percentileMs(0.99), baseline: ("trigger alone", baseline))
            if count == 1000 {
                let last = median(results.map(\.toLast))
                report.goal("fan-out to 1,000 clients, trigger to last (median)", target: "≤ 20 ms", measured: String(format: "%.1f ms", last), met: last <= 20)
            }
        }
        await LoadClient.close(Array(listeners.dropFirst(100)))
        try await stalled(listeners: Array(listeners.prefix(100)), server: server, client: client, trigger: trigger, counter: counter)
    }

    /// 100 listeners get 32 KiB broadcasts while one more stops reading; the stalled one must
    /// be closed as a slow consumer while the others' delivery time stays as without it.
    private func stalled(listeners: [LoadConnection], server: ServerProcess, client: LoadClient, trigger: Trigger, counter: ArrivalCounter) async throws {
        let padding = String(repeating: "x", count: 32 * 1024)
        // Warm-up: the 9,900 closes just before are still being processed.
        _ = try await rounds(10, listeners: listeners.count, trigger: trigger, counter: counter, padding: padding)
        let before = try await rounds(30, listeners: listeners.count, trigger: trigger, counter: counter, padding: padding)
        let staller = try await client.open(1, credentials: BenchCredentials(token: BenchGateway.token, scopes: [.read]))[0]
        staller.stall()
        let closesBefore = MetricsProbe.value(port: server.port, token: BenchGateway.token, name: "switchboard_slow_consumer_closes_total") ?? 0
        var during: [Round] = []
        var dropped = false
        // Enough rounds to fill the kernel's socket buffers and then the gateway's queue.
        for batch in 0..<40 {
            during += try await rounds(10, listeners: listeners.count, trigger: trigger, counter: counter, padding: padding)
            let closes = MetricsProbe.value(port: server.port, token: BenchGateway.token, name: "switchboard_slow_consumer_closes_total") ?? 0
            if closes > closesBefore {
                dropped = true
                print("    stalled client dropped after \((batch + 1) * 10) broadcasts of 32 KiB")
                break
            }
        }
        let report = context.report
        let baseline = median(before.map(\.toLast))
        report.add("fanout", "100 clients + 1 stalled, 32 KiB events", "trigger to last (median)", "ms", median(during.map(\.toLast)), baseline: ("no stalled client", baseline))
        var duringDelays = Samples()
        var beforeDelays = Samples()
        for round in during { duringDelays.add(contentsOf: round.delays) }
        for round in before { beforeDelays.add(contentsOf: round.delays) }
        report.add("fanout", "100 clients + 1 stalled, 32 KiB events", "per-client delay p99", "ms", duringDelays.percentileMs(0.99), baseline: ("no stalled client", beforeDelays.percentileMs(0.99)))
        let slowdown = median(during.map(\.toLast)) / baseline
        report.goal(
            "stalled client dropped as a slow consumer (gateway.maxBufferedBytes = 1 MiB), the others not delayed",
            target: "dropped; median trigger-to-last within 1.5× of no stalled client",
            measured: dropped ? String(format: "dropped; %.2f× (p99 per client %@ ms vs %@ ms)", slowdown, BenchReport.format(duringDelays.percentileMs(0.99)), BenchReport.format(beforeDelays.percentileMs(0.99))) : "not dropped",
            met: dropped && slowdown <= 1.5
        )
    }

    private func listen(_ listeners: [LoadConnection], counter: ArrivalCounter) async throws {
        for listener in listeners {
            try await listener.eventLoop.submit { listener.setReceiver { frame, now in counter.observe(frame, at: now) } }.get()
        }
    }

    private func rounds(_ count: Int, listeners: Int, trigger: Trigger, counter: ArrivalCounter, padding: String = "") async throws -> [Round] {
        var results: [Round] = []
        for _ in 0..<count {
            let marker = "fanout-\(UUID().uuidString.prefix(8))"
            counter.begin(marker: marker, expected: listeners)
            let (sent, answer) = try await trigger.inject(marker + padding)
            let arrivals = listeners == 0 ? [try await answer.get()] : await counter.wait(timeout: .seconds(60))
            _ = try await answer.get()
            guard arrivals.count == max(1, listeners) else {
                throw LoadClientError.unexpected("fan-out round: \(arrivals.count) of \(listeners) clients got the event within 60 s")
            }
            let first = arrivals.min()!
            let last = arrivals.max()!
            results.append(Round(toLast: Double(last - sent) / 1e6, spread: Double(last - first) / 1e6, delays: Samples(arrivals.map { $0 - sent })))
        }
        return results
    }

    private func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? .nan : sorted[sorted.count / 2]
    }
}

/// The admin connection that sends the `chat.inject` broadcasts.
final class Trigger: @unchecked Sendable {
    // `pending` is touched only on the connection's event loop.
    private let connection: LoadConnection
    private var pending: EventLoopPromise<UInt64>?
    private var counter = 0

    init(client: LoadClient) async throws {
        connection = try await client.connectGateway(BenchCredentials(token: BenchGateway.token))
        try await connection.eventLoop.submit { [connection] in
            connection.setReceiver { [unowned self] frame, now in
                if !FrameScan.isEvent(frame), let pending = self.pending {
                    self.pending = nil
                    pending.succeed(now)
                }
            }
        }.get()
    }

    /// Sends the broadcast; returns the send time and when its answer arrives.
    func inject(_ message: String) async throws -> (UInt64, EventLoopFuture<UInt64>) {
        counter += 1
        let frame = "{\"type\":\"req\",\"id\":\"\(counter)\",\"method\":\"chat.inject\",\"params\":{\"sessionKey\":\"fanout\",\"message\":\"\(message)\"}}"
        return try await connection.eventLoop.submit { [connection] in
            let promise = connection.eventLoop.makePromise(of: UInt64.self)
            self.pending = promise
            let now = BenchClock.nowNs()
            connection.send(ByteBuffer(string: frame))
            return (now, promise.futureResult)
        }.get()
    }
}
