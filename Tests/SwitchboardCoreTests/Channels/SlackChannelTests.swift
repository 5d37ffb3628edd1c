import Foundation
import SwitchboardClient
import SwitchboardProtocol
import SwitchboardTesting
import Testing

/// Config for a gateway with the fake model and the Slack connector on the fake Slack.
func slackConfig(_ model: FakeModelServer, _ slack: FakeSlackServer, access: String = "dmPolicy: \"open\"") -> String {
    modelConfig(
        model,
        extra: """
            channels: {
              telegram: { enabled: false },
              slack: { appToken: "\(FakeSlackServer.appToken)", botToken: "\(FakeSlackServer.botToken)", apiBaseUrl: "\(slack.apiBaseURL)", \(access) },
              outbox: { retryBaseMs: 50, retryMaxMs: 1000 },
            },
            """
    )
}

@Suite("Slack channel (fake Socket Mode and Web API)", .timeLimit(.minutes(3)))
struct SlackChannelTests {
    static func firstHello(_ slack: FakeSlackServer) async throws {
        _ = try await withTimeout(.seconds(20), "Socket Mode hello") { for await _ in slack.hellos.stream { return } }
    }

    @Test("a DM is acknowledged at once and answered flat, with Markdown as mrkdwn and markup escaped")
    func directMessage() async throws {
        try await FakeModelServer.with { model in
            try await FakeSlackServer.with { slack in
                model.enqueue(.text(["**Bold** and [docs](https://example.com) <!channel>"]))
                try await TestGateway.with(config: slackConfig(model, slack)) { gateway in
                    try await Self.firstHello(slack)
                    let envelope = await slack.push(text: "hello slack", user: "U1", channel: "D1")
                    let acked = try await withTimeout(.seconds(5), "the envelope's ack") { () -> String? in
                        for await id in slack.acks.stream { return id }
                        return nil
                    }
                    #expect(acked == envelope)
                    try await slack.waitForDelivered(1)
                    let sent = try #require(slack.sent.first)
                    #expect(sent.channel == "D1" && sent.threadTs == nil)
                    #expect(sent.text == "*Bold* and <https://example.com|docs> &lt;!channel&gt;")
                    let status = try await gateway.withClient { client in try await client.call(ChannelsStatus.self, .init()) }
                    #expect(status.channels["slack"]?["connected"] == true)
                }
            }
        }
    }

    @Test("in channels: only mentions are answered, in the message's thread; a thread reply stays in its thread")
    func channelsAndThreads() async throws {
        try await FakeModelServer.with { model in
            try await FakeSlackServer.with { slack in
                model.setDefault(.echo)
                try await TestGateway.with(config: slackConfig(model, slack)) { _ in
                    try await Self.firstHello(slack)
                    await slack.push(text: "just chatting", user: "U2", channel: "C1", channelType: "channel")
                    await slack.push(text: "what's up?", user: "U2", channel: "C1", channelType: "channel", mention: true)
                    try await slack.waitForDelivered(1)
                    await slack.push(text: "and in the thread", user: "U2", channel: "C1", channelType: "channel", threadTs: "1700000000.000001", mention: true)
                    try await slack.waitForDelivered(2)
                    let sent = slack.sent
                    #expect(sent.count == 2 && model.requests.count == 2)
                    #expect(sent[0].channel == "C1" && sent[0].threadTs != nil && sent[0].text == "echo: what's up?")
                    #expect(sent[1].threadTs == "1700000000.000001")
                }
            }
        }
    }

    @Test("a disconnect (refresh) opens a new connection and goes on; 429 Retry-After is honoured; long replies are split")
    func refreshRateLimitSplit() async throws {
        try await FakeModelServer.with { model in
            try await FakeSlackServer.with { slack in
                let words = (0..<1500).map { "word\($0)" }
                model.enqueue(.text(["short one"]), .text([words.joined(separator: " ")]))
                slack.scriptSends(.rateLimited(retryAfter: 1))
                try await TestGateway.with(config: slackConfig(model, slack)) { _ in
                    var hellos = slack.hellos.stream.makeAsyncIterator()
                    #expect(await hellos.next() == 1)
                    await slack.push(text: "first", user: "U3", channel: "D3")
                    try await slack.waitForDelivered(1)
                    #expect(slack.sendAttempts == 2)
                    await slack.requestRefresh()
                    #expect(await hellos.next() == 2)
                    await slack.push(text: "long please", user: "U3", channel: "D3")
                    // Every part, up to the one with the last word.
                    try await withTimeout(.seconds(30), "the long reply's last part") {
                        for await _ in slack.delivered.stream where slack.sent.last?.text.hasSuffix("word1499") == true { return }
                    }
                    let parts = slack.sent.dropFirst()
                    #expect(parts.count >= 3 && parts.allSatisfy { $0.text.count <= 4000 })
                    let rejoined = parts.map(\.text).joined(separator: " ").split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
                    #expect(rejoined.count == words.count && rejoined == words, "rejoined \(rejoined.count) words; first difference at \(Array(zip(rejoined, words)).firstIndex { $0.0 != $0.1 } ?? -1)")
                    #expect(slack.unacknowledged.isEmpty)
                }
            }
        }
    }

    @Test("a refused app token shows in channels.status; the rest of the gateway keeps running")
    func refusedToken() async throws {
        try await FakeModelServer.with { model in
            try await FakeSlackServer.with { slack in
                let config = slackConfig(model, slack).replacingOccurrences(of: FakeSlackServer.appToken, with: "xapp-wrong")
                try await TestGateway.with(config: config) { gateway in
                    let log = try ChildProcess(executable: "/usr/bin/tail", arguments: ["-n", "+1", "-F", gateway.logFile], environment: [:])
                    defer { log.terminate() }
                    _ = try await log.waitForLine(containing: "Slack connection failed", timeout: .seconds(20))
                    let status = try await gateway.withClient { client in try await client.call(ChannelsStatus.self, .init()) }
                    #expect(status.channels["slack"]?["lastError"]?.stringValue?.contains("invalid_auth") == true)
                    #expect(status.channels["slack"]?["connected"] == false)
                }
            }
        }
    }
}
