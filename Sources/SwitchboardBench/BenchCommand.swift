import ArgumentParser

/// `switchboard-bench`: benchmark scenarios that print figures as ratios to a baseline run in
/// the same invocation (these machines are noisy; absolute numbers are not comparable).
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchboard-bench", abstract: "Switchboard benchmarks.", subcommands: [SSELatency.self]
    )

    struct SSELatency: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sse-latency", abstract: "Added latency from a provider's SSE write to the client's chat event (median, p99)."
        )

        @Option(help: "SSE chunks per run") var chunks = 200
        @Option(help: "Milliseconds between chunks") var delayMs = 2
        @Option(help: "Rounds (each: one direct read, one gateway run)") var rounds = 5

        func run() async throws {
            try await SSELatencyScenario.run(chunkCount: chunks, delayMs: delayMs, rounds: rounds)
        }
    }
}
