import Foundation
import SwitchboardProtocol
import SwitchboardTesting
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Discord replies survive crashes and restarts like Telegram's: produced once, delivered once;
/// and the gateway session is stored with each message, so a restart resumes it and messages
/// sent while the gateway was down are replayed, not lost.
@Suite("Discord durability", .timeLimit(.minutes(3)), .serialized)
struct DiscordDurabilityTests {
    @Test("kill -9 between 'reply produced' and 'delivered': after restart the session resumes and the reply arrives exactly once")
    func killDashNineBeforeDelivery() async throws {
        let stateDir = TestGateway.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: stateDir) }
        try await FakeModelServer.with { model in
            try await FakeDiscordServer.with { discord in
                model.enqueue(.text(["the durable answer"]))
                discord.scriptSends(.hang)
                let config = discordConfig(model, discord)
                try Data(config.utf8).write(to: URL(fileURLWithPath: stateDir + "/switchboard.json"))
                let process = try ChildProcess(
                    executable: ChildProcess.switchboardExecutable(), arguments: ["gateway", "--port", "0"], environment: daemonEnvironment(stateDir: stateDir)
                )
                defer { process.terminate() }
                var openings = discord.openings.stream.makeAsyncIterator()
                guard case .identify? = await openings.next() else { Issue.record("expected identify"); return }
                await discord.push(content: "please remember", authorId: "11", channelId: "dm-11")
                // The first create-message call means the reply is in the outbox; Discord never answers it.
                try await withTimeout(.seconds(30), "the first delivery attempt") {
                    for await _ in discord.sendAttempted.stream { return }
                }
                process.signal(SIGKILL)
                _ = try await process.waitForExit()
                #expect(discord.sent.isEmpty)

                let reopened = try await TestGateway.with(config: config, stateDir: stateDir) { _ in
                    let opening = try await withTimeout(.seconds(20), "the restarted gateway's opening") { () -> FakeDiscordServer.Opening? in
                        for await opening in discord.openings.stream { return opening }
                        return nil
                    }
                    try await discord.waitForDelivered(1)
                    return opening
                }
                guard case .resume(_, let seq)? = reopened else { Issue.record("expected the stored session to be resumed, got \(String(describing: reopened))"); return }
                #expect(seq != nil)
                #expect(discord.sent.map(\.channelId) == ["dm-11"] && discord.sent.first?.content == "the durable answer")
                #expect(discord.sendAttempts == 2)
                #expect(model.requests.count == 1)
            }
        }
    }

    @Test("200 messages from 20 users with a restart midway, some sent while the gateway is down: each answered exactly once, in order per user")
    func restartWithMessagesWhileDown() async throws {
        let stateDir = TestGateway.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: stateDir) }
        try await FakeModelServer.with { model in
            try await FakeDiscordServer.with { discord in
                model.setDefault(.echo)
                let config = discordConfig(model, discord)
                let users = 20
                let perUser = 10
                @Sendable func push(round: Int) async {
                    for user in 1...users { await discord.push(content: "u\(user) m\(round)", authorId: "\(1000 + user)", channelId: "dm-\(user)") }
                }
                try await TestGateway.with(config: config, stateDir: stateDir) { _ in
                    _ = try await withTimeout(.seconds(20), "identify") { for await _ in discord.openings.stream { return } }
                    for round in 0..<4 { await push(round: round) }
                    try await discord.waitForDelivered(40, timeout: .seconds(60))
                }
                // Down: these wait in Discord's session until the gateway resumes it.
                for round in 4..<6 { await push(round: round) }
                let beforeRestart = discord.sent.count
                try await TestGateway.with(config: config, stateDir: stateDir) { _ in
                    _ = try await withTimeout(.seconds(20), "resume") {
                        for await opening in discord.openings.stream { if case .resume = opening { return } }
                    }
                    for round in 6..<perUser { await push(round: round) }
                    try await discord.waitForDelivered(users * perUser, timeout: .seconds(120))
                }
                let sent = discord.sent
                #expect(beforeRestart < users * perUser)
                #expect(sent.count == users * perUser)
                for user in 1...users {
                    let answers = sent.filter { $0.channelId == "dm-\(user)" }.map(\.content)
                    #expect(answers == (0..<perUser).map { "echo: u\(user) m\($0)" }, "user \(user)")
                }
            }
        }
    }
}
