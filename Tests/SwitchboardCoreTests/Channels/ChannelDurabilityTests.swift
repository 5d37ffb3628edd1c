import Foundation
import SwitchboardClient
import SwitchboardProtocol
import SwitchboardTesting
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Replies survive crashes and restarts: produced once, delivered once.
@Suite("Channel durability", .timeLimit(.minutes(3)), .serialized)
struct ChannelDurabilityTests {
    @Test("kill -9 between 'reply produced' and 'delivered': after restart the reply arrives exactly once")
    func killDashNineBeforeDelivery() async throws {
        let stateDir = TestGateway.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: stateDir) }
        try await FakeModelServer.with { model in
            try await FakeTelegramServer.with { telegram in
                model.enqueue(.text(["the durable answer"]))
                telegram.scriptSends(.hang)
                let config = telegramConfig(model, telegram)
                try Data(config.utf8).write(to: URL(fileURLWithPath: stateDir + "/switchboard.json"))
                var environment = ProcessInfo.processInfo.environment
                environment["SWITCHBOARD_STATE_DIR"] = stateDir
                environment.removeValue(forKey: "SWITCHBOARD_GATEWAY_TOKEN")
                environment.removeValue(forKey: "SWITCHBOARD_CONFIG_PATH")
                environment.removeValue(forKey: "TELEGRAM_BOT_TOKEN")
                let process = try ChildProcess(executable: ChildProcess.switchboardExecutable(), arguments: ["gateway", "--port", "0"], environment: environment)
                defer { process.terminate() }
                _ = try await process.waitForLine(containing: "gateway listening")
                telegram.push(text: "please remember", fromUser: 11)
                // The first sendMessage arriving means the reply is in the outbox; the platform never acknowledges it.
                try await withTimeout(.seconds(30), "the first delivery attempt") {
                    for await _ in telegram.sendAttempted.stream { return }
                }
                process.signal(SIGKILL)
                _ = try await process.waitForExit()
                #expect(telegram.sent.isEmpty)

                try await TestGateway.with(config: config, stateDir: stateDir) { _ in
                    try await telegram.waitForDelivered(1)
                }
                #expect(telegram.sent.map(\.chatId) == ["11"])
                #expect(telegram.sent.first?.text == "the durable answer")
                #expect(telegram.sendAttempts == 2)
                // The answer came from the outbox, not from a second run.
                #expect(model.requests.count == 1)
            }
        }
    }

    @Test("a restart while messages wait: the pending ones are answered after it, once")
    func restartWithPendingMessages() async throws {
        let stateDir = TestGateway.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: stateDir) }
        try await FakeModelServer.with { model in
            try await FakeTelegramServer.with { telegram in
                model.setDefault(.echo)
                let config = telegramConfig(model, telegram)
                let users = 20
                let perUser = 10
                @Sendable func push(round: Int) {
                    for user in 1...users { telegram.push(text: "u\(user) m\(round)", fromUser: Int64(1000 + user)) }
                }
                try await TestGateway.with(config: config, stateDir: stateDir) { _ in
                    for round in 0..<(perUser / 2) { push(round: round) }
                    // Stop midway: some replies delivered, others queued or running.
                    try await telegram.waitForDelivered(40, timeout: .seconds(60))
                }
                let beforeRestart = telegram.sent.count
                try await TestGateway.with(config: config, stateDir: stateDir) { _ in
                    for round in (perUser / 2)..<perUser { push(round: round) }
                    try await telegram.waitForDelivered(users * perUser, timeout: .seconds(120))
                }
                let sent = telegram.sent
                #expect(beforeRestart < users * perUser)
                #expect(sent.count == users * perUser)
                var seen = Set<String>()
                for message in sent {
                    let match = message.text.firstMatch(of: /^echo: u(\d+) m(\d+)$/)
                    #expect(match != nil, "unexpected reply \(message.text)")
                    if let match { #expect(message.chatId == String(1000 + Int(match.1)!), "reply \(message.text) went to chat \(message.chatId)") }
                    #expect(seen.insert(message.text).inserted, "\(message.text) was delivered twice")
                }
                #expect(seen.count == users * perUser)
                #expect(telegram.unconfirmedUpdates == 0)
            }
        }
    }
}
