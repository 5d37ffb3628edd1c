import Foundation
import SwitchboardClient
import SwitchboardProtocol
import SwitchboardTesting
import Testing

/// Clara's `scheduler.yaml`, exactly as the seed prints it, in a live gateway's state dir.
struct SchedulerFileTests {
    /// The seed's own example (`../shared/seeds/004-clara-gateway.txt`), byte for byte.
    static var seedYAML: String {
        get throws {
            let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../fixtures/clara/scheduler.yaml").path
            return try String(contentsOfFile: path, encoding: .utf8)
        }
    }

    /// The finished run of `jobId`: from the log if it is there, else from the next `cron` event.
    static func finishedRun(of jobId: String, client: GatewayClient) async throws -> JSONValue {
        while true {
            if let entry = try await client.call(CronRuns.self, .init(id: jobId)).entries.first { return entry }
            let event = try await client.event(named: "cron", timeout: .seconds(20))
            if event.payload?["jobId"]?.stringValue == jobId, event.payload?["action"] == "finished" { continue }
        }
    }

    @Test("the seed's scheduler.yaml loads unchanged: three file jobs; the past one-shot runs once at start")
    func seedFile() async throws {
        let stateDir = TestGateway.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: stateDir) }
        try Data(try Self.seedYAML.utf8).write(to: URL(fileURLWithPath: stateDir + "/scheduler.yaml"))
        let (reminderUpdated, cleanupNext) = try await TestGateway.with(stateDir: stateDir) { gateway in
            try await gateway.withClient { client in
                let reminder = try await Self.finishedRun(of: "file:send-reminder", client: client)
                // The interval task runs at load too; once it has, its next run is set.
                _ = try await Self.finishedRun(of: "file:cleanup-sessions", client: client)
                #expect(reminder["status"] == "ok" && reminder["summary"] == "Merry Christmas!\n")
                let list = try await client.call(CronList.self, .init(includeDisabled: true))
                let byId = Dictionary(uniqueKeysWithValues: list.jobs.compactMap { job in job["id"]?.stringValue.map { ($0, job) } })
                #expect(Set(byId.keys) == ["file:cleanup-sessions", "file:daily-backup", "file:send-reminder"])
                #expect(byId["file:daily-backup"]?["schedule"]?["expr"] == "0 3 * * *")
                #expect(byId["file:daily-backup"]?["source"] == "file")
                #expect(byId["file:cleanup-sessions"]?["schedule"]?["everyMs"] == 3_600_000)
                #expect(byId["file:send-reminder"]?["state"]?["nextRunAtMs"] == nil, "a one-shot runs once")
                // A read-scope client sees that a shell job exists, not what it runs or printed.
                try await gateway.withClient(gateway.clientConfiguration(scopes: [.read])) { reader in
                    let jobs = try await reader.call(CronList.self, .init(includeDisabled: true)).jobs
                    let reminder = jobs.first { $0["id"] == "file:send-reminder" }
                    #expect(reminder?["payload"]?["command"] == "(shown to admins only)" && reminder?["name"] == "send-reminder")
                    let runs = try await reader.call(CronRuns.self, .init(id: "file:send-reminder")).entries
                    #expect(runs.count == 1 && runs.first?["summary"] == nil && runs.first?["status"] == "ok")
                }
                // File jobs are edited in the file.
                await #expect(throws: GatewayClientError.self) {
                    _ = try await client.call(CronRemove.self, .init(id: "file:daily-backup"))
                }
                return (byId["file:send-reminder"]?["updatedAtMs"], byId["file:cleanup-sessions"]?["state"]?["nextRunAtMs"])
            }
        }
        // A restart (the file is loaded before the gateway listens) keeps unchanged tasks as they
        // were: the one-shot is not armed again, the interval keeps its next run.
        try await TestGateway.with(stateDir: stateDir) { gateway in
            try await gateway.withClient { client in
                let list = try await client.call(CronList.self, .init(includeDisabled: true))
                let byId = Dictionary(uniqueKeysWithValues: list.jobs.compactMap { job in job["id"]?.stringValue.map { ($0, job) } })
                #expect(byId["file:send-reminder"]?["updatedAtMs"] == reminderUpdated && byId["file:send-reminder"]?["state"]?["nextRunAtMs"] == nil)
                #expect(byId["file:cleanup-sessions"]?["state"]?["nextRunAtMs"] == cleanupNext)
                #expect(try await client.call(CronRuns.self, .init(id: "file:send-reminder")).entries.count == 1)
            }
        }
    }

    @Test("a scheduler.yaml that does not parse loads no job, and the gateway starts and answers")
    func badFile() async throws {
        let stateDir = TestGateway.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: stateDir) }
        try Data("tasks:\n  - name: x\n    type: weekly\n    command: date\n".utf8).write(to: URL(fileURLWithPath: stateDir + "/scheduler.yaml"))
        try await TestGateway.with(stateDir: stateDir) { gateway in
            try await gateway.withClient { client in
                let status = try await client.call(CronStatus.self, .init())
                #expect(status.jobs == 0 && status.enabled)
            }
        }
    }
}
