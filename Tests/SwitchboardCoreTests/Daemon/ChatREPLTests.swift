import Foundation
import SwitchboardTesting
import Testing

/// `switchboard chat` in a real terminal (tmux): the answer streams in, a tool call shows,
/// `/stop` stops an answer, `/history` shows the turns, and after a gateway restart the REPL
/// reconnects by itself and goes on.
@Suite(.timeLimit(.minutes(3)), .serialized)
struct ChatREPLTests {
    @Test(
        "chat in a terminal: streamed answer with its tool call, /stop, /history, reconnect across a gateway restart, /quit",
        .enabled(if: TerminalSession.tmux != nil, "tmux is not installed")
    )
    func replInATerminal() async throws {
        try await FakeModelServer.with { model in
            let held = Gate()
            defer { held.open() }
            model.enqueue(
                .toolCalls([FakeToolCall(id: "call_t", name: "current_time", arguments: "{}")]),
                .text(["It is ", "noon ", "here."], delayMs: 20),
                .held(["Counting: one, ", "two, three"], until: held),
                .text(["I'm ", "back."])
            )
            let stateDir = TestGateway.makeTemporaryDirectory()
            let cliDir = TestGateway.makeTemporaryDirectory()
            defer {
                try? FileManager.default.removeItem(atPath: stateDir)
                try? FileManager.default.removeItem(atPath: cliDir)
            }
            let overrides = ["gateway.port": String(TestGateway.fixedPort())]
            let config = modelConfig(model)
            let terminal = try await TestGateway.with(config: config, stateDir: stateDir, overrides: overrides) { gateway in
                // The shell says when (and how) the REPL ended.
                let chat = [ChildProcess.switchboardExecutable(), "chat", "--url", gateway.url, "--session", "repl"].joined(separator: " ")
                let terminal = try await TerminalSession.start(["sh", "-c", chat + "; echo REPL-EXITED $?"], environment: daemonEnvironment(stateDir: cliDir))
                do {
                    _ = try await terminal.waitForLine(containing: "Connected to \(gateway.url)")
                    try await terminal.type("what time is it?")
                    _ = try await terminal.waitForLine(containing: "[tool current_time")
                    _ = try await terminal.waitForLine(containing: "It is noon here.")

                    try await terminal.type("count to three")
                    _ = try await terminal.waitForLine(containing: "Counting: one,")
                    try await terminal.type("/stop")
                    _ = try await terminal.waitForLine(containing: "[stopped]")

                    try await terminal.type("/history")
                    _ = try await terminal.waitForLine(containing: "you: what time is it?")
                    _ = try await terminal.waitForLine(containing: "agent: It is noon here.")
                } catch {
                    Issue.record("the terminal showed: \(await terminal.remainingOutput())")
                    await terminal.close()
                    throw error
                }
                return terminal
            }
            // The gateway is gone; the REPL waits for it and comes back with it.
            do {
                _ = try await terminal.waitForLine(containing: "[connection lost; reconnecting")
                try await TestGateway.with(config: config, stateDir: stateDir, overrides: overrides) { _ in
                    _ = try await terminal.waitForLine(containing: "[reconnected]", timeout: .seconds(60))
                    try await terminal.type("are you back?")
                    _ = try await terminal.waitForLine(containing: "I'm back.")
                    try await terminal.type("/quit")
                    _ = try await terminal.waitForLine(containing: "REPL-EXITED 0")
                }
            } catch {
                Issue.record("the terminal showed: \(await terminal.remainingOutput())")
                await terminal.close()
                throw error
            }
            await terminal.close()
            #expect(model.requests.count == 4)
        }
    }
}
