import Foundation
import SwitchboardClient
import SwitchboardProtocol
import SwitchboardTesting
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Hook runs against the real binary and kill -9: a run queued behind a busy hook runs after
/// the restart; the run the kill cut off is logged as interrupted and not run again.
@Suite(.timeLimit(.minutes(3)), .serialized)
struct HookQueueCrashTests {
    @Test("killed with a hook run queued: it runs after the restart; the cut-off one is logged as interrupted")
    func queuedHookSurvivesKill() async throws {
        let stateDir = TestGateway.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: stateDir) }
        let started = try HooksLiveTests.FIFO(stateDir + "/started.fifo")
        let recorded = try HooksLiveTests.FIFO(stateDir + "/recorded.fifo")
        let pidFile = stateDir + "/slow.pid"
        // The slow hook's shell leads its own session, so it outlives the killed gateway: stop it at the end.
        defer {
            if let text = try? String(contentsOfFile: pidFile, encoding: .utf8), let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                kill(-pid, SIGKILL)
            }
        }
        try await FakeModelServer.with { model in
            let config = modelConfig(
                model,
                extra: """
                    automation: { hooksMaxConcurrent: 1, hooks: [
                      { name: "slow", event: "message:received", priority: 10, timeout: 600, command: "echo $$ > \(pidFile); echo up > \(started.path); sleep 600" },
                      { name: "record", event: "message:received", timeout: 10, command: "echo \\"$CLARA_TEXT\\" > \(recorded.path)" } ] },
                    """)
            try await GatewayBinary.with(config: config, stateDir: stateDir) { gateway in
                try await gateway.withClient { client in
                    _ = try await client.call(ChatSend.self, .init(sessionKey: "hooks", message: "remember me", idempotencyKey: "h-1"))
                }
                // The slow hook started, so both runs were stored (one batch) and `record` waits.
                #expect(try await started.readLine() == "up\n")
                gateway.process.signal(SIGKILL)
                _ = try await gateway.process.waitForExit()
            }
            try await GatewayBinary.with(config: config, stateDir: stateDir) { gateway in
                #expect(try await recorded.readLine() == "remember me\n")
                try await gateway.withClient { client in
                    let runs = try await client.call(HooksRuns.self, .init(name: "slow"))
                    #expect(runs.runs.count == 1 && runs.runs.first?.error?.hasPrefix("interrupted") == true, "\(runs.runs)")
                }
            }
        }
    }
}
