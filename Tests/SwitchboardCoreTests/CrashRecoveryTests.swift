import Foundation
import SwitchboardClient
import SwitchboardProtocol
import SwitchboardTesting
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A gateway killed with SIGKILL mid-stream keeps every completed turn and the partial answer.
@Suite(.timeLimit(.minutes(2)), .serialized)
struct CrashRecoveryTests {
    @Test func killDashNineMidStreamLosesNoCompletedTurn() async throws {
        let stateDir = TestGateway.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: stateDir) }
        try await FakeModelServer.with { server in
            server.enqueue(.text(["The first ", "answer."]), .text(Array(repeating: "streaming ", count: 400), delayMs: 25))
            try Data(modelConfig(server, throttleMs: 50).utf8).write(to: URL(fileURLWithPath: stateDir + "/switchboard.json"))
            var environment = ProcessInfo.processInfo.environment
            environment["SWITCHBOARD_STATE_DIR"] = stateDir
            environment.removeValue(forKey: "SWITCHBOARD_GATEWAY_TOKEN")
            environment.removeValue(forKey: "SWITCHBOARD_CONFIG_PATH")
            let process = try ChildProcess(executable: ChildProcess.switchboardExecutable(), arguments: ["gateway", "--port", "0"], environment: environment)
            defer { process.terminate() }
            let line = try await process.waitForLine(containing: "gateway listening")
            let port = try unwrap(line.range(of: "sb.port=").flatMap { Int(line[$0.upperBound...].prefix { $0.isNumber }) }, "port")
            let config = GatewayClientConfiguration(url: "ws://127.0.0.1:\(port)", connectTimeout: .seconds(10), reconnect: false)
            try await withGatewayClient(config) { client in
                try await client.waitUntilConnected()
                _ = try await client.call(ChatSend.self, .init(sessionKey: "main", message: "question one", idempotencyKey: "turn-1"))
                #expect(try await client.chatEvents(runId: "turn-1").last?["state"] == "final")
                _ = try await client.call(ChatSend.self, .init(sessionKey: "main", message: "question two", idempotencyKey: "turn-2"))
                // Wait until some of the second answer has streamed (and been flushed), then kill.
                var seen = ""
                while seen.count < 60 {
                    let event = try await client.event(named: "chat")
                    if event.payload?["runId"] == "turn-2" { seen += event.payload?["deltaText"]?.stringValue ?? "" }
                }
                process.signal(SIGKILL)
            }
            _ = try await process.waitForExit()
        }
        try await TestGateway.with(stateDir: stateDir) { gateway in
            try await gateway.withClient { client in
                let history = try await client.call(ChatHistory.self, .init(sessionKey: "main"))
                let texts = history.messages.map(\.text)
                #expect(Array(texts.prefix(3)) == ["question one", "The first answer.", "question two"])
                #expect(history.messages[1].interrupted == nil && history.messages[1].usage != nil)
                let partial = try unwrap(history.messages.dropFirst(3).first)
                #expect(partial.role == "assistant" && partial.interrupted == true && partial.text.hasPrefix("streaming"))
                #expect(history.messages.count == 4)
            }
        }
    }
}
