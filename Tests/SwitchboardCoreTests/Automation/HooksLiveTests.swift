import Foundation
import SwitchboardClient
import SwitchboardProtocol
import SwitchboardTesting
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A live gateway with a `hooks.yaml` in its state dir: hooks run off the request path, a hook
/// that hangs is stopped at its timeout while the gateway keeps answering, and the scheduler's
/// events fire hooks. Each hook signals the test through a FIFO (an event, not a poll).
@Suite(.timeLimit(.minutes(2)))
struct HooksLiveTests {
    /// A named pipe the test reads one line from: the read blocks (on its own thread) until a
    /// hook writes, or the timeout passes.
    struct FIFO {
        let path: String

        init(_ path: String) throws {
            guard mkfifo(path, 0o600) == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
            self.path = path
        }

        func readLine(timeout: Duration = .seconds(30)) async throws -> String {
            let path = self.path
            return try await withTimeout(timeout, "a hook writing to \(path)") {
                await withTaskCancellationHandler {
                    // Opening a FIFO blocks until a writer opens it: a thread of its own, not the pool's.
                    await withCheckedContinuation { continuation in
                        Thread.detachNewThread {
                            let data = try? FileHandle(forReadingAtPath: path)?.readToEnd()
                            continuation.resume(returning: String(decoding: data ?? Data(), as: UTF8.self))
                        }
                    }
                } onCancel: {
                    // Timed out: be the writer the reader waits for, so its thread ends (non-blocking:
                    // when nobody reads any more, the open just fails).
                    let fd = open(path, O_WRONLY | O_NONBLOCK)
                    if fd >= 0 { close(fd) }
                }
            }
        }
    }

    /// Writes `hooks.yaml` where the gateway of `stateDir` reads it.
    static func writeHooks(_ yaml: String, in stateDir: String) throws {
        try FileManager.default.createDirectory(atPath: stateDir + "/hooks", withIntermediateDirectories: true)
        try Data(yaml.utf8).write(to: URL(fileURLWithPath: stateDir + "/hooks/hooks.yaml"))
    }

    @Test("hooks from hooks.yaml: startup runs, a hanging hook is killed at its timeout while the gateway answers, scheduler events fire hooks")
    func liveHooks() async throws {
        let stateDir = TestGateway.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: stateDir) }
        let startup = try FIFO(stateDir + "/startup.fifo")
        let task = try FIFO(stateDir + "/task.fifo")
        try Self.writeHooks(
            """
            hooks:
              - name: hang
                event: gateway:startup
                command: sleep 600
                timeout: 1
                priority: 10
              - name: started
                event: gateway:startup
                command: echo "up ${CLARA_EVENT_TYPE}" > \(startup.path)
              - name: on-task
                event: scheduler:task_run
                command: echo "$CLARA_TASK_NAME" > \(task.path)
            """, in: stateDir)
        try await TestGateway.with(stateDir: stateDir) { gateway in
            #expect(try await startup.readLine() == "up gateway:startup\n")
            try await gateway.withClient { client in
                // The hanging hook holds a slot for a second; the gateway answers meanwhile.
                _ = try await client.call(Health.self, .init())
                let list = try await client.call(HooksList.self, .init())
                #expect(list.hooks.map(\.name) == ["hang", "started", "on-task"] && list.fileStatus == "loaded 3")

                let job = try await client.call(
                    CronAdd.self,
                    CronJobInput(["name": "nightly", "schedule": ["kind": "cron", "expr": "0 3 * * *"], "payload": ["kind": "command", "command": "true"]]))
                _ = try await client.call(CronRun.self, .init(id: try unwrap(job["id"]?.stringValue)))
                #expect(try await task.readLine() == "nightly\n")
            }
        }
        // After the gateway stopped, its log of hook runs remains: the hang was stopped at its timeout.
        try await TestGateway.with(stateDir: stateDir) { gateway in
            try await gateway.withClient { client in
                let runs = try await client.call(HooksRuns.self, .init(name: "hang"))
                #expect(runs.runs.first?.status == "error" && runs.runs.first?.error?.contains("timed out") == true)
            }
        }
    }

    @Test("a turn fires message:received, tool:start, tool:end and message:sent hooks with Clara's variables")
    func turnHooks() async throws {
        let stateDir = TestGateway.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: stateDir) }
        let received = try FIFO(stateDir + "/received.fifo")
        let tool = try FIFO(stateDir + "/tool.fifo")
        let sent = try FIFO(stateDir + "/sent.fifo")
        try Self.writeHooks(
            """
            hooks:
              - name: in
                event: message:received
                command: echo "$CLARA_TEXT|$CLARA_REQUEST_ID" > \(received.path)
              - name: tool
                event: tool:end
                command: echo "$CLARA_TOOL_NAME" > \(tool.path)
              - name: out
                event: message:sent
                command: echo "${CLARA_TEXT}" > \(sent.path)
            """, in: stateDir)
        try await FakeModelServer.with { model in
            model.enqueue(.toolCalls([FakeToolCall(id: "call-1", name: "current_time", arguments: "{}")]), .text(["it is ", "late"]))
            try await TestGateway.with(config: modelConfig(model), stateDir: stateDir) { gateway in
                try await gateway.withClient { client in
                    _ = try await client.call(ChatSend.self, .init(sessionKey: "main", message: "what time is it", idempotencyKey: "hook-turn"))
                    #expect(try await received.readLine() == "what time is it|hook-turn\n")
                    #expect(try await tool.readLine() == "current_time\n")
                    #expect(try await sent.readLine() == "it is late\n")
                }
            }
        }
    }

    @Test("an adapter registering, sending and leaving fires adapter:connected, message:received (platform, user, channel) and adapter:disconnected")
    func adapterHooks() async throws {
        let stateDir = TestGateway.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: stateDir) }
        let connected = try FIFO(stateDir + "/connected.fifo")
        let disconnected = try FIFO(stateDir + "/disconnected.fifo")
        let received = try FIFO(stateDir + "/received.fifo")
        try Self.writeHooks(
            """
            hooks:
              - name: up
                event: adapter:connected
                command: echo "$CLARA_NODE_ID $CLARA_PLATFORM" > \(connected.path)
              - name: down
                event: adapter:disconnected
                command: echo "$CLARA_NODE_ID" > \(disconnected.path)
              - name: in
                event: message:received
                command: echo "$CLARA_PLATFORM $CLARA_USER_ID $CLARA_CHANNEL_ID $CLARA_TEXT" > \(received.path)
            """, in: stateDir)
        try await TestGateway.with(config: #"{ channels: { adapter: { secret: "s3cret", dmPolicy: "open" } } }"#, stateDir: stateDir) { gateway in
            _ = try await RawSocket.session(url: gateway.url + "/adapter") { socket in
                try await socket.send(text: #"{"type":"register","node_id":"node-7","platform":"discord","secret":"s3cret"}"#)
                _ = try await socket.receive { $0["type"] == "registered" }
                #expect(try await connected.readLine() == "node-7 discord\n")
                try await socket.send(
                    text: #"{"type":"message","id":"m1","user":{"id":"u9","name":"Ann"},"channel":{"id":"c3","type":"dm"},"content":"hello there"}"#)
                #expect(try await received.readLine() == "discord u9 c3 hello there\n")
                try await socket.close()
            }
            #expect(try await disconnected.readLine() == "node-7\n")
        }
    }
}
