import Foundation
import SwitchboardClient
import SwitchboardProtocol
import SwitchboardTesting
import Testing

/// `session:start`, `session:end` and `session:timeout` hooks from a live gateway: a new
/// session, a reset (end, then start of the new transcript), a delete, and a run stopped at its
/// time limit. Each hook writes to its own FIFO, so the test waits on the write itself.
@Suite(.timeLimit(.minutes(2)))
struct SessionHooksTests {
    @Test("a new session starts, a reset ends it and starts the next, a delete ends it, a timed-out run times the session out")
    func sessionEvents() async throws {
        let stateDir = TestGateway.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: stateDir) }
        let start = try HooksLiveTests.FIFO(stateDir + "/start.fifo")
        let end = try HooksLiveTests.FIFO(stateDir + "/end.fifo")
        let timeout = try HooksLiveTests.FIFO(stateDir + "/timeout.fifo")
        try HooksLiveTests.writeHooks(
            """
            hooks:
              - name: on-start
                event: session:start
                command: echo "$CLARA_EVENT_DATA" > \(start.path)
                timeout: 5
              - name: on-end
                event: session:end
                command: echo "$CLARA_EVENT_DATA" > \(end.path)
                timeout: 5
              - name: on-timeout
                event: session:timeout
                command: echo "$CLARA_EVENT_TYPE $CLARA_REQUEST_ID" > \(timeout.path)
                timeout: 5
            """, in: stateDir)
        try await FakeModelServer.with { model in
            let never = Gate()
            defer { never.open() }
            try await TestGateway.with(config: modelConfig(model), stateDir: stateDir) { gateway in
                try await gateway.withClient { client in
                    model.enqueue(.text(["hi"]))
                    _ = try await client.call(ChatSend.self, .init(sessionKey: "hooked", message: "hello", idempotencyKey: "s-1"))
                    let started = try Self.json(try await start.readLine())
                    let key = try unwrap(started["session_key"]?.stringValue)
                    #expect(key.hasSuffix("hooked") && started["agent_id"] == "main")
                    let firstId = try unwrap(started["session_id"]?.stringValue)

                    _ = try await client.call(SessionsReset.self, .init(key: key))
                    let ended = try Self.json(try await end.readLine())
                    #expect(ended["reason"] == "reset" && ended["session_id"]?.stringValue == firstId)
                    let restarted = try Self.json(try await start.readLine())
                    #expect(restarted["session_key"]?.stringValue == key && restarted["session_id"]?.stringValue != firstId)

                    _ = try await client.call(SessionsDelete.self, .init(key: key))
                    #expect(try Self.json(try await end.readLine())["reason"] == "deleted")

                    model.enqueue(.held(["never"], until: never))
                    let sent = try await client.call(ChatSend.self, .init(sessionKey: "slow", message: "wait", idempotencyKey: "s-2", timeoutMs: 300))
                    _ = try await start.readLine()
                    let line = try await timeout.readLine()
                    #expect(line == "session:timeout \(sent.runId ?? "?")\n", "got \(line)")
                }
            }
        }
    }

    static func json(_ line: String) throws -> JSONValue {
        try GatewayJSON.decoder.decode(JSONValue.self, from: Data(line.utf8))
    }
}
