import Foundation
import NIOCore

/// `memory`: the gateway's RSS idle and with 1,000 and 10,000 idle authenticated clients
/// (bytes per connection), against the bare NIO echo holding as many idle WebSockets, and
/// RSS after they all left.
struct MemoryScenario {
    let context: BenchContext

    struct Figures {
        var idle = 0
        var loaded: [Int: Int] = [:]
        var afterClose = 0
    }

    func run() async throws {
        print("scenario memory")
        let counts = [1000, context.options.maxConnections].filter { $0 <= context.options.maxConnections }
        var figures: [String: Figures] = [:]
        for target in context.options.skipBaselines ? [BenchTarget.gateway] : [.gateway, .echo] {
            figures[target.key] = try await measure(target, counts: counts)
        }
        guard let gateway = figures["gateway"] else { return }
        let echo = figures["echo"]
        let report = context.report
        let mib = 1024.0 * 1024.0
        report.add("memory", "idle", "RSS", "MiB", Double(gateway.idle) / mib, baseline: echo.map { ("a", Double($0.idle) / mib) })
        for count in counts {
            let perConnection = { (figures: Figures) in Double((figures.loaded[count] ?? 0) - figures.idle) / Double(count) / 1024 }
            report.add("memory", "\(count) idle clients", "RSS", "MiB", Double(gateway.loaded[count] ?? 0) / mib, baseline: echo.map { ("a", Double($0.loaded[count] ?? 0) / mib) })
            report.add("memory", "\(count) idle clients", "per connection", "KiB", perConnection(gateway), baseline: echo.map { ("a", perConnection($0)) })
        }
        report.add("memory", "after all closed", "RSS", "MiB", Double(gateway.afterClose) / mib, baseline: ("idle", Double(gateway.idle) / mib))
        report.goal("idle RSS", target: "≤ 25 MiB", measured: String(format: "%.1f MiB", Double(gateway.idle) / mib), met: Double(gateway.idle) <= 25 * mib)
        if let largest = counts.last, let loaded = gateway.loaded[largest] {
            let perConnection = Double(loaded - gateway.idle) / Double(largest) / 1024
            report.goal(
                "RSS per idle authenticated connection (\(largest))", target: "≤ 12 KiB", measured: String(format: "%.1f KiB", perConnection),
                met: perConnection <= 12
            )
        }
    }

    private func measure(_ target: BenchTarget, counts: [Int]) async throws -> Figures {
        // A 1 s trim, so "after all closed" shows memory handed back within the 3 s it waits.
        try await target.with(context.options, label: "memory", extraGateway: ", memoryTrimIntervalMs: 1000") { server, client in
            var figures = Figures()
            await settle(1)
            figures.idle = server.sample()?.rssBytes ?? 0
            var connections: [LoadConnection] = []
            for count in counts {
                connections += try await client.open(count - connections.count, credentials: target.credentials)
                await settle(2)
                figures.loaded[count] = server.sample()?.rssBytes ?? 0
                print("    \(target.key): \(count) connections, RSS \(figures.loaded[count]! / 1024) KiB (idle \(figures.idle / 1024) KiB)")
            }
            await LoadClient.close(connections)
            await settle(3)
            figures.afterClose = server.sample()?.rssBytes ?? 0
            print("    \(target.key): after closing, RSS \(figures.afterClose / 1024) KiB")
            return figures
        }
    }
}
