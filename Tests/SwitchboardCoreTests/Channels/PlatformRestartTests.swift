import Foundation
import SwitchboardProtocol
import SwitchboardTesting
import Testing

/// The 200-message run with a restart midway, through the Slack and Signal connectors' fakes
/// (Discord's, which also replays messages sent while the gateway was down, is in
/// `DiscordDurabilityTests`): every message answered exactly once, in order per user.
@Suite("Slack and Signal across a restart", .timeLimit(.minutes(3)), .serialized)
struct PlatformRestartTests {
    static let users = 20
    static let perUser = 10

    static func checkAnswers(_ answers: [(chat: String, text: String)], chat: (Int) -> String) {
        #expect(answers.count == users * perUser)
        for user in 1...users {
            let mine = answers.filter { $0.chat == chat(user) }.map(\.text)
            #expect(mine == (0..<perUser).map { "echo: u\(user) m\($0)" }, "user \(user)")
        }
    }

    @Test("Slack: 200 messages from 20 users, a restart midway: each answered once, in order per user")
    func slack() async throws {
        let stateDir = TestGateway.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: stateDir) }
        try await FakeModelServer.with { model in
            try await FakeSlackServer.with { slack in
                model.setDefault(.echo)
                let config = slackConfig(model, slack)
                @Sendable func push(_ rounds: Range<Int>) async {
                    for round in rounds { for user in 1...Self.users { await slack.push(text: "u\(user) m\(round)", user: "U\(user)", channel: "D\(user)") } }
                }
                try await TestGateway.with(config: config, stateDir: stateDir) { _ in
                    try await withTimeout(.seconds(20), "hello") { for await _ in slack.hellos.stream { return } }
                    await push(0..<5)
                    try await slack.waitForDelivered(40, timeout: .seconds(60))
                }
                try await TestGateway.with(config: config, stateDir: stateDir) { _ in
                    try await withTimeout(.seconds(20), "hello after the restart") { for await _ in slack.hellos.stream { return } }
                    await push(5..<Self.perUser)
                    try await slack.waitForDelivered(Self.users * Self.perUser, timeout: .seconds(120))
                }
                Self.checkAnswers(slack.sent.map { ($0.channel, $0.text) }) { "D\($0)" }
                #expect(slack.unacknowledged.isEmpty)
            }
        }
    }

    @Test("Signal: 200 messages from 20 users, a restart midway: each answered once, in order per user")
    func signal() async throws {
        let stateDir = TestGateway.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: stateDir) }
        try await FakeModelServer.with { model in
            try await FakeSignalDaemon.with { daemon in
                model.setDefault(.echo)
                let config = signalConfig(model, daemon)
                @Sendable func push(_ rounds: Range<Int>) async {
                    for round in rounds { for user in 1...Self.users { await daemon.push(text: "u\(user) m\(round)", from: "+1555000\(1000 + user)") } }
                }
                try await TestGateway.with(config: config, stateDir: stateDir) { _ in
                    try await withTimeout(.seconds(20), "subscription") { for await _ in daemon.subscriptions.stream { return } }
                    await push(0..<5)
                    try await daemon.waitForDelivered(40, timeout: .seconds(60))
                }
                try await TestGateway.with(config: config, stateDir: stateDir) { _ in
                    try await withTimeout(.seconds(20), "subscription after the restart") { for await _ in daemon.subscriptions.stream { return } }
                    await push(5..<Self.perUser)
                    try await daemon.waitForDelivered(Self.users * Self.perUser, timeout: .seconds(120))
                }
                Self.checkAnswers(daemon.sent.map { ($0.target, $0.message) }) { "+1555000\(1000 + $0)" }
            }
        }
    }
}
