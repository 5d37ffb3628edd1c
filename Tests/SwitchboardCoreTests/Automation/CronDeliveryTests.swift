import Foundation
import SwitchboardClient
import SwitchboardProtocol
import SwitchboardTesting
import Testing

/// What scheduled agent jobs do with their answer: `delivery: announce` sends it through the
/// outbox; a `systemEvent` job feeds the main session's heartbeat.
@Suite(.timeLimit(.minutes(2)))
struct CronDeliveryTests {
    @Test("an announce job's answer is delivered to the chat once; its run records delivered")
    func announce() async throws {
        try await FakeModelServer.with { model in
            try await FakeTelegramServer.with { telegram in
                try await TestGateway.with(config: telegramConfig(model, telegram)) { gateway in
                    try await gateway.withClient { client in
                        let job = try await client.call(
                            CronAdd.self,
                            CronJobInput([
                                "name": "digest", "schedule": ["kind": "every", "everyMs": 86_400_000], "sessionTarget": "isolated",
                                "payload": ["kind": "agentTurn", "message": "daily digest"],
                                "delivery": ["mode": "announce", "channel": "telegram", "to": "808"],
                            ]))
                        let id = try unwrap(job["id"]?.stringValue)
                        model.enqueue(.text(["Today: nothing new."]))
                        _ = try await client.call(CronRun.self, .init(id: id))
                        try await telegram.waitForDelivered(1)
                        #expect(telegram.sent.map(\.chatId) == ["808"] && telegram.sent.first?.text == "Today: nothing new.")
                        let events = client.events
                        try await withTimeout(.seconds(10), "the run's finished event") {
                            for await event in events {
                                if case .event(let frame) = event, frame.event == "cron", frame.payload?["jobId"]?.stringValue == id,
                                    frame.payload?["action"] == "finished"
                                {
                                    return
                                }
                            }
                        }
                        let runs = try await client.call(CronRuns.self, .init(id: id))
                        #expect(runs.entries.first?["deliveryStatus"] == "delivered")
                    }
                }
            }
        }
    }

    @Test("a systemEvent job with wakeMode now runs the heartbeat with the reminder and the relay prompt")
    func systemEventJob() async throws {
        try await FakeModelServer.with { model in
            try await TestGateway.with(config: modelConfig(model)) { gateway in
                try await gateway.withClient { client in
                    let job = try await client.call(
                        CronAdd.self,
                        CronJobInput([
                            "name": "remind", "schedule": ["kind": "every", "everyMs": 86_400_000], "sessionTarget": "main", "wakeMode": "now",
                            "payload": ["kind": "systemEvent", "text": "Stand-up in 10 minutes"],
                        ]))
                    model.enqueue(.text(["Stand-up starts in 10 minutes!"]))
                    _ = try await client.call(CronRun.self, .init(id: try unwrap(job["id"]?.stringValue)))
                    let beat = try await client.nextHeartbeat()
                    #expect(beat["status"] == "skipped" && beat["reason"] == "no-target" && beat["preview"] == "Stand-up starts in 10 minutes!")
                    let prompt = FakeModelServer.lastUserText(try #require(model.requests.last))
                    #expect(prompt.contains("Stand-up in 10 minutes") && prompt.contains("A scheduled reminder has been triggered"))
                }
            }
        }
    }
}
