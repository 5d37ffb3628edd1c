import Foundation
import SwitchboardTesting
import Testing

/// `switchboard agent --message` for scripts, and `call agent`/`agent.wait` exit codes: the
/// answer on stdout and exit 0 for a good run; exit 1 and the reason for a failed one.
@Suite(.timeLimit(.minutes(2)))
struct AgentCommandTests {
    @Test("agent --message prints the final answer (or the result as JSON); a failed run exits 1 with its reason, as do call agent --expect-final and agent.wait")
    func agentCommand() async throws {
        try await FakeModelServer.with { model in
            model.enqueue(.text(["The answer ", "is 42."]), .text(["json answer"]))
            try await TestGateway.with(config: modelConfig(model)) { gateway in
                try await withStateDir { cliDir in
                    let env = ["SWITCHBOARD_GATEWAY_URL": gateway.url]
                    let answered = try await runCLI(["agent", "--message", "what is the answer?", "--session", "cli-test"], stateDir: cliDir, extra: env)
                    #expect(answered.code == 0 && answered.output.contains("The answer is 42."), "\(answered.output)")
                    let json = try await runCLI(["agent", "-m", "again", "--json"], stateDir: cliDir, extra: env)
                    #expect(json.code == 0 && json.output.contains(#""status":"ok""#) && json.output.contains("json answer"), "\(json.output)")

                    model.setDefault(.status(500, body: #"{"error":{"message":"provider down"}}"#))
                    let failed = try await runCLI(["agent", "--message", "hello?"], stateDir: cliDir, extra: env)
                    #expect(failed.code == 1 && failed.output.contains("agent run failed"), "\(failed.output)")
                    let called = try await runCLI(
                        ["call", "agent", "--expect-final", "--params", #"{"message":"hi","idempotencyKey":"cli-fail-1"}"#], stateDir: cliDir, extra: env)
                    #expect(called.code == 1, "\(called.output)")
                    let waited = try await runCLI(["call", "agent.wait", "--params", #"{"runId":"cli-fail-1"}"#], stateDir: cliDir, extra: env)
                    #expect(waited.code == 1 && waited.output.contains("error"), "\(waited.output)")
                    let empty = try await runCLI(["agent", "--message", "  "], stateDir: cliDir, extra: env)
                    #expect(empty.code == 64 && empty.output.contains("--message must not be empty"), "\(empty.output)")
                }
            }
        }
    }
}
