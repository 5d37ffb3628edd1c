import Foundation
import SwitchboardClient
import SwitchboardProtocol
import SwitchboardTesting
import Testing

/// Heartbeats in a live gateway with a fake model: `wake` queues system events that the next
/// heartbeat carries, acknowledgements stay quiet, alerts go to the target through the outbox,
/// `last-heartbeat` and `health` report them.
@Suite(.timeLimit(.minutes(3)))
struct HeartbeatLiveTests {
    static func config(_ model: FakeModelServer, telegram: FakeTelegramServer? = nil, heartbeat: String) -> String {
        let channels = telegram.map { telegramChannels($0) } ?? ""
        return modelConfig(model, extra: channels, agentDefaults: ", heartbeat: { \(heartbeat) }")
    }

    @Test("wake now: the heartbeat carries the event, HEARTBEAT_OK is kept quiet, last-heartbeat and the event report ok-token")
    func acknowledged() async throws {
        try await FakeModelServer.with { model in
            try await TestGateway.with(config: Self.config(model, heartbeat: #"every: "30m""#)) { gateway in
                try await gateway.withClient { client in
                    #expect(try await client.call(LastHeartbeat.self, .init()) == nil)
                    model.enqueue(.text(["**HEARTBEAT_OK**"]))
                    let queued = try await client.call(Wake.self, .init(mode: "now", text: "the backup finished"))
                    #expect(queued.ok && queued.queued == 1)
                    let event = try await client.nextHeartbeat()
                    #expect(event["status"] == "ok-token" && event["silent"] == true)
                    let prompt = GatewayJSON.string(try #require(model.requests.last))
                    #expect(prompt.contains("System: [") && prompt.contains("the backup finished") && prompt.contains("reply HEARTBEAT_OK"))
                    let last = try #require(try await client.call(LastHeartbeat.self, .init()))
                    #expect(last.status == "ok-token" && last.id == event["id"]?.stringValue)

                    // The event was taken: the next heartbeat does not carry it again.
                    model.enqueue(.text([""]))
                    _ = try await client.call(Wake.self, .init(mode: "now", text: "second"))
                    #expect(try await client.nextHeartbeat()["status"] == "ok-empty")
                    let second = FakeModelServer.lastUserText(try #require(model.requests.last))
                    #expect(second.contains("second") && !second.contains("the backup finished"))

                    let health = try await client.call(Health.self, .init())
                    let main = try #require(health.agents.first { $0.isDefault })
                    #expect(main.heartbeat.enabled && main.heartbeat.everyMs == 1_800_000 && main.heartbeat.every == "30m")
                    #expect(health.heartbeatSeconds == 1800)
                }
            }
        }
    }

    @Test("an alert goes to the target chat once; the same alert within a day is skipped as a duplicate; target none keeps it in the session")
    func alertDelivered() async throws {
        try await FakeModelServer.with { model in
            try await FakeTelegramServer.with { telegram in
                let config = Self.config(model, telegram: telegram, heartbeat: #"target: "telegram", to: "4242", ackMaxChars: 10"#)
                try await TestGateway.with(config: config) { gateway in
                    try await gateway.withClient { client in
                        model.enqueue(.text(["Your flight leaves in 2 hours. HEARTBEAT_OK"]), .text(["Your flight leaves in 2 hours."]))
                        _ = try await client.call(Wake.self, .init(mode: "now", text: "check the calendar"))
                        let sent = try await client.nextHeartbeat()
                        #expect(sent["status"] == "sent" && sent["channel"] == "telegram" && sent["to"] == "4242")
                        #expect(sent["preview"] == "Your flight leaves in 2 hours.")
                        try await telegram.waitForDelivered(1)
                        #expect(telegram.sent.map(\.chatId) == ["4242"] && telegram.sent.first?.text == "Your flight leaves in 2 hours.")

                        _ = try await client.call(Wake.self, .init(mode: "now", text: "check again"))
                        let again = try await client.nextHeartbeat()
                        #expect(again["status"] == "skipped" && again["reason"] == "duplicate")
                        #expect(telegram.sent.count == 1)
                    }
                }
            }
        }
    }

    @Test("target last: the alert goes to the chat that last wrote to the agent")
    func targetLast() async throws {
        try await FakeModelServer.with { model in
            try await FakeTelegramServer.with { telegram in
                let config = Self.config(model, telegram: telegram, heartbeat: #"target: "last""#)
                try await TestGateway.with(config: config) { gateway in
                    try await gateway.withClient { client in
                        model.enqueue(.text(["hello Ada"]))
                        telegram.push(text: "hi", fromUser: 77, name: "Ada")
                        try await telegram.waitForDelivered(1)
                        model.enqueue(.text(["Reminder: water the plants."]))
                        _ = try await client.call(Wake.self, .init(mode: "now", text: "plants"))
                        let sent = try await client.nextHeartbeat()
                        #expect(sent["status"] == "sent" && sent["to"] == "77")
                        try await telegram.waitForDelivered(2)
                        #expect(telegram.sent.last?.chatId == "77" && telegram.sent.last?.text == "Reminder: water the plants.")
                    }
                }
            }
        }
    }

    @Test("no target: an alert is skipped but kept in the main session; next-heartbeat events wait; a full queue and bad params are refused clearly")
    func noTargetAndLimits() async throws {
        try await FakeModelServer.with { model in
            let config = Self.config(model, heartbeat: #"every: "0m""#).replacingOccurrences(of: "tools: {", with: "automation: { systemEventsMax: 2 }, tools: {")
            try await TestGateway.with(config: config) { gateway in
                try await gateway.withClient { client in
                    model.enqueue(.text(["Two things need you."]))
                    _ = try await client.call(Wake.self, .init(mode: "now", text: "inbox"))
                    let skipped = try await client.nextHeartbeat()
                    #expect(skipped["status"] == "skipped" && skipped["reason"] == "no-target" && skipped["preview"] == "Two things need you.")
                    let history = try await client.call(ChatHistory.self, .init(sessionKey: "agent:main:main"))
                    #expect(GatewayJSON.string(history).contains("Two things need you."))

                    let waiting = try await client.call(Wake.self, .init(mode: "next-heartbeat", text: "one"))
                    #expect(waiting.queued == 1 && waiting.nextHeartbeatAtMs == nil, "periodic heartbeats are off")
                    _ = try await client.call(Wake.self, .init(mode: "next-heartbeat", text: "two"))
                    await #expect { _ = try await client.call(Wake.self, .init(mode: "next-heartbeat", text: "three")) } throws: { error in
                        "\(error)".contains("automation.systemEventsMax")
                    }
                    await #expect { _ = try await client.call(Wake.self, .init(mode: "later", text: "x")) } throws: { error in
                        "\(error)".contains("mode")
                    }
                    await #expect { _ = try await client.call(Wake.self, .init(mode: "now", text: "   ")) } throws: { error in
                        "\(error)".contains("text")
                    }
                    let health = try await client.call(Health.self, .init())
                    #expect(health.agents.first { $0.isDefault }?.heartbeat.enabled == false && health.heartbeatSeconds == 0)
                }
            }
        }
    }
}

extension GatewayClient {
    /// The next `heartbeat` event's payload.
    func nextHeartbeat(timeout: Duration = .seconds(20)) async throws -> JSONValue {
        let events = self.events
        return try await withTimeout(timeout, "a heartbeat event") {
            for await event in events {
                if case .event(let frame) = event, frame.event == "heartbeat", let payload = frame.payload { return payload }
            }
            throw TestTimeout(what: "a heartbeat event (stream ended)")
        }
    }
}
