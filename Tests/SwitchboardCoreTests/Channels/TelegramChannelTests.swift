import Foundation
import SwitchboardClient
import SwitchboardProtocol
import SwitchboardTesting
import Testing

@Suite("Telegram channel (fake Bot API)", .timeLimit(.minutes(3)))
struct TelegramChannelTests {
    @Test("a direct message is answered in its chat, as a reply, with Markdown rendered and HTML escaped")
    func replyEscaped() async throws {
        try await FakeModelServer.with { model in
            try await FakeTelegramServer.with { telegram in
                model.enqueue(.text(["Use <b>tags</b> & **bold**"]))
                try await TestGateway.with(config: telegramConfig(model, telegram)) { _ in
                    let messageId = telegram.push(text: "hi", fromUser: 42, name: "Ada")
                    try await telegram.waitForDelivered(1)
                    let sent = try #require(telegram.sent.first)
                    #expect(sent.chatId == "42")
                    #expect(sent.parseMode == "HTML")
                    #expect(sent.text == "Use &lt;b&gt;tags&lt;/b&gt; &amp; <b>bold</b>")
                    #expect(sent.replyTo == messageId + 500)
                    let prompt = GatewayJSON.string(try #require(model.requests.first))
                    #expect(prompt.contains("Ada (id 42)"))
                }
            }
        }
    }

    @Test("a long reply is split into parts of at most 4096 characters, in order")
    func longReplySplit() async throws {
        try await FakeModelServer.with { model in
            try await FakeTelegramServer.with { telegram in
                let words = (0..<2000).map { "word\($0)" }
                model.enqueue(.text([words.joined(separator: " ")]))
                try await TestGateway.with(config: telegramConfig(model, telegram)) { _ in
                    telegram.push(text: "long please", fromUser: 7)
                    try await telegram.waitForDelivered(5)
                    let parts = telegram.sent
                    #expect(parts.count == 5)
                    #expect(parts.allSatisfy { $0.text.utf16.count <= 4096 && $0.chatId == "7" })
                    let rejoined = parts.map(\.text).joined(separator: " ").split(separator: " ").map(String.init)
                    #expect(rejoined == words)
                    #expect(parts[0].replyTo != nil && parts[1].replyTo == nil)
                }
            }
        }
    }

    @Test("429 retry_after and 5xx answers are retried; the message arrives once")
    func retriesRateLimits() async throws {
        try await FakeModelServer.with { model in
            try await FakeTelegramServer.with { telegram in
                telegram.scriptSends(.rateLimited(retryAfter: 1), .status(502, description: "Bad Gateway"))
                try await TestGateway.with(config: telegramConfig(model, telegram)) { gateway in
                    telegram.push(text: "hello", fromUser: 9)
                    do {
                        try await telegram.waitForDelivered(1)
                    } catch {
                        // Say where it stuck: attempts made, and the gateway's own account of it.
                        let log = (try? String(contentsOfFile: gateway.logFile, encoding: .utf8)) ?? ""
                        Issue.record("\(error); sendAttempts \(telegram.sendAttempts); log tail:\n\(log.split(separator: "\n").suffix(40).joined(separator: "\n"))")
                        return
                    }
                    #expect(telegram.sendAttempts == 3)
                    #expect(telegram.sent.count == 1)
                    let status = try await gateway.withClient { client in try await client.call(ChannelsStatus.self, .init()) }
                    #expect(status.outbox("telegram")["delivered"] == 1)
                    #expect(status.channels["telegram"]?["connected"] == true)
                    #expect(status.channelAccounts["telegram"]?.first?["name"]?.stringValue == "@\(FakeTelegramServer.botUsername)")
                }
            }
        }
    }

    @Test("send delivers through the connector once per idempotency key, and names bad params")
    func sendDeduplicates() async throws {
        try await FakeModelServer.with { model in
            try await FakeTelegramServer.with { telegram in
                try await TestGateway.with(config: telegramConfig(model, telegram)) { gateway in
                    try await gateway.withClient { client in
                        let params = Send.Params(to: "77", message: "Reminder: **stand-up** at 10", channel: "telegram", idempotencyKey: "reminder-1")
                        let first = try await client.call(Send.self, params)
                        let again = try await client.call(Send.self, params)
                        #expect(first.messageId == again.messageId && first.chatId == "77" && first.runId == "reminder-1")
                        #expect(telegram.sent.count == 1)
                        #expect(telegram.sent.first?.text == "Reminder: <b>stand-up</b> at 10")
                        let reused = await #expect(throws: GatewayClientError.self) {
                            try await client.call(Send.self, .init(to: "78", message: "other", channel: "telegram", idempotencyKey: "reminder-1"))
                        }
                        #expect(reused?.description.contains("idempotencyKey reminder-1 was already used for a different message") == true)
                        let unknown = await #expect(throws: GatewayClientError.self) {
                            try await client.call(Send.self, .init(to: "1", message: "x", channel: "carrier-pigeon", idempotencyKey: "k2"))
                        }
                        #expect(unknown?.description.contains("unknown channel carrier-pigeon (available: telegram)") == true)
                    }
                }
            }
        }
    }

    @Test("groups are answered only when allowlisted and addressed")
    func groupRules() async throws {
        try await FakeModelServer.with { model in
            try await FakeTelegramServer.with { telegram in
                let access = "dmPolicy: \"open\", groupAllowFrom: [-100]"
                try await TestGateway.with(config: telegramConfig(model, telegram, access: access)) { _ in
                    telegram.push(text: "@\(FakeTelegramServer.botUsername) are you there", fromUser: 1, chatId: -200, chatType: "supergroup")
                    telegram.push(text: "just chatting", fromUser: 1, chatId: -100, chatType: "supergroup")
                    telegram.push(text: "@\(FakeTelegramServer.botUsername) hello", fromUser: 2, chatId: -100, chatType: "supergroup")
                    telegram.push(text: "replying to you", fromUser: 3, chatId: -100, chatType: "group", replyToBot: true)
                    try await telegram.waitForDelivered(2)
                    #expect(telegram.sent.map(\.chatId) == ["-100", "-100"])
                    let prompts = model.requests.map { GatewayJSON.string($0) }
                    #expect(prompts.count == 2)
                    #expect(prompts.contains { $0.contains("\"hello\"") }, "\(prompts)")
                    #expect(!prompts.contains { $0.contains("just chatting") || $0.contains("are you there") })
                }
            }
        }
    }

    @Test("allowlist policy ignores senders not listed")
    func allowlist() async throws {
        try await FakeModelServer.with { model in
            try await FakeTelegramServer.with { telegram in
                try await TestGateway.with(config: telegramConfig(model, telegram, access: "dmPolicy: \"allowlist\", allowFrom: [\"7\"]")) { _ in
                    telegram.push(text: "let me in", fromUser: 8)
                    telegram.push(text: "hi", fromUser: 7)
                    try await telegram.waitForDelivered(1)
                    #expect(telegram.sent.map(\.chatId) == ["7"])
                    #expect(model.requests.count == 1)
                }
            }
        }
    }

    @Test("pairing: unknown senders get a code, at most 3 per channel; approval lets them in; nothing reaches the agent before")
    func pairing() async throws {
        try await FakeModelServer.with { model in
            try await FakeTelegramServer.with { telegram in
                try await TestGateway.with(config: telegramConfig(model, telegram, access: "")) { gateway in
                    telegram.push(text: "hello?", fromUser: 1, name: "Grace")
                    try await telegram.waitForDelivered(1)
                    let first = telegram.sent[0].text
                    let code = try #require(first.firstMatch(of: /approve telegram ([A-Z0-9]{8})/).map { String($0.1) })
                    for user in 2...4 { telegram.push(text: "me too", fromUser: Int64(user)) }
                    telegram.push(text: "still there?", fromUser: 1)
                    try await telegram.waitForDelivered(4)
                    // Different chats are delivered concurrently: compare without order.
                    #expect(telegram.sent.map(\.chatId).sorted() == ["1", "1", "2", "3"])
                    #expect(telegram.sent.filter { $0.chatId == "1" }.allSatisfy { $0.text.contains(code) })
                    #expect(model.requests.isEmpty)

                    try await gateway.withClient { client in
                        let list = try await client.call(ChannelsPairingList.self, .init(channel: "telegram"))
                        #expect(Set(list.requests.map(\.senderId)) == ["1", "2", "3"])
                        let wrong = await #expect(throws: GatewayClientError.self) {
                            try await client.call(ChannelsPairingApprove.self, .init(channel: "telegram", code: "AAAAAAAA"))
                        }
                        #expect(wrong?.description.contains("no live pairing code AAAAAAAA on channel telegram") == true)
                        let approved = try await client.call(ChannelsPairingApprove.self, .init(channel: "telegram", code: code.lowercased()))
                        #expect(approved.approved.senderId == "1" && approved.approved.senderName == "Grace")
                    }
                    try await telegram.waitForDelivered(5)
                    #expect(telegram.sent[4].text.contains("approved"))
                    telegram.push(text: "now answer me", fromUser: 1)
                    try await telegram.waitForDelivered(6)
                    #expect(telegram.sent[5].chatId == "1" && telegram.sent[5].text == "ok")
                    #expect(model.requests.count == 1)
                }
            }
        }
    }

    @Test("the update offset is stored with each message: a restart neither loses nor repeats updates")
    func offsetSurvivesRestart() async throws {
        try await FakeModelServer.with { model in
            try await FakeTelegramServer.with { telegram in
                let stateDir = TestGateway.makeTemporaryDirectory()
                defer { try? FileManager.default.removeItem(atPath: stateDir) }
                let config = telegramConfig(model, telegram)
                try await TestGateway.with(config: config, stateDir: stateDir) { _ in
                    telegram.push(text: "one", fromUser: 5)
                    telegram.push(text: "two", fromUser: 6)
                    try await telegram.waitForDelivered(2)
                }
                let offsetsBefore = telegram.offsets.count
                try await TestGateway.with(config: config, stateDir: stateDir) { _ in
                    telegram.push(text: "three", fromUser: 5)
                    try await telegram.waitForDelivered(3)
                }
                #expect(telegram.offsets[offsetsBefore] == 3)
                #expect(model.requests.count == 3)
                #expect(telegram.sent.count == 3)
            }
        }
    }
}
