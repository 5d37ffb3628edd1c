import Foundation
import SwitchboardClient
import SwitchboardProtocol
import SwitchboardTesting
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Acknowledged runs against the real binary: a stop or a kill -9 with many runs queued
/// loses none and runs none twice; a retry after a crash is recognised; the global cap.
@Suite("Run durability", .timeLimit(.minutes(3)), .serialized)
struct RunDurabilityTests {
    static let sessions = 6
    static let perSession = 10

    /// Sends `count` runs per session, each acked `started`; returns the keys.
    func sendMany(_ client: GatewayClient, prefix: String) async throws -> [[String]] {
        var keys: [[String]] = []
        for session in 0..<Self.sessions {
            var sessionKeys: [String] = []
            for index in 0..<Self.perSession {
                let key = "\(prefix)-\(session)-\(index)"
                let ack = try await client.call(ChatSend.self, .init(sessionKey: "s\(session)", message: "message \(key)", idempotencyKey: key))
                #expect(ack.status == "started")
                sessionKeys.append(key)
            }
            keys.append(sessionKeys)
        }
        return keys
    }

    /// After the restart: every run reaches an end, each message is in its session once and in
    /// order, and no message was answered twice.
    func verifyAfterRestart(_ binary: GatewayBinary, keys: [[String]], model: FakeModelServer) async throws {
        try await binary.withClient { client in
            var interrupted: Set<String> = []
            for key in keys.joined() {
                let outcome = try await client.call(AgentWait.self, .init(runId: key, timeoutMs: 60_000), timeout: .seconds(70))
                #expect(outcome.status == "ok" || outcome.error?.contains("interrupted") == true, "\(key): \(outcome.status) \(outcome.error ?? "")")
                if outcome.status != "ok" { interrupted.insert(key) }
            }
            // Only runs that were running at the stop may be cut short: at most the concurrency.
            #expect(interrupted.count <= 2, "\(interrupted)")
            for (session, sessionKeys) in keys.enumerated() {
                let history = try await client.call(ChatHistory.self, .init(sessionKey: "s\(session)", limit: 1000))
                let users = history.messages.filter { $0.role == "user" }.map(\.text)
                #expect(users == sessionKeys.map { "message \($0)" }, "session s\(session): \(users)")
                // Messages are stored as they are acknowledged; each run added exactly one answer.
                // (A run killed before its first words has no answer entry, only its interrupted outcome.)
                let answers = history.messages.filter { $0.role == "assistant" }
                let cut = sessionKeys.filter(interrupted.contains).count
                #expect(answers.count <= Self.perSession && answers.count >= Self.perSession - cut, "session s\(session): \(answers.count) answers")
            }
        }
        // The model was asked once per run: a run executed twice would show as one request too many.
        #expect(model.requests.count <= Self.sessions * Self.perSession, "\(model.requests.count) model requests for \(Self.sessions * Self.perSession) runs")
    }

    static func lastUserMessage(_ request: JSONValue) -> String? {
        request["messages"]?.arrayValue?.last { $0["role"] == "user" }.flatMap { $0["content"]?.stringValue }
    }

    static func config(_ model: FakeModelServer) -> String {
        modelConfig(model, extra: "gateway: { shutdownDrainMs: 300 },").replacingOccurrences(
            of: "chatDeltaThrottleMs: 0 }", with: "chatDeltaThrottleMs: 0, maxConcurrentRuns: 2, maxQueuedRunsPerSession: 50 }")
    }

    @Test("SIGTERM with 60 acknowledged runs queued: none is dropped, each runs once after the restart, in order")
    func stopWithQueuedRuns() async throws {
        try await durability(signal: SIGTERM)
    }

    @Test("kill -9 with 60 acknowledged runs queued: the same")
    func killWithQueuedRuns() async throws {
        try await durability(signal: SIGKILL)
    }

    func durability(signal: Int32) async throws {
        try await withStateDir { stateDir in
            try await FakeModelServer.with { model in
                model.setDefault(.text(["slow ", "answer"], delayMs: 150))
                let config = Self.config(model)
                let keys = try await GatewayBinary.with(config: config, stateDir: stateDir) { binary in
                    let keys = try await binary.withClient { client in try await sendMany(client, prefix: signal == SIGKILL ? "kill" : "term") }
                    binary.process.signal(signal)
                    let code = try await binary.process.waitForExit(timeout: .seconds(30))
                    #expect(signal == SIGKILL || code == 0)
                    return keys
                }
                let answeredBefore = model.requests.count
                #expect(answeredBefore < Self.sessions * Self.perSession, "the stop came after everything ran; the test proves nothing")
                model.setDefault(.echo)
                try await GatewayBinary.with(config: config, stateDir: stateDir) { binary in
                    try await verifyAfterRestart(binary, keys: keys, model: model)
                }
            }
        }
    }

    @Test("a retry after a crash lost the ack is recognised: the message is stored once and run once")
    func retryAfterCrash() async throws {
        try await withStateDir { stateDir in
            try await FakeModelServer.with { model in
                model.setDefault(.text(["slow ", "answer"], delayMs: 200))
                let config = Self.config(model)
                try await GatewayBinary.with(config: config, stateDir: stateDir) { binary in
                    try await binary.withClient { client in
                        for index in 0..<10 {
                            _ = try await client.call(ChatSend.self, .init(sessionKey: "r\(index)", message: "retry \(index)", idempotencyKey: "retry-\(index)"))
                        }
                    }
                    binary.process.signal(SIGKILL)
                    _ = try await binary.process.waitForExit(timeout: .seconds(30))
                }
                model.setDefault(.echo)
                try await GatewayBinary.with(config: config, stateDir: stateDir) { binary in
                    try await binary.withClient { client in
                        for index in 0..<10 {
                            let again = try await client.call(ChatSend.self, .init(sessionKey: "r\(index)", message: "retry \(index)", idempotencyKey: "retry-\(index)"))
                            #expect(again.status != "started", "retry-\(index) was started again")
                            #expect(again.runId == "retry-\(index)")
                        }
                        for index in 0..<10 {
                            _ = try await client.call(AgentWait.self, .init(runId: "retry-\(index)", timeoutMs: 30_000), timeout: .seconds(40))
                            let history = try await client.call(ChatHistory.self, .init(sessionKey: "r\(index)"))
                            #expect(history.messages.filter { $0.role == "user" }.count == 1, "r\(index): \(history.messages.map(\.text))")
                            // Once more, after it finished: the outcome, not a new run.
                            let late = try await client.call(ChatSend.self, .init(sessionKey: "r\(index)", message: "retry \(index)", idempotencyKey: "retry-\(index)"))
                            #expect(late.status == "ok" || late.status == "error")
                        }
                    }
                }
                // One session per message: each session's messages reached the model at most once.
                let asked = model.requests.compactMap(Self.lastUserMessage)
                #expect(Set(asked).count == asked.count, "a message was run twice: \(asked)")
                #expect(asked.count <= 10)
            }
        }
    }

    @Test("agents.defaults.maxQueuedRuns caps runs across sessions, naming the limit")
    func globalQueueCap() async throws {
        try await FakeModelServer.with { model in
            model.setDefault(.text(["slow"], delayMs: 2_000))
            let config = Self.config(model).replacingOccurrences(of: "maxQueuedRunsPerSession: 50", with: "maxQueuedRunsPerSession: 50, maxQueuedRuns: 5")
            try await TestGateway.with(config: config) { gateway in
                try await gateway.withClient { client in
                    for index in 0..<5 {
                        _ = try await client.call(ChatSend.self, .init(sessionKey: "cap\(index)", message: "m", idempotencyKey: "cap-\(index)"))
                    }
                    let refused = await #expect(throws: GatewayClientError.self) {
                        _ = try await client.call(ChatSend.self, .init(sessionKey: "cap9", message: "m", idempotencyKey: "cap-9"))
                    }
                    #expect(refused?.gatewayError?.code == .unavailable)
                    #expect(refused?.gatewayError?.message.contains("agents.defaults.maxQueuedRuns = 5") == true)
                    for index in 0..<5 { _ = try await client.call(ChatAbort.self, .init(sessionKey: "cap\(index)")) }
                }
            }
        }
    }
}
