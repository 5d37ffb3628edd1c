import Foundation
import SwitchboardProtocol
import SwitchboardTesting
import Testing

/// `switchboard onboard` with the real binary: in a script (flags only) against a fake
/// OpenAI-compatible server standing in for the provider, a refused key that writes nothing,
/// and in a real terminal where it finds the "local" server by itself.
@Suite(.timeLimit(.minutes(3)))
struct OnboardTests {
    static func readConfig(_ stateDir: String) throws -> JSONValue {
        try GatewayJSON.decoder.decode(JSONValue.self, from: Data(contentsOf: URL(fileURLWithPath: stateDir + "/switchboard.json")))
    }

    @Test("non-interactive: tests the key, writes provider, model and a new token (mode 0600), prints the URLs; the gateway then answers with that provider")
    func nonInteractive() async throws {
        try await FakeModelServer.with { model in
            model.enqueue(.text(["onboarded ", "and answering"]))
            try await withStateDir { stateDir in
                let result = try await runCLI(
                    [
                        "onboard", "--non-interactive", "--provider", "openai-compatible", "--base-url", "http://127.0.0.1:\(model.port)/v1/", "--api-key",
                        "sk-test-1", "--model", "m1", "--port", "0", "--json",
                    ],
                    stateDir: stateDir
                )
                #expect(result.code == 0, "\(result.output)")
                let outcome = try GatewayJSON.decoder.decode(JSONValue.self, from: Data(result.output.utf8))
                let token = try #require(outcome["token"]?.stringValue)
                #expect(token.count >= 40)
                #expect(outcome["webchatUrl"]?.stringValue?.hasSuffix("/chat") == true && outcome["controlUiUrl"]?.stringValue?.hasSuffix("/control") == true)
                #expect(outcome["provider"]?["id"] == "custom" && outcome["provider"]?["model"] == "m1")

                let config = try Self.readConfig(stateDir)
                #expect(config["models"]?["providers"]?["custom"]?["baseUrl"] == .string("http://127.0.0.1:\(model.port)/v1"))
                #expect(config["models"]?["providers"]?["custom"]?["apiKey"] == "sk-test-1")
                #expect(config["agents"]?["defaults"]?["model"] == "custom/m1")
                #expect(config["gateway"]?["auth"]?["token"] == .string(token))
                let mode = try FileManager.default.attributesOfItem(atPath: stateDir + "/switchboard.json")[.posixPermissions] as? Int
                #expect(mode == 0o600)

                // The gateway started on that file answers through the provider, behind the token.
                try await TestGateway.with(stateDir: stateDir) { gateway in
                    let refused = try await runCLI(["agent", "-m", "hi", "--url", gateway.url, "--no-device"], stateDir: stateDir, extra: ["SWITCHBOARD_GATEWAY_TOKEN": "wrong"])
                    #expect(refused.code == 77, "\(refused.output)")
                    let answer = try await runCLI(["agent", "-m", "hello after onboarding", "--url", gateway.url, "--token", token], stateDir: stateDir)
                    #expect(answer.code == 0 && answer.output.contains("onboarded and answering"), "\(answer.output)")
                }
                #expect(model.requests.count == 1 && GatewayJSON.string(model.requests[0]).contains("hello after onboarding"))
            }
        }
    }

    @Test("a refused key or a missing flag: a clear error, a distinct exit code, and nothing written")
    func refusedKey() async throws {
        try await FakeModelServer.with { model in
            model.setDefault(.status(401, body: #"{"error":{"message":"bad key"}}"#))
            try await withStateDir { stateDir in
                let refused = try await runCLI(
                    ["onboard", "--non-interactive", "--provider", "openai", "--base-url", "http://127.0.0.1:\(model.port)/v1", "--api-key", "sk-wrong"],
                    stateDir: stateDir
                )
                #expect(refused.code == 1 && refused.output.contains("refused the API key (HTTP 401)") && refused.output.contains("nothing was written"), "\(refused.output)")
                let missing = try await runCLI(["onboard", "--non-interactive", "--provider", "anthropic"], stateDir: stateDir, extra: ["ANTHROPIC_API_KEY": ""])
                #expect(missing.code == 64 && missing.output.contains("--api-key"), "\(missing.output)")
                let badURL = try await runCLI(["onboard", "--non-interactive", "--provider", "openai-compatible", "--base-url", "ftp://x", "--model", "m"], stateDir: stateDir)
                #expect(badURL.code == 64 && badURL.output.contains("--base-url: expected an http:// or https:// URL"), "\(badURL.output)")
                #expect(!FileManager.default.fileExists(atPath: stateDir + "/switchboard.json"))
            }
        }
    }

    @Test(
        "in a terminal: finds the local server, asks for the model, sets a token, leaves the service alone, and prints where to go",
        .enabled(if: TerminalSession.tmux != nil, "tmux is not installed")
    )
    func interactive() async throws {
        try await FakeModelServer.with { model in
            try await withStateDir { stateDir in
                let command = [ChildProcess.switchboardExecutable(), "onboard", "--detect-url", "http://127.0.0.1:\(model.port)/v1", "--detect-url", "http://127.0.0.1:9/v1"]
                let terminal = try await TerminalSession.start(["sh", "-c", command.joined(separator: " ") + "; echo ONBOARD-EXITED $?"], environment: daemonEnvironment(stateDir: stateDir))
                do {
                    _ = try await terminal.waitForLine(containing: "found A local server at http://127.0.0.1:\(model.port)/v1 (1 model(s))")
                    _ = try await terminal.waitForLine(containing: "2) OpenAI (API key)")
                    try await terminal.type("1")  // the local server
                    try await terminal.type("")  // model: the one it lists (m1)
                    _ = try await terminal.waitForLine(containing: "ok: it answered and takes the key")
                    try await terminal.type("")  // a token: yes
                    try await terminal.type("")  // the service: no
                    let tokenLine = try await terminal.waitForLine(containing: "Gateway token (shown once")
                    _ = try await terminal.waitForLine(containing: "Control UI:  http://127.0.0.1:18789/control")
                    _ = try await terminal.waitForLine(containing: "ONBOARD-EXITED 0")
                    let config = try Self.readConfig(stateDir)
                    #expect(config["models"]?["providers"]?["local"]?["baseUrl"] == .string("http://127.0.0.1:\(model.port)/v1"))
                    #expect(config["agents"]?["defaults"]?["model"] == "local/m1")
                    let token = try #require(config["gateway"]?["auth"]?["token"]?.stringValue)
                    #expect(tokenLine.hasSuffix(token))
                } catch {
                    Issue.record("the terminal showed: \(await terminal.remainingOutput())")
                    await terminal.close()
                    throw error
                }
                await terminal.close()
            }
        }
    }
}
