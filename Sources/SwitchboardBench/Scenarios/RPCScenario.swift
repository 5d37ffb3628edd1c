import Foundation
import NIOCore

/// `rpc`: `health` round trips at 1, 10, 100 and 1,000 connections, 1 and 8 in flight each,
/// against the gateway and both baselines (which echo the same request frame).
///
/// `health` is answered on the event loop from its cached encoding; one more cell calls
/// `status`, which runs its handler in a task and encodes per call, so the report also shows
/// what an ordinary method costs.
struct RPCScenario {
    static let connectionCounts = [1, 10, 100, 1000]
    static let inFlightCounts = [1, 8]

    struct Cell: Sendable {
        var requestsPerSecond: Double
        var p50: Double?
        var p99: Double?
        var p999: Double?
        var serverMicrosPerRequest: Double?
        var clientCPUPercent: Double?
        var errors: Int
    }

    static let statusKey = "100x8 status"

    let context: BenchContext

    func run() async throws {
        print("scenario rpc")
        var results: [String: [String: Cell]] = [:]
        for target in context.options.targets {
            results[target.key] = try await measure(target)
        }
        let report = context.report
        for connections in Self.connectionCounts {
            for inFlight in Self.inFlightCounts {
                let key = "\(connections)x\(inFlight)"
                guard let gateway = results["gateway"]?[key], let echo = results["echo"]?[key], let codable = results["codable"]?[key] else { continue }
                let label = "\(connections) conn × \(inFlight) in flight"
                report.add("rpc", label, "requests/s", "req/s", gateway.requestsPerSecond, baseline: ("b", codable.requestsPerSecond))
                report.add("rpc", label, "requests/s", "req/s", gateway.requestsPerSecond, baseline: ("a", echo.requestsPerSecond))
                report.add("rpc", label, "p50", "ms", gateway.p50, baseline: ("b", codable.p50))
                report.add("rpc", label, "p99", "ms", gateway.p99, baseline: ("b", codable.p99))
                report.add("rpc", label, "p99.9", "ms", gateway.p999, baseline: ("b", codable.p999))
                report.add("rpc", label, "server CPU", "µs/req", gateway.serverMicrosPerRequest, baseline: ("b", codable.serverMicrosPerRequest))
                if gateway.errors > 0 { report.note("rpc \(label): \(gateway.errors) error responses from the gateway") }
            }
        }
        if let status = results["gateway"]?[Self.statusKey], let codable = results["codable"]?["100x8"] {
            let label = "100 conn × 8 in flight, status (task path)"
            report.add("rpc", label, "requests/s", "req/s", status.requestsPerSecond, baseline: ("b", codable.requestsPerSecond))
            report.add("rpc", label, "p99", "ms", status.p99, baseline: ("b", codable.p99))
            report.add("rpc", label, "server CPU", "µs/req", status.serverMicrosPerRequest, baseline: ("b", codable.serverMicrosPerRequest))
            if status.errors > 0 { report.note("rpc \(label): \(status.errors) error responses from the gateway") }
        }
        if let gateway = results["gateway"]?["100x8"], let echo = results["echo"]?["100x8"], let codable = results["codable"]?["100x8"] {
            let toB = gateway.requestsPerSecond / codable.requestsPerSecond
            let toA = gateway.requestsPerSecond / echo.requestsPerSecond
            report.goal(
                "rpc at 100 connections (8 in flight) vs baseline (b)", target: "≥ 0.85×", measured: String(format: "%.2f×", toB), met: toB >= 0.85
            )
            report.goal("rpc at 100 connections (8 in flight) vs baseline (a)", target: "≥ 0.6×", measured: String(format: "%.2f×", toA), met: toA >= 0.6)
        }
    }

    /// Every cell against one server, reusing one pool of connections.
    private func measure(_ target: BenchTarget) async throws -> [String: Cell] {
        try await target.with(context.options, label: "rpc") { server, client in
            var cells: [String: Cell] = [:]
            let pool = try await client.open(Self.connectionCounts.max()!, credentials: target.credentials)
            for connections in Self.connectionCounts {
                for inFlight in Self.inFlightCounts {
                    let active = Array(pool.prefix(connections))
                    _ = try await loop(active, inFlight: inFlight, seconds: 0.3, server: server)
                    let cell = try await loop(active, inFlight: inFlight, seconds: context.options.secondsPerCell, server: server)
                    cells["\(connections)x\(inFlight)"] = cell
                    Self.printCell(cell, target.key, "\(connections)×\(inFlight)")
                }
            }
            if target.key == "gateway" {
                let active = Array(pool.prefix(100))
                _ = try await loop(active, inFlight: 8, seconds: 0.3, server: server, method: "status")
                let cell = try await loop(active, inFlight: 8, seconds: context.options.secondsPerCell, server: server, method: "status")
                cells[Self.statusKey] = cell
                Self.printCell(cell, target.key, "100×8 status")
            }
            await LoadClient.close(pool)
            return cells
        }
    }

    private static func printCell(_ cell: Cell, _ target: String, _ label: String) {
        Swift.print(
            String(
                format: "    %@ %@: %8.0f req/s  p50 %.3f  p99 %.3f  p99.9 %.3f ms  server %.1f µs/req  client CPU %.0f%%",
                target, label, cell.requestsPerSecond, cell.p50 ?? .nan, cell.p99 ?? .nan, cell.p999 ?? .nan,
                cell.serverMicrosPerRequest ?? .nan, cell.clientCPUPercent ?? .nan
            )
        )
    }

    private func loop(
        _ connections: [LoadConnection], inFlight: Int, seconds: Double, server: ServerProcess, method: String = "health"
    ) async throws -> Cell {
        let serverBefore = server.sample()
        let clientBefore = ProcessSample.current()
        let start = BenchClock.nowNs()
        let stop = start + UInt64(seconds * 1e9)
        let loops = connections.map { RequestLoop(connection: $0, method: method, inFlight: inFlight, stopAtNs: stop) }
        for loop in loops { try await loop.finished.get() }
        let elapsed = BenchClock.seconds(since: start)
        var samples = Samples()
        var errors = 0
        for loop in loops {
            // Read on the loop's event loop, where it wrote them.
            let (loopSamples, loopErrors) = try await results(of: loop)
            samples.add(contentsOf: loopSamples)
            errors += loopErrors
        }
        let ranks = samples.percentilesMs([0.5, 0.99, 0.999])
        var cell = Cell(requestsPerSecond: Double(samples.count) / elapsed, p50: ranks[0], p99: ranks[1], p999: ranks[2], errors: errors)
        if let before = serverBefore, let after = server.sample(), samples.count > 0 {
            cell.serverMicrosPerRequest = Double(after.cpuMicros - before.cpuMicros) / Double(samples.count)
        }
        if let before = clientBefore, let after = ProcessSample.current() {
            cell.clientCPUPercent = Double(after.cpuMicros - before.cpuMicros) / (elapsed * 1e6) * 100
        }
        return cell
    }

    private func results(of loop: RequestLoop) async throws -> (Samples, Int) {
        try await loop.eventLoop.submit { (loop.samples, loop.errors) }.get()
    }
}
