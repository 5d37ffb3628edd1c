import Foundation
import NIOCore

/// `startup`: process start to `GET /ready` = 200 and to the first `hello-ok`, with a cold
/// (new) and a warm (used) state dir; against the bare NIO echo's start to its first accept.
struct StartupScenario {
    let context: BenchContext
    static let rounds = 5

    func run() async throws {
        print("scenario startup")
        var baseline: [Double] = []
        if !context.options.skipBaselines {
            for _ in 0..<Self.rounds {
                let echo = try ServerProcess.spawnBaseline(.echo, threads: context.options.serverThreads)
                baseline.append(try await echo.waitUntilReady(path: nil))
                await echo.stop()
            }
        }
        let warmDir = BenchGateway.temporaryStateDir("startup-warm")
        _ = try await measure(stateDir: warmDir)
        var cold: [(Double, Double)] = []
        var warm: [(Double, Double)] = []
        for _ in 0..<Self.rounds {
            cold.append(try await measure(stateDir: BenchGateway.temporaryStateDir("startup-cold")))
            warm.append(try await measure(stateDir: warmDir))
        }
        let base = baseline.isEmpty ? nil : median(baseline)
        let report = context.report
        report.add("startup", "cold state dir", "to /ready", "ms", median(cold.map(\.0)), baseline: base.map { ("a: to first accept", $0) })
        report.add("startup", "cold state dir", "to hello-ok", "ms", median(cold.map(\.1)), baseline: base.map { ("a: to first accept", $0) })
        report.add("startup", "warm state dir", "to /ready", "ms", median(warm.map(\.0)), baseline: base.map { ("a: to first accept", $0) })
        report.add("startup", "warm state dir", "to hello-ok", "ms", median(warm.map(\.1)), baseline: base.map { ("a: to first accept", $0) })
        let warmReady = median(warm.map(\.0))
        report.goal("start-up to /ready, warm state dir (median of \(Self.rounds))", target: "≤ 100 ms", measured: String(format: "%.0f ms", warmReady), met: warmReady <= 100)
    }

    /// (ms to /ready, ms to hello-ok) from spawn.
    private func measure(stateDir: String) async throws -> (Double, Double) {
        let server = try ServerProcess.spawnGateway(config: BenchGateway.config(), stateDir: stateDir)
        do {
            let ready = try await server.waitUntilReady(timeout: .seconds(30))
            let client = LoadClient(port: server.port, threads: 1)
            let connection = try await client.connectGateway(BenchCredentials(token: BenchGateway.token))
            let hello = Double(BenchClock.nowNs() - server.spawnedAtNs) / 1e6
            _ = try? await connection.close().get()
            await client.shutdown()
            await server.stop()
            print(String(format: "    %@: /ready %.1f ms, hello-ok %.1f ms", stateDir.contains("warm") ? "warm" : "cold", ready, hello))
            return (ready, hello)
        } catch {
            await server.stop()
            throw error
        }
    }

    private func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted[sorted.count / 2]
    }
}
