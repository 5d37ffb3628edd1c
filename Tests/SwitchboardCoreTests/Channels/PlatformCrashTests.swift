import Foundation
import SwitchboardProtocol
import SwitchboardTesting
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// kill -9 of the real gateway between "reply produced" and "delivered", through the Slack and
/// Signal connectors (Discord's is in `DiscordDurabilityTests`): after the restart the reply is
/// delivered exactly once, from the outbox, without a second run.
@Suite("Slack and Signal across kill -9", .timeLimit(.minutes(3)), .serialized)
struct PlatformCrashTests {
    /// Starts the real binary on `config`, runs `provoke` (which waits for the first delivery
    /// attempt), and kills it with SIGKILL.
    static func crash(stateDir: String, config: String, provoke: @Sendable () async throws -> Void) async throws {
        try Data(config.utf8).write(to: URL(fileURLWithPath: stateDir + "/switchboard.json"))
        let process = try ChildProcess(
            executable: ChildProcess.switchboardExecutable(), arguments: ["gateway", "--port", "0"], environment: daemonEnvironment(stateDir: stateDir)
        )
        defer { process.terminate() }
        _ = try await process.waitForLine(containing: "gateway listening")
        try await provoke()
        process.signal(SIGKILL)
        _ = try await process.waitForExit()
    }

    @Test("Slack: kill -9 while chat.postMessage hangs; after the restart the reply is posted once")
    func slack() async throws {
        let stateDir = TestGateway.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: stateDir) }
        try await FakeModelServer.with { model in
            try await FakeSlackServer.with { slack in
                model.enqueue(.text(["the durable answer"]))
                slack.scriptSends(.hang)
                let config = slackConfig(model, slack)
                try await Self.crash(stateDir: stateDir, config: config) {
                    try await withTimeout(.seconds(20), "hello") { for await _ in slack.hellos.stream { return } }
                    await slack.push(text: "please remember", user: "U9", channel: "D9")
                    try await withTimeout(.seconds(30), "the first delivery attempt") { for await _ in slack.sendAttempted.stream { return } }
                }
                #expect(slack.sent.isEmpty)
                try await TestGateway.with(config: config, stateDir: stateDir) { _ in
                    try await slack.waitForDelivered(1)
                }
                #expect(slack.sent.map(\.channel) == ["D9"] && slack.sent.first?.text == "the durable answer")
                #expect(slack.sendAttempts == 2 && model.requests.count == 1)
            }
        }
    }

    @Test("Signal: kill -9 while send is unanswered; after the restart the reply is sent once")
    func signal() async throws {
        let stateDir = TestGateway.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: stateDir) }
        try await FakeModelServer.with { model in
            try await FakeSignalDaemon.with { daemon in
                model.enqueue(.text(["the durable answer"]))
                daemon.scriptSends(.hang)
                let config = signalConfig(model, daemon)
                try await Self.crash(stateDir: stateDir, config: config) {
                    try await withTimeout(.seconds(20), "subscription") { for await _ in daemon.subscriptions.stream { return } }
                    await daemon.push(text: "please remember", from: "+15550009999")
                    try await withTimeout(.seconds(30), "the first delivery attempt") { for await _ in daemon.sendAttempted.stream { return } }
                }
                #expect(daemon.sent.isEmpty)
                try await TestGateway.with(config: config, stateDir: stateDir) { _ in
                    try await daemon.waitForDelivered(1)
                }
                #expect(daemon.sent == [.init(target: "+15550009999", message: "the durable answer")])
                #expect(daemon.sendAttempts == 2 && model.requests.count == 1)
            }
        }
    }
}
