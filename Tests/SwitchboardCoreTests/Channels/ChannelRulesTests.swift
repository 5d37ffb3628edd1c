import Foundation
import SwitchboardChannels
import SwitchboardPluginAPI
import SwitchboardStore
import SwitchboardProtocol
import Testing

@testable import SwitchboardCore

@Suite("Channel access rules and config")
struct ChannelRulesTests {
    func message(_ kind: InboundMessage.ChatKind, sender: String = "u1", chat: String = "c1", mentioned: Bool = false) -> InboundMessage {
        InboundMessage(
            connector: "telegram", channel: "telegram", accountId: "default", platformMessageId: "1", chatId: chat, chatKind: kind, senderId: sender,
            senderName: nil, text: "hi", mentioned: mentioned
        )
    }

    @Test("direct-message policies")
    func directPolicies() {
        var access = ChannelConfiguration.Access()
        let policy = { AccessPolicy(channelKey: "telegram", access: access) }
        #expect(policy().decide(message(.direct), approved: false) == .pair)
        #expect(policy().decide(message(.direct), approved: true) == .allow)
        access.allowFrom = ["u1"]
        #expect(policy().decide(message(.direct), approved: false) == .allow)
        access.dmPolicy = .allowlist
        #expect(policy().decide(message(.direct, sender: "u2"), approved: false) == .deny("sender u2 is not in channels.telegram.allowFrom"))
        #expect(policy().decide(message(.direct, sender: "u2"), approved: true) == .allow)
        access.dmPolicy = .open
        #expect(policy().decide(message(.direct, sender: "anyone"), approved: false) == .allow)
        access.dmPolicy = .disabled
        #expect(policy().decide(message(.direct), approved: true) == .deny("direct messages are disabled (channels.telegram.dmPolicy)"))
    }

    @Test("groups need an explicit allowlist and, by default, a mention")
    func groups() {
        var access = ChannelConfiguration.Access()
        access.dmPolicy = .open
        let policy = { AccessPolicy(channelKey: "telegram", access: access) }
        #expect(policy().decide(message(.group, mentioned: true), approved: true) == .deny("group c1 is not in channels.telegram.groupAllowFrom"))
        access.groupAllowFrom = ["c1"]
        #expect(policy().decide(message(.group, mentioned: false), approved: false) == .deny("not addressed in group c1 (channels.telegram.requireMention)"))
        #expect(policy().decide(message(.group, mentioned: true), approved: false) == .allow)
        access.requireMention = false
        #expect(policy().decide(message(.group), approved: false) == .allow)
        access.groupAllowFrom = ["*"]
        #expect(policy().decide(message(.group, chat: "other"), approved: false) == .allow)
    }

    @Test("pairing codes are 8 characters without look-alikes")
    func codes() {
        let codes = (0..<200).map { _ in AccessPolicy.newCode() }
        #expect(codes.allSatisfy { $0.count == 8 && !$0.contains(where: { "01OIL".contains($0) }) })
        #expect(Set(codes).count > 190)
    }

    @Test("channel keys: bad values name the key; ids may be numbers; the bot token comes from TELEGRAM_BOT_TOKEN")
    func config() throws {
        var configuration = GatewayConfiguration()
        let problems = ConfigLoader.apply(
            json: [
                "channels": [
                    "telegram": ["dmPolicy": "sometimes", "groupAllowFrom": [.int(-100), "abc"]],
                    "adapter": ["allowFrom": [true]],
                ],
            ],
            to: &configuration
        )
        #expect(problems.contains("channels.telegram.dmPolicy: expected one of pairing, allowlist, open, disabled, got \"sometimes\""))
        #expect(problems.contains("channels.adapter.allowFrom[0]: expected a string or integer id, got true"))
        #expect(configuration.channels.telegram.access.groupAllowFrom == ["-100", "abc"])

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sb-channels-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let loaded = try ConfigLoader.load(paths: GatewayPaths(stateDir: directory), environment: ["TELEGRAM_BOT_TOKEN": "42:secret"])
        #expect(loaded.configuration.channels.telegram.botToken == "42:secret")
        #expect(ConfigKeys.key("channels.telegram.botToken")?.isSecret == true)
        #expect(ConfigKeys.key("channels.adapter.secret")?.isSecret == true)
    }
}

@Suite("Channel store")
struct ChannelStoreTests {
    @Test("old answered messages and finished replies are pruned; pending ones stay")
    func prune() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sb-store-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = SQLiteChannelStore(database: try GatewayDatabase(path: directory + "/db.sqlite"))
        func inbound(_ id: String, at ms: Int) -> InboundRecord {
            InboundRecord(
                id: 0, connector: "telegram", channel: "telegram", accountId: "default", platformMessageId: id, sessionKey: "s", target: "1",
                senderId: "1", senderName: nil, text: "hi", receivedAtMs: ms, state: .pending
            )
        }
        let old = try #require(try await store.recordInbound(inbound("old", at: 1_000), cursor: nil)).record
        let reply = NewOutboxMessage(idempotencyKey: "reply:old", connector: "telegram", channel: "telegram", accountId: "default", target: "1", text: "a", replyTo: nil)
        try await store.completeInbound(id: old.id, reply: reply, answer: nil, usage: nil, nowMs: 1_000)
        let sent = try #require(try await store.outbox(idempotencyKey: "reply:old"))
        try await store.markDelivered(id: sent.id, parts: ["9"], nowMs: 1_500)
        _ = try await store.recordInbound(inbound("waiting", at: 1_000), cursor: nil)
        let pending = NewOutboxMessage(idempotencyKey: "send:x", connector: "telegram", channel: "telegram", accountId: "default", target: "1", text: "b", replyTo: nil)
        _ = try await store.enqueueOutbox(pending, nowMs: 1_000)

        #expect(try await store.pruneChannelHistory(beforeMs: 2_000) == 2)
        #expect(try await store.inbound(connector: "telegram", channel: "telegram", platformMessageId: "old") == nil)
        #expect(try await store.nextPendingInbound(sessionKey: "s")?.platformMessageId == "waiting")
        #expect(try await store.outbox(idempotencyKey: "send:x")?.state == .pending)
    }
}
