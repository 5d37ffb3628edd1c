import Foundation
import SwitchboardClient
import SwitchboardProtocol
import SwitchboardTesting
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// System events against the real binary and kill -9: an event whose heartbeat turn was cut off
/// is carried by the next heartbeat after the restart; an event a finished heartbeat carried is
/// never carried again; the last heartbeat survives the restart.
@Suite(.timeLimit(.minutes(3)), .serialized)
struct HeartbeatCrashTests {
    /// The next request's last user message.
    static func nextPrompt(_ model: FakeModelServer) async throws -> String {
        let arrivals = model.requestArrived.stream
        return try await withTimeout(.seconds(30), "a model request") {
            for await _ in arrivals { return FakeModelServer.lastUserText(try unwrap(model.requests.last)) }
            throw TestTimeout(what: "a model request (stream ended)")
        }
    }

    @Test("killed during a heartbeat turn: its event comes back in the next heartbeat; after a finished one, nothing repeats")
    func eventsSurviveKills() async throws {
        let stateDir = TestGateway.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: stateDir) }
        try await FakeModelServer.with { model in
            let config = modelConfig(model, agentDefaults: #", heartbeat: { every: "0m" }"#)
            let never = Gate()
            defer { never.open() }
            try await GatewayBinary.with(config: config, stateDir: stateDir) { gateway in
                model.enqueue(.held(["too late"], until: never))
                try await gateway.withClient { client in
                    _ = try await client.call(Wake.self, .init(mode: "now", text: "event A"))
                }
                #expect(try await Self.nextPrompt(model).contains("event A"))
                gateway.process.signal(SIGKILL)
                _ = try await gateway.process.waitForExit()
            }
            try await GatewayBinary.with(config: config, stateDir: stateDir) { gateway in
                _ = try await gateway.process.waitForLine(containing: "heartbeat turn did not finish")
                model.enqueue(.text(["HEARTBEAT_OK"]))
                try await gateway.withClient { client in
                    _ = try await client.call(Wake.self, .init(mode: "now", text: "event B"))
                    let prompt = try await Self.nextPrompt(model)
                    #expect(prompt.contains("event A") && prompt.contains("event B"), "the cut-off turn's event is carried again: \(prompt)")
                    #expect(try await client.nextHeartbeat()["status"] == "ok-token")
                }
                gateway.process.signal(SIGKILL)
                _ = try await gateway.process.waitForExit()
            }
            try await GatewayBinary.with(config: config, stateDir: stateDir) { gateway in
                model.enqueue(.text(["HEARTBEAT_OK"]))
                try await gateway.withClient { client in
                    let last = try #require(try await client.call(LastHeartbeat.self, .init()))
                    #expect(last.status == "ok-token", "the last heartbeat is kept across the restart")
                    _ = try await client.call(Wake.self, .init(mode: "now", text: "event C"))
                    let prompt = try await Self.nextPrompt(model)
                    #expect(prompt.contains("event C") && !prompt.contains("event A") && !prompt.contains("event B"), "carried once: \(prompt)")
                    _ = try await client.nextHeartbeat()
                }
            }
        }
    }
}
