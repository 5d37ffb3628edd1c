import Foundation
import Logging
import ServiceLifecycle
import SwitchboardPluginAPI
import SwitchboardProtocol
import SwitchboardStore
import SwitchboardTesting
import Testing

@testable import SwitchboardAutomation

/// Clara's hooks.yaml and the hook runner with real shell processes and a real SQLite log.
struct HookRunnerTests {
    static var seedYAML: String {
        get throws {
            let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../fixtures/clara/hooks.yaml").path
            return try String(contentsOfFile: path, encoding: .utf8)
        }
    }

    @Test("the seed's hooks.yaml reads unchanged: two hooks, Clara's default and given timeouts")
    func seedFile() throws {
        let hooks = try ClaraHooksFile.parse(try Self.seedYAML)
        #expect(hooks.map(\.name) == ["log-startup", "notify-errors"])
        #expect(hooks[0].event == .gatewayStartup && hooks[0].command == #"echo "Gateway started at ${CLARA_TIMESTAMP}""# && hooks[0].timeoutSeconds == 30)
        #expect(hooks[1].event == .toolError && hooks[1].timeoutSeconds == 10 && hooks[1].command.hasPrefix("curl -X POST"))
        #expect(try ClaraHooksFile.parse("hooks:\n  - name: a\n    event: session:start\n    command: date").first?.timeoutSeconds == HookDefinition.defaultTimeoutSeconds)
    }

    @Test("a bad hooks.yaml is refused whole, naming the hook and field")
    func errors() {
        func reason(_ text: String) -> String {
            do {
                _ = try ClaraHooksFile.parse(text)
                return "accepted"
            } catch { return error.description }
        }
        #expect(reason("hooks:\n  - name: a\n    event: session:begin\n    command: x").hasPrefix("hooks.yaml: hooks[0].event \"session:begin\" is not an event; expected one of gateway:startup"))
        #expect(reason("hooks:\n  - name: a\n    event: session:start\n    type: python\n    command: x").contains("hooks[0].type \"python\" is not supported"))
        #expect(reason("hooks:\n  - name: a\n    event: session:start") == "hooks.yaml: hooks[0].command is required")
        #expect(reason("hooks:\n  - name: a\n    event: session:start\n    command: x\n    timeout: 0") == "hooks.yaml: hooks[0].timeout must be above 0 and at most 604800 seconds (a week)")
        #expect(reason("hooks:\n  - name: a\n    event: session:start\n    command: x\n    timeout: 1e300").contains("at most 604800"))
        #expect(reason("hooks:\n  - name: a\n    event: tool:end\n    command: x\n  - name: a\n    event: tool:end\n    command: y").contains("is used by an earlier hook"))
    }

    @Test("the event's variables: Clara's names, the data as JSON, scalar data keys as CLARA_<KEY>")
    func environment() throws {
        let event = HookEvent(
            .messageReceived, timestampMs: 1_796_299_200_000, nodeId: "node-1", platform: "discord", userId: "u1", channelId: "c1", requestId: "r1",
            data: ["text": "hi", "count": 3, "ok": true, "nested": ["a": 1], "user-name": "x"])
        let variables = event.environment
        #expect(variables["CLARA_EVENT_TYPE"] == "message:received" && variables["CLARA_TIMESTAMP"] == "2026-12-03T12:00:00.000Z")
        #expect(variables["CLARA_NODE_ID"] == "node-1" && variables["CLARA_PLATFORM"] == "discord" && variables["CLARA_USER_ID"] == "u1")
        #expect(variables["CLARA_CHANNEL_ID"] == "c1" && variables["CLARA_REQUEST_ID"] == "r1")
        #expect(variables["CLARA_TEXT"] == "hi" && variables["CLARA_COUNT"] == "3" && variables["CLARA_OK"] == "True" && variables["CLARA_USER_NAME"] == "x")
        #expect(variables["CLARA_NESTED"] == nil)
        let data = try GatewayJSON.decoder.decode(JSONValue.self, from: Data(try #require(variables["CLARA_EVENT_DATA"]).utf8))
        #expect(data["nested"]?["a"] == 1 && data["text"] == "hi")
    }

    /// A runner on a real database in a temporary directory, with its finished runs as a stream.
    final class Harness: Sendable {
        let directory: String
        let store: SQLiteHookRunStore
        let runner: HookRunner
        let finished: AsyncStream<HookRunRecord>

        init(_ hooks: [HookDefinition], durable: Bool = false, configure: (inout HookRunner.Configuration) -> Void = { _ in }) throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("hooks-\(UUID().uuidString)").path
            store = SQLiteHookRunStore(database: try GatewayDatabase(path: directory + "/db.sqlite"))
            var configuration = HookRunner.Configuration()
            configuration.workingDirectory = directory
            configure(&configuration)
            let (stream, continuation) = AsyncStream.makeStream(of: HookRunRecord.self)
            finished = stream
            runner = HookRunner(
                hooks: hooks, store: store, queue: durable ? store : nil, configuration: configuration, logger: Logger(label: "test"), clock: { Int64(Date().timeIntervalSince1970 * 1000) },
                observe: { continuation.yield($0) })
        }

        /// The next `count` finished runs, within `seconds`.
        func next(_ count: Int, within seconds: Double = 20) async throws -> [HookRunRecord] {
            let stream = finished
            return try await withTimeout(.seconds(seconds), "\(count) hook runs") {
                var runs: [HookRunRecord] = []
                for await run in stream {
                    runs.append(run)
                    if runs.count == count { return runs }
                }
                throw TestTimeout(what: "\(count) hook runs (the stream ended)")
            }
        }

        func file(_ name: String) -> String? { try? String(contentsOfFile: directory + "/" + name, encoding: .utf8) }

        /// Runs the runner while `body` runs, then shuts it down gracefully.
        func running(_ body: () async throws -> Void) async throws {
            try await withRunningServices([runner], body)
        }

        deinit { try? FileManager.default.removeItem(atPath: directory) }
    }

    static func hook(_ name: String, _ event: HookEventType, _ command: String, timeout: Double = 30, priority: Int = 0) -> HookDefinition {
        var hook = HookDefinition(name: name, event: event, command: command, timeoutSeconds: timeout)
        hook.priority = priority
        return hook
    }

    @Test("the seed's startup hook runs with ${CLARA_TIMESTAMP} expanded; the run is in the database")
    func startupHook() async throws {
        let hooks = try ClaraHooksFile.parse(try Self.seedYAML).map { hook in
            var hook = hook
            hook.command += " > startup.txt"
            return hook
        }
        let harness = try Harness(hooks)
        try await harness.running {
            harness.runner.emit(HookEvent(.gatewayStartup, timestampMs: 1_796_299_200_000))
            let runs = try await harness.next(1)
            #expect(runs.map(\.hookName) == ["log-startup"] && runs[0].status == "ok")
        }
        #expect(harness.file("startup.txt") == "Gateway started at 2026-12-03T12:00:00.000Z\n")
        let logged = try await harness.store.runs(hookName: "log-startup", limit: 10)
        #expect(logged.count == 1 && logged[0].event == "gateway:startup")
    }

    @Test("event text can never run a command: variables are expanded by the shell from the environment, not spliced into the command")
    func noInjection() async throws {
        let harness = try Harness([Self.hook("echo", .messageReceived, #"echo "${CLARA_TEXT}" > quoted.txt; echo ${CLARA_TEXT} > bare.txt; echo "${CLARA_EVENT_DATA}" > data.txt"#)])
        let hostile = #"$(touch pwned1) `touch pwned2` "; touch pwned3; " ; touch pwned4"#
        try await harness.running {
            harness.runner.emit(HookEvent(.messageReceived, timestampMs: 0, data: ["text": .string(hostile)]))
            let runs = try await harness.next(1)
            #expect(runs.first?.status == "ok")
        }
        #expect(harness.file("quoted.txt") == hostile + "\n")
        for name in ["pwned1", "pwned2", "pwned3", "pwned4"] {
            #expect(harness.file(name) == nil, "\(name) was created: a message ran a command")
        }
        #expect(harness.file("data.txt")?.contains("touch pwned3") == true)
    }

    @Test("a hook that hangs is stopped at its timeout; emit never waits; higher priority runs first")
    func timeoutAndPriority() async throws {
        let harness = try Harness(
            [
                Self.hook("low", .toolEnd, "echo low >> order.txt", priority: 0),
                Self.hook("high", .toolEnd, "echo high >> order.txt", priority: 10),
                Self.hook("hang", .toolError, "sleep 600", timeout: 0.3),
            ], configure: { $0.maxConcurrent = 1 })
        let started = ContinuousClock.now
        try await harness.running {
            harness.runner.emit(HookEvent(.toolError, timestampMs: 0))
            harness.runner.emit(HookEvent(.toolEnd, timestampMs: 0))
            let runs = try await harness.next(3)
            #expect(runs.map(\.hookName) == ["hang", "high", "low"])
            #expect(runs[0].status == "error" && runs[0].error?.contains("timed out") == true)
        }
        #expect(ContinuousClock.now - started < .seconds(120), "the 600 s hook was stopped")
        #expect(harness.file("order.txt") == "high\nlow\n")
    }

    @Test("durable queue: a run a crash cut off is logged as interrupted, not rerun; runs still queued run at the next start; the queue empties")
    func durableRecovery() async throws {
        let harness = try Harness([], durable: true)
        let cut = Self.hook("cut", .toolEnd, "echo again >> cut.txt")
        let waiting = Self.hook("waiting", .toolEnd, "echo $CLARA_TOOL_NAME >> waiting.txt")
        let event = HookEvent(.toolEnd, timestampMs: 1_796_299_200_000, data: ["tool_name": "fetch_url"])
        // As a crash leaves the queue: one run started, one not.
        let ids = try await harness.store.enqueueHookRuns([(cut.json, event.json), (waiting.json, event.json)], nowMs: 0)
        try await harness.store.markHookRunStarted(id: ids[0], attempts: 1)
        try await harness.running {
            let runs = try await harness.next(2)
            let byName = Dictionary(uniqueKeysWithValues: runs.map { ($0.hookName, $0) })
            #expect(byName["cut"]?.status == "error" && byName["cut"]?.error?.hasPrefix("interrupted") == true)
            #expect(byName["waiting"]?.status == "ok")
        }
        #expect(harness.file("cut.txt") == nil, "the cut-off run was not run again")
        #expect(harness.file("waiting.txt") == "fetch_url\n")
        #expect(try await harness.store.queuedHookRuns().isEmpty)
        #expect(try await harness.store.runs(hookName: nil, limit: 10).count == 2)
    }

    @Test("events emitted through the durable queue run and leave it empty; a failing hook with retries is retried until it succeeds")
    func durableRetry() async throws {
        var flaky = Self.hook("flaky", .toolError, "if [ -f ok ]; then echo done > done.txt; else touch ok; exit 3; fi")
        flaky.retries = 2
        let harness = try Harness([flaky], durable: true, configure: { $0.retryBaseMs = 20 })
        try await harness.running {
            harness.runner.emit(HookEvent(.toolError, timestampMs: 0))
            let runs = try await harness.next(2)
            #expect(runs[0].status == "error" && runs[0].error?.hasPrefix("attempt 1 of 3 failed") == true)
            #expect(runs[1].status == "ok")
        }
        #expect(harness.file("done.txt") == "done\n")
        #expect(try await harness.store.queuedHookRuns().isEmpty)
        #expect(try ClaraHooksFile.parse("hooks:\n  - name: a\n    event: tool:end\n    command: x\n    retries: 3").first?.retries == 3)
    }

    @Test("Swift hooks get the event; a full queue drops new runs and counts them")
    func inProcessAndBound() async throws {
        let harness = try Harness([Self.hook("shell", .sessionStart, "true")], configure: { $0.maxQueued = 2 })
        let (seen, continuation) = AsyncStream.makeStream(of: String.self)
        harness.runner.register(InProcessHook(name: "swift", event: .sessionEnd, priority: 1) { event in continuation.yield(event.userId ?? "?") })
        // Not running yet: five runs for room for two.
        for index in 0..<5 { harness.runner.emit(HookEvent(.sessionStart, timestampMs: Int64(index))) }
        #expect(harness.runner.droppedRuns == 3)
        try await harness.running {
            _ = try await harness.next(2)
            harness.runner.emit(HookEvent(.sessionEnd, timestampMs: 0, userId: "u7"))
            var iterator = seen.makeAsyncIterator()
            let user = await iterator.next()
            #expect(user == "u7")
            let runs = try await harness.next(1)
            #expect(runs.first?.hookName == "swift")
        }
    }

    /// Announces `gateway:shutdown` when shutdown begins, as the gateway's automation service does.
    struct ShutdownAnnouncer: Service {
        let runner: HookRunner
        func run() async throws {
            try? await gracefulShutdown()
            runner.emit(HookEvent(.gatewayShutdown, timestampMs: 0))
        }
    }

    @Test("gateway:shutdown hooks emitted as shutdown begins still run (the runner stops after the service that announces it)")
    func shutdownHooks() async throws {
        let harness = try Harness([Self.hook("bye", .gatewayShutdown, "echo bye > bye.txt")])
        // Services stop in reverse order: the announcer first, then the runner, as in the gateway.
        let group = ServiceGroup(configuration: .init(services: [harness.runner, ShutdownAnnouncer(runner: harness.runner)], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(harness.file("bye.txt") == "bye\n")
    }
}
