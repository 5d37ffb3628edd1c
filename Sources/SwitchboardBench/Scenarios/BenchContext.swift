import Foundation
import NIOCore

/// Settings shared by every scenario of one invocation.
struct BenchOptions: Sendable {
    /// Event loop threads of the load generator.
    var clientThreads = 1
    /// Event loop threads of the baseline servers (the gateway uses one per core).
    var serverThreads = System.coreCount
    /// Measured seconds per rpc cell (plus a short warm-up).
    var secondsPerCell = 2.0
    /// Soak length in seconds.
    var soakSeconds = 600.0
    /// The largest connection count of the memory and fan-out scenarios.
    var maxConnections = 10_000
    /// Measure the gateway only (for profiling runs).
    var skipBaselines = false

    var targets: [BenchTarget] { skipBaselines ? [.gateway] : BenchTarget.all }
}

/// What a scenario gets: options and the report to add figures to.
struct BenchContext: Sendable {
    let options: BenchOptions
    let report: BenchReport
}

enum System {
    static var coreCount: Int { ProcessInfo.processInfo.activeProcessorCount }
}

extension LoadClient {
    /// Opens `count` connections, `concurrency` at a time; with credentials each completes the
    /// gateway handshake, without them (a baseline) only the upgrade.
    func open(_ count: Int, credentials: BenchCredentials?, concurrency: Int = 64) async throws -> [LoadConnection] {
        guard count > 0 else { return [] }
        return try await withThrowingTaskGroup(of: LoadConnection.self) { group in
            var opened: [LoadConnection] = []
            opened.reserveCapacity(count)
            var started = 0
            func startOne() {
                group.addTask {
                    if let credentials { return try await self.connectGateway(credentials) }
                    let (connection, _) = try await self.connect()
                    try await connection.eventLoop.submit { connection.setReceiver(nil) }.get()
                    return connection
                }
                started += 1
            }
            while started < min(concurrency, count) { startOne() }
            while let connection = try await group.next() {
                opened.append(connection)
                if started < count { startOne() }
            }
            return opened
        }
    }

    /// Closes connections, `concurrency` at a time.
    static func close(_ connections: [LoadConnection]) async {
        for batch in stride(from: 0, to: connections.count, by: 256) {
            let futures = connections[batch..<min(batch + 256, connections.count)].map { $0.close() }
            for future in futures { _ = try? await future.get() }
        }
    }
}

/// Waits `seconds` (a benchmark pause for RSS to settle; tests never do this).
func settle(_ seconds: Double) async {
    try? await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
}
