import ArgumentParser
import Foundation
import SwitchboardClient
import SwitchboardProtocol

/// `switchboard agent --message "…"`: one agent turn for scripts. Waits for the final answer,
/// prints its text (or the whole result with `--json`), exits 1 when the run failed.
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent", abstract: "Send one message to the agent, wait for the answer and print it (exit 1 if the run failed)."
    )

    @Option(name: .shortAndLong, help: "The message.") var message: String
    @Option(help: "Session key (default: the agent's main session).") var session: String?
    @Option(help: "Agent id (default: the default agent).") var agent: String?
    @Option(help: "Seconds to wait for the answer.") var wait: Int = 600
    @OptionGroup var client: ClientOptions

    func validate() throws {
        guard !message.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw ValidationError("--message must not be empty") }
        guard wait > 0 else { throw ValidationError("--wait must be at least 1 second") }
    }

    func run() async throws {
        var params = AgentRun.Params(message: message, idempotencyKey: "cli-\(UUID().uuidString.lowercased())", agentId: agent, sessionKey: session)
        params.timeout = wait
        let encoded = try GatewayJSON.decoder.decode(JSONValue.self, from: GatewayJSON.encoder.encode(params))
        let wait = wait
        let response = try await client.withClient { client in
            try await client.callRaw(method: AgentRun.name, params: encoded, timeout: .seconds(wait), expectFinal: true)
        }
        if client.json {
            print(response.ok ? GatewayJSON.string(response.payload ?? .null) : GatewayJSON.string(response))
        }
        guard response.ok, let payload = response.payload, payload["status"] == "ok" else {
            if !client.json {
                let reason = response.error.map { "\($0.code.rawValue): \($0.message)" } ?? response.payload?["summary"]?.stringValue ?? "the run failed"
                FileHandle.standardError.write(Data("switchboard: agent run failed: \(reason)\n".utf8))
            }
            throw ExitCode(ExitCodes.failure)
        }
        if !client.json { print(payload["result"]?["text"]?.stringValue ?? "") }
    }
}
