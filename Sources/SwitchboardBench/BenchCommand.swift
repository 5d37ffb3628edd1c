import ArgumentParser
import Foundation

/// `switchboard-bench`: starts the gateway and the baselines itself, runs scenarios, and prints
/// every figure with its ratio to a baseline measured in the same invocation (these machines
/// are noisy; absolute numbers from different runs are not comparable).
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchboard-bench", abstract: "Switchboard benchmarks.",
        subcommands: [RunCommand.self, BaselineServerCommand.self, SSELatency.self], defaultSubcommand: RunCommand.self
    )
}

enum ScenarioName: String, CaseIterable, ExpressibleByArgument, Sendable {
    case startup, handshake, rpc, fanout, stream, turns, adapter, telegram, memory, soak
}

/// `switchboard-bench run [scenario…]`: the standard set, or the scenarios named.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run scenarios (all by default) and write the report.")

    @Argument(help: "Scenarios to run: \(ScenarioName.allCases.map(\.rawValue).joined(separator: ", ")) (default: all).")
    var scenarios: [ScenarioName] = []
    @Option(help: "Measured seconds per rpc cell.") var seconds = 2.0
    @Option(help: "Soak length in seconds.") var duration = 600.0
    @Option(help: "Largest connection count of memory and fan-out.") var maxConnections = 10_000
    @Option(help: "Load-generator event loop threads.") var clientThreads = 1
    @Flag(help: "Measure the gateway only (profiling); no ratios.") var skipBaselines = false
    @Option(help: "Markdown report path.") var markdown = "bench-results.md"
    @Option(help: "JSON report path.") var json = "bench-results.json"

    func run() async throws {
        let limit = raiseOpenFileLimit()
        var options = BenchOptions(clientThreads: clientThreads, secondsPerCell: seconds, soakSeconds: duration, maxConnections: maxConnections)
        options.skipBaselines = skipBaselines
        let context = BenchContext(options: options, report: BenchReport())
        let machine = MachineInfo.current()
        print("switchboard-bench on \(machine.summary); open-file limit \(limit)")
        for scenario in scenarios.isEmpty ? ScenarioName.allCases : scenarios {
            let started = BenchClock.nowNs()
            switch scenario {
            case .rpc: try await RPCScenario(context: context).run()
            case .memory: try await MemoryScenario(context: context).run()
            case .handshake: try await HandshakeScenario(context: context).run()
            case .startup: try await StartupScenario(context: context).run()
            case .fanout: try await FanoutScenario(context: context).run()
            case .stream: try await StreamScenario(context: context).run()
            case .turns: try await TurnsScenario(context: context).run()
            case .adapter: try await AdapterScenario(context: context).run()
            case .telegram: try await TelegramScenario(context: context).run()
            case .soak: try await SoakScenario(context: context).run()
            }
            print(String(format: "  (%@ took %.0f s)", scenario.rawValue, BenchClock.seconds(since: started)))
            fflush(nil)
        }
        try context.report.write(markdownTo: markdown, jsonTo: json, machine: machine)
        print("wrote \(markdown) and \(json)")
    }
}

struct SSELatency: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sse-latency", abstract: "Added latency from a provider's SSE write to the client's chat event (median, p99), in-process."
    )

    @Option(help: "SSE chunks per run") var chunks = 200
    @Option(help: "Milliseconds between chunks") var delayMs = 2
    @Option(help: "Rounds (each: one direct read, one gateway run)") var rounds = 5

    func run() async throws {
        try await SSELatencyScenario.run(chunkCount: chunks, delayMs: delayMs, rounds: rounds)
    }
}
