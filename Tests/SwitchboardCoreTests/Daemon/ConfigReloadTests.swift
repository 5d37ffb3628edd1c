import Foundation
import SwitchboardClient
import SwitchboardCore
import SwitchboardProtocol
import SwitchboardTesting
import Testing

/// Config edits on disk while the gateway runs: hot keys in place, restart keys through the
/// in-process restart, invalid edits rejected with the last good config kept.
@Suite("Config reload", .timeLimit(.minutes(2)))
struct ConfigReloadTests {
    static func config(_ model: FakeModelServer, prompt: String, tickMs: Int = 30_000, extra: String = "") -> String {
        """
        {
          models: { providers: { fake: { baseUrl: "\(model.baseURL)", apiKey: "sk-test", models: ["m1"] } } },
          agents: { defaults: { model: "fake/m1", systemPrompt: "\(prompt)" } },
          gateway: { tickIntervalMs: \(tickMs), reload: { debounceMs: 50 } },
          \(extra)
        }
        """
    }

    static func write(_ text: String, to gateway: TestGateway) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: gateway.paths.configPath))
    }

    @Test("a hot key edited on disk applies in place: same connection, next run uses it")
    func hotKeyAppliesInPlace() async throws {
        try await FakeModelServer.with { model in
            try await TestGateway.with(config: Self.config(model, prompt: "be brief")) { gateway in
                try await gateway.withClient { client in
                    try Self.write(Self.config(model, prompt: "be thorough"), to: gateway)
                    let changed = try await client.event(named: "config.changed")
                    #expect(changed.payload?["applied"] == "hot" && changed.payload?["changed"] == ["agents.defaults.systemPrompt"])
                    _ = try await client.call(ChatSend.self, .init(sessionKey: "main", message: "hi", idempotencyKey: "after-edit"))
                    let events = try await client.chatEvents(runId: "after-edit")
                    #expect(events.last?["state"] == "final")
                }
                let system = model.requests.last?["messages"]?[0]
                #expect(system?["role"] == "system" && system?["content"] == "be thorough")
                #expect(gateway.supervisor.board.latest?.generation == 1)
            }
        }
    }

    @Test("a restart key edited on disk restarts in-process on the same port with the new value")
    func restartKeyRestartsInProcess() async throws {
        try await FakeModelServer.with { model in
            try await TestGateway.with(config: Self.config(model, prompt: "p")) { gateway in
                try await gateway.withClient { client in
                    try Self.write(Self.config(model, prompt: "p", tickMs: 5_000), to: gateway)
                    let changed = try await client.event(named: "config.changed")
                    #expect(changed.payload?["applied"] == "restart" && changed.payload?["changed"] == ["gateway.tickIntervalMs"])
                    let shutdown = try await client.event(named: "shutdown")
                    #expect(shutdown.payload?["reason"] == "gateway restarting" && (shutdown.payload?["restartExpectedMs"]?.intValue ?? 0) > 0)
                    let closed = try await client.nextEvent { if case .disconnected = $0 { true } else { false } }
                    guard case .disconnected(let code, _) = closed else { return }
                    #expect(code == 1012)
                }
                let next = try #require(await gateway.supervisor.waitUntilListening(generation: 2))
                #expect(next.port == gateway.port)
                try await gateway.withClient { client in
                    #expect(client.hello?.policy.tickIntervalMs == 5_000)
                }
            }
        }
    }

    @Test("an invalid edit is rejected with the key path, logged, and the last good config keeps serving")
    func invalidEditIsRejected() async throws {
        let stateDir = TestGateway.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: stateDir) }
        try await FakeModelServer.with { model in
            let logFile = try await TestGateway.with(config: Self.config(model, prompt: "p"), stateDir: stateDir) { gateway in
                try await gateway.withClient { client in
                    try Self.write(#"{ gateway: { tickIntervalMs: "fast" } }"#, to: gateway)
                    let rejected = try await client.event(named: "config.changed")
                    #expect(rejected.payload?["applied"] == "rejected")
                    let problems = rejected.payload?["problems"]?.arrayValue?.compactMap(\.stringValue) ?? []
                    #expect(problems.contains { $0.hasPrefix("gateway.tickIntervalMs: expected an integer") })
                    let config = try await client.call(ConfigGet.self)
                    #expect(config.effective["gateway"]?["tickIntervalMs"] == 30_000 && config.effective["agents"]?["defaults"]?["systemPrompt"] == "p")
                    #expect(try await client.call(Health.self, .init()).ok)
                }
                #expect(gateway.supervisor.board.latest?.generation == 1)
                return gateway.logFile
            }
            // The supervisor flushes the log file before it returns, so it is complete here.
            let log = try String(contentsOfFile: logFile, encoding: .utf8)
            #expect(log.split(separator: "\n").contains { $0.contains("config edit rejected") && $0.contains("gateway.tickIntervalMs: expected an integer") })
        }
    }
}
