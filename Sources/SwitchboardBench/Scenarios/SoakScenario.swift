import Foundation
import NIOCore
import SwitchboardProtocol
import SwitchboardTesting

/// `soak`: mixed traffic for `--duration` seconds while the gateway's RSS is sampled every
/// second; the growth slope after warm-up (the first quarter) must be flat.
///
/// Each second: 20 clients connect, call `health` and leave; 100 standing clients make 300
/// `health`, 40 `chat.history` and 10 `sessions.list` calls; 2 chat runs stream from the fake
/// provider to everyone; 2 `chat.inject` broadcasts.
///
/// The gateway keeps bounded memories that a few minutes of traffic only start to fill (the
/// last 1,000 run outcomes for `agent.wait`, SQLite's page caches as transcripts grow), and a
/// cache filling up is growth but not a leak. So the soak first starts 1,000 runs in a burst,
/// and the slope is taken after that and the first quarter.
struct SoakScenario {
    let context: BenchContext
    static let standing = 100

    func run() async throws {
        let seconds = Int(context.options.soakSeconds)
        print("scenario soak (\(seconds) s)")
        try await FakeModelServer.with { provider in
            provider.setDefault(.text(["soak ", "reply ", "text"], delayMs: 5))
            try await BenchTarget.gateway.with(context.options, label: "soak", providerBaseURL: provider.baseURL) { server, client in
                try await soak(seconds: seconds, server: server, client: client)
            }
        }
    }

    private func soak(seconds: Int, server: ServerProcess, client: LoadClient) async throws {
        let callers = try await client.open(Self.standing, credentials: BenchCredentials(token: BenchGateway.token)).asyncMap { try await RPCCaller(connection: $0) }
        try await fillBoundedCaches(callers)
        var points: [(x: Double, y: Double)] = []
        var anonPoints: [(x: Double, y: Double)] = []
        var failures = 0
        var calls = 0
        let start = BenchClock.nowNs()
        for second in 0..<seconds {
            let tickStart = BenchClock.nowNs()
            let (made, failed) = try await traffic(second: second, callers: callers, client: client)
            calls += made
            failures += failed
            if let sample = server.sample() {
                points.append((x: BenchClock.seconds(since: start), y: Double(sample.rssBytes) / 1024))
                anonPoints.append((x: BenchClock.seconds(since: start), y: Double(sample.anonBytes) / 1024))
                if second % 30 == 0 {
                    print(
                        String(
                            format: "    %4d s: RSS %.1f MiB (anon %.1f), %d calls, %d failed", second, Double(sample.rssBytes) / 1_048_576,
                            Double(sample.anonBytes) / 1_048_576, calls, failures
                        )
                    )
                    fflush(nil)
                }
            }
            let elapsed = BenchClock.nowNs() - tickStart
            if elapsed < 1_000_000_000 { await settle(Double(1_000_000_000 - elapsed) / 1e9) }
        }
        await LoadClient.close(callers.map(\.connection))
        let warm = Array(points.dropFirst(points.count / 4))
        let slope = linearSlope(warm).map { $0 * 60 } ?? .nan  // KiB per minute
        let anonSlope = linearSlope(Array(anonPoints.dropFirst(anonPoints.count / 4))).map { $0 * 60 } ?? .nan
        let first = warm.first?.y ?? .nan
        let last = warm.last?.y ?? .nan
        let report = context.report
        report.add("soak", "\(seconds) s mixed traffic", "RSS after warm-up", "MiB", first / 1024)
        report.add("soak", "\(seconds) s mixed traffic", "RSS at end", "MiB", last / 1024, baseline: ("after warm-up", first / 1024))
        report.add("soak", "\(seconds) s mixed traffic", "RSS slope after warm-up", "KiB/min", slope)
        report.add("soak", "\(seconds) s mixed traffic", "anonymous RSS slope after warm-up", "KiB/min", anonSlope)
        report.add("soak", "\(seconds) s mixed traffic", "calls (failed)", "", Double(calls))
        if failures > 0 { report.note("soak: \(failures) of \(calls) calls failed") }
        // Flat: at this slope a day adds less than 10 MiB.
        report.goal("soak RSS slope after warm-up", target: "flat (< 7 KiB/min, i.e. < 10 MiB a day)", measured: String(format: "%.1f KiB/min", slope), met: slope < 7)
    }

    /// Starts ``warmUpRuns`` runs, 100 at a time over 100 sessions of their own (a session
    /// queues only a few runs), until the gateway has accepted that many.
    private func fillBoundedCaches(_ callers: [RPCCaller]) async throws {
        var started = 0
        var batch = 0
        while started < Self.warmUpRuns && batch < Self.warmUpRuns / 10 {
            let futures = (0..<100).map { index in
                callers[index].call(
                    "chat.send", params: "{\"sessionKey\":\"warm-\(index)\",\"message\":\"warm \(batch)\",\"idempotencyKey\":\"warm-\(batch)-\(index)\"}"
                )
            }
            for future in futures where FrameScan.isSuccess(try await future.get()) { started += 1 }
            batch += 1
        }
        print("    started \(started) runs first to fill the run-outcome memory")
    }

    /// Runs started before the measurement: as many as the gateway remembers outcomes of.
    static let warmUpRuns = 1000

    /// One second's worth of traffic; returns (calls made, calls failed).
    private func traffic(second: Int, callers: [RPCCaller], client: LoadClient) async throws -> (Int, Int) {
        var futures: [EventLoopFuture<ByteBuffer>] = []
        for index in 0..<300 { futures.append(callers[index % callers.count].call("health")) }
        for index in 0..<40 { futures.append(callers[(index * 7) % callers.count].call("chat.history", params: "{\"sessionKey\":\"soak-\(index % 10)\",\"limit\":20}")) }
        for index in 0..<10 { futures.append(callers[(index * 13) % callers.count].call("sessions.list", params: "{\"limit\":20}")) }
        for run in 0..<2 {
            let key = "soak-\((second * 2 + run) % 10)"
            futures.append(callers[run].call("chat.send", params: "{\"sessionKey\":\"\(key)\",\"message\":\"tick \(second)\",\"idempotencyKey\":\"soak-\(second)-\(run)\"}"))
            futures.append(callers[run + 2].call("chat.inject", params: "{\"sessionKey\":\"soak-inject\",\"message\":\"note \(second)-\(run)\"}"))
        }
        var failed = 0
        let churn = try await client.open(20, credentials: BenchCredentials(token: BenchGateway.token, scopes: [.read]), concurrency: 20)
        for connection in churn {
            let caller = try await RPCCaller(connection: connection)
            futures.append(caller.call("health"))
        }
        for future in futures {
            guard let frame = try? await future.get(), FrameScan.isSuccess(frame) else {
                failed += 1
                continue
            }
        }
        await LoadClient.close(churn)
        return (futures.count + churn.count, failed)
    }
}

extension Array {
    fileprivate func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        result.reserveCapacity(count)
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
