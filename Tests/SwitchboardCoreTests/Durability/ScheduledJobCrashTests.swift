import Foundation
import GRDB
import SwitchboardClient
import SwitchboardProtocol
import SwitchboardTesting
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Scheduled jobs against the real binary and kill -9: a job that fell due while the gateway
/// was down runs exactly once after the restart; a run cut off by a kill is closed as
/// interrupted and not run again.
@Suite(.timeLimit(.minutes(3)), .serialized)
struct ScheduledJobCrashTests {
    /// Moves every job's due time into the past, as if the gateway had been down across it (the
    /// binary's clock cannot be injected; its database can).
    static func makeDueWhileDown(stateDir: String) throws {
        let queue = try DatabaseQueue(path: stateDir + "/switchboard.sqlite")
        let past = Int(Date().timeIntervalSince1970 * 1000) - 60_000
        try queue.write { db in try db.execute(sql: "UPDATE scheduled_job SET next_run_at = ?", arguments: [past]) }
    }

    static func lines(_ path: String) -> [String] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    static func addJob(_ client: GatewayClient, name: String, command: String) async throws -> String {
        let inAnHour = ISO8601DateFormatter().string(from: Date().addingTimeInterval(3600))
        let job = try await client.call(
            CronAdd.self,
            CronJobInput(["name": .string(name), "schedule": ["kind": "at", "at": .string(inAnHour)], "payload": ["kind": "command", "command": .string(command)]]))
        return try unwrap(job["id"]?.stringValue, "job id")
    }

    @Test("killed before a due job ran: after the restart it runs once, and a second kill and restart do not run it again")
    func dueWhileDownRunsOnce() async throws {
        let stateDir = TestGateway.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: stateDir) }
        let marker = stateDir + "/ran.txt"
        let jobId = try await GatewayBinary.with(config: "{}", stateDir: stateDir) { gateway in
            let id = try await gateway.withClient { client in try await Self.addJob(client, name: "once", command: "echo ran >> \(marker)") }
            gateway.process.signal(SIGKILL)
            _ = try await gateway.process.waitForExit()
            return id
        }
        try Self.makeDueWhileDown(stateDir: stateDir)
        try await GatewayBinary.with(config: "{}", stateDir: stateDir) { gateway in
            _ = try await gateway.process.waitForLine(containing: "scheduled run ended")
            #expect(Self.lines(marker) == ["ran"])
            gateway.process.signal(SIGKILL)
            _ = try await gateway.process.waitForExit()
        }
        try await GatewayBinary.with(config: "{}", stateDir: stateDir) { gateway in
            try await gateway.withClient { client in
                let runs = try await client.call(CronRuns.self, .init(id: jobId))
                #expect(runs.entries.count == 1 && runs.entries.first?["status"] == "ok")
                let status = try await client.call(CronStatus.self, .init())
                #expect(status.running == 0 && status.nextWakeAtMs == nil, "a one-shot that ran is not due again")
            }
        }
        #expect(Self.lines(marker) == ["ran"], "exactly once")
    }

    @Test("killed while a job runs: the run is recorded as interrupted at the restart and not run again")
    func killedMidRunIsNotRepeated() async throws {
        let stateDir = TestGateway.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: stateDir) }
        let marker = stateDir + "/started.txt"
        let pidFile = stateDir + "/job.pid"
        // The job's shell leads its own session, so it outlives the killed gateway: stop it at the end.
        defer {
            if let pid = Int32(Self.lines(pidFile).first ?? "") { kill(-pid, SIGKILL) }
        }
        let jobId = try await GatewayBinary.with(config: "{}", stateDir: stateDir) { gateway in
            let id = try await gateway.withClient { client in
                try await Self.addJob(client, name: "long", command: "echo $$ > \(pidFile); echo started >> \(marker); sleep 600")
            }
            gateway.process.signal(SIGKILL)
            _ = try await gateway.process.waitForExit()
            return id
        }
        try Self.makeDueWhileDown(stateDir: stateDir)
        try await GatewayBinary.with(config: "{}", stateDir: stateDir) { gateway in
            _ = try await gateway.process.waitForLine(containing: "scheduled run started")
            gateway.process.signal(SIGKILL)
            _ = try await gateway.process.waitForExit()
        }
        try await GatewayBinary.with(config: "{}", stateDir: stateDir) { gateway in
            _ = try await gateway.process.waitForLine(containing: "cut off by the last stop")
            try await gateway.withClient { client in
                let runs = try await client.call(CronRuns.self, .init(id: jobId))
                #expect(runs.entries.count == 1)
                #expect(runs.entries.first?["status"] == "error")
                #expect(runs.entries.first?["error"]?.stringValue?.hasPrefix("interrupted") == true)
                let status = try await client.call(CronStatus.self, .init())
                #expect(status.running == 0 && status.nextWakeAtMs == nil)
            }
        }
        #expect(Self.lines(marker).count <= 1, "never started a second time")
    }
}
