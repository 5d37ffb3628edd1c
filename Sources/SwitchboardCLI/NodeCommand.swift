import ArgumentParser
import Foundation
import SwitchboardAutomation
import SwitchboardClient
import SwitchboardProtocol

/// `switchboard node run --command name=shell-command …`: a headless node. Each declared
/// command runs its shell command when an operator invokes it (`node.invoke`), with the
/// invocation's params as JSON in `SWITCHBOARD_NODE_PARAMS`, and answers `{output, durationMs}`.
/// It reconnects after a lost connection until stopped (Ctrl-C).
struct NodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "node", abstract: "Run a headless node.", subcommands: [NodeRunCommand.self])
}

struct NodeRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Connect as a node whose commands run shell commands on this machine.")

    @Option(name: .customLong("command"), help: "name=shell command (repeat for more), e.g. --command uptime=uptime") var commands: [String] = []
    @Option(help: "The node's display name.") var name: String?
    @Option(help: "Largest output kept per command run (its last bytes).") var maxOutputBytes = 64 * 1024
    @OptionGroup var client: ClientOptions

    func validate() throws {
        guard !commands.isEmpty else { throw ValidationError("--command name=shell-command: give at least one") }
        for entry in commands {
            guard let equals = entry.firstIndex(of: "="), equals != entry.startIndex, entry.index(after: equals) != entry.endIndex else {
                throw ValidationError("--command \(entry): expected name=shell command")
            }
        }
    }

    func run() async throws {
        var handlers: [String: GatewayNode.Command] = [:]
        let limit = maxOutputBytes
        for entry in commands {
            let equals = entry.firstIndex(of: "=")!
            let shell = String(entry[entry.index(after: equals)...])
            handlers[String(entry[..<equals])] = { params in
                var environment = ProcessInfo.processInfo.environment
                environment["SWITCHBOARD_NODE_PARAMS"] = params.map { GatewayJSON.string($0) } ?? "null"
                // The invocation's own limit stops it (the task is cancelled); this is the backstop.
                let result = await ShellCommand(command: shell, environment: environment, timeout: .seconds(3600), maxOutputBytes: limit).run()
                guard result.succeeded else { throw NodeCommandFailure(message: "\(result.failure ?? "failed"): \(result.output.suffix(2000))") }
                return ["output": .string(result.output), "durationMs": .int(result.durationMs)]
            }
        }
        let node = GatewayNode(commands: handlers)
        let base: GatewayClientConfiguration
        do {
            base = try client.clientConfiguration(role: "node")
        } catch let failure as ExplainedFailure {
            FileHandle.standardError.write(Data("switchboard: \(failure.message)\n".utf8))
            throw ExitCode(failure.exitCode)
        }
        var configuration = node.configuration(base)
        configuration.reconnect = true
        configuration.client.displayName = name ?? ProcessInfo.processInfo.hostName
        print("node \(configuration.deviceIdentity?.id.prefix(16) ?? "?")… serving \(handlers.keys.sorted().joined(separator: ", ")) at \(configuration.url)")
        // A pipe is block-buffered: whoever waits for this line (a supervisor, a test) gets it now.
        fflush(nil)
        do {
            try await withGatewayClient(configuration) { gatewayClient in
                try await gatewayClient.waitUntilConnected(timeout: .seconds(client.timeout))
                try await node.serve(gatewayClient)
            }
        } catch let error as GatewayClientError {
            FileHandle.standardError.write(Data("switchboard: \(ClientOptions.explain(error, url: configuration.url))\n".utf8))
            throw ExitCode(ClientOptions.exitCode(error))
        }
    }
}

struct NodeCommandFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
