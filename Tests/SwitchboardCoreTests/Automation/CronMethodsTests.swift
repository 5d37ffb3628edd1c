import Foundation
import SwitchboardAutomation
import SwitchboardClient
import SwitchboardProtocol
import SwitchboardTesting
import Testing

/// `cron.add` and `cron.update` set the next run as the scheduler will compute it.
struct CronMethodsTests {
    @Test("the first run honours the job's own stagger and anchors `every` at creation; an update keeps that anchor")
    func nextRuns() async throws {
        try await TestGateway.with { gateway in
            try await gateway.withClient { client in
                let staggered = try await client.call(
                    CronAdd.self,
                    CronJobInput([
                        "name": "hourly", "schedule": ["kind": "cron", "expr": "0 * * * *", "tz": "UTC", "staggerMs": 600_000],
                        "payload": ["kind": "command", "command": "true"],
                    ]))
                let id = try unwrap(staggered["id"]?.stringValue)
                let next = try unwrap(staggered["state"]?["nextRunAtMs"]?.intValue)
                #expect(Int64(next % 3_600_000) == JobSchedule.stagger(jobId: id, staggerMs: 600_000))

                let every = try await client.call(
                    CronAdd.self, CronJobInput(["name": "minutely", "schedule": ["kind": "every", "everyMs": 60_000], "payload": ["kind": "command", "command": "true"]]))
                let everyId = try unwrap(every["id"]?.stringValue)
                let created = try unwrap(every["createdAtMs"]?.intValue)
                #expect(every["state"]?["nextRunAtMs"]?.intValue == created + 60_000)

                let renamed = try await client.call(CronUpdate.self, .init(id: everyId, patch: ["description": "renamed"]))
                #expect(renamed["state"]?["nextRunAtMs"]?.intValue == created + 60_000, "a change that is not the schedule keeps the next run")
                let slower = try await client.call(CronUpdate.self, .init(id: everyId, patch: ["schedule": ["kind": "every", "everyMs": 7_200_000]]))
                let slowerNext = try unwrap(slower["state"]?["nextRunAtMs"]?.intValue)
                #expect((slowerNext - created) % 7_200_000 == 0 && slowerNext > created, "still anchored at creation")

                await #expect(throws: GatewayClientError.self) {
                    _ = try await client.call(
                        CronAdd.self,
                        CronJobInput(["name": "past", "schedule": ["kind": "at", "at": "2001-01-01T00:00:00Z"], "payload": ["kind": "command", "command": "true"]]))
                }
            }
        }
    }
}
