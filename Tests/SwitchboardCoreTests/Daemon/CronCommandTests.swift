import Foundation
import SwitchboardClient
import SwitchboardCore
import SwitchboardProtocol
import SwitchboardTesting
import Testing

/// `switchboard cron` against the real binary: add a command job, run it now, read its log, remove it.
@Suite("Cron commands", .timeLimit(.minutes(3)), .serialized)
struct CronCommandTests {
    @Test("cron add, list, run, runs and remove; a bad expression is refused with the field named")
    func addRunRemove() async throws {
        try await withStateDir { stateDir in
            let start = try await runCLI(["gateway", "start", "--port", "0"], stateDir: stateDir)
            #expect(start.code == 0, "\(start.output)")
            let port = try unwrap(InstanceLock.inspect(stateDir: stateDir)?.record.port, "port")
            let url = ["SWITCHBOARD_GATEWAY_URL": "ws://127.0.0.1:\(port)"]
            let marker = stateDir + "/cron-ran.txt"
            let added = try await runCLI(
                ["cron", "add", "--name", "nightly", "--cron", "0 3 * * *", "--tz", "UTC", "--command", "echo ran >> \(marker)", "--json"],
                stateDir: stateDir, extra: url)
            #expect(added.code == 0, "\(added.output)")
            let job = try GatewayJSON.decoder.decode(JSONValue.self, from: Data(added.output.utf8))
            let id = try unwrap(job["id"]?.stringValue)
            #expect(job["schedule"]?["expr"] == "0 3 * * *" && job["state"]?["nextRunAtMs"]?.intValue != nil)

            let status = try await runCLI(["status"], stateDir: stateDir, extra: url)
            #expect(status.output.contains("scheduler  1 jobs; scheduler.yaml absent") && status.output.contains("BOOT.md    skipped (missing)"), "\(status.output)")

            let listed = try await runCLI(["cron", "list"], stateDir: stateDir, extra: url)
            #expect(listed.output.contains(id) && listed.output.contains("cron 0 3 * * * UTC"), "\(listed.output)")

            // A client watches for the run's end (`cron` finished), so `cron runs` reads a finished log.
            let config = GatewayClientConfiguration(url: "ws://127.0.0.1:\(port)", connectTimeout: .seconds(10), reconnect: false)
            try await withGatewayClient(config) { client in
                _ = try await client.waitUntilConnected()
                let ran = try await runCLI(["cron", "run", id, "--json"], stateDir: stateDir, extra: url)
                #expect(ran.code == 0 && ran.output.contains("\"ran\":true"), "\(ran.output)")
                while true {
                    let event = try await client.event(named: "cron", timeout: .seconds(30))
                    if event.payload?["jobId"]?.stringValue == id && event.payload?["action"] == "finished" { break }
                }
            }
            let runs = try await runCLI(["cron", "runs", id, "--json"], stateDir: stateDir, extra: url)
            #expect(runs.output.contains("\"status\":\"ok\""), "\(runs.output)")
            #expect((try? String(contentsOfFile: marker, encoding: .utf8)) == "ran\n")

            let bad = try await runCLI(["cron", "add", "--name", "bad", "--cron", "0 25 * * *", "--command", "true"], stateDir: stateDir, extra: url)
            #expect(bad.code != 0 && bad.output.contains("schedule.expr") && bad.output.contains("hour value 25"), "\(bad.output)")

            #expect(try await runCLI(["cron", "remove", id], stateDir: stateDir, extra: url).code == 0)
            let empty = try await runCLI(["cron", "list"], stateDir: stateDir, extra: url)
            #expect(empty.output.contains("No scheduled jobs"), "\(empty.output)")
            #expect(try await runCLI(["gateway", "stop"], stateDir: stateDir).code == 0)
        }
    }

    @Test("system event queues for the heartbeat, system heartbeat last / disable / enable, status shows the heartbeat")
    func systemCommands() async throws {
        try await withStateDir { stateDir in
            let start = try await runCLI(["gateway", "start", "--port", "0"], stateDir: stateDir)
            #expect(start.code == 0, "\(start.output)")
            let port = try unwrap(InstanceLock.inspect(stateDir: stateDir)?.record.port, "port")
            let url = ["SWITCHBOARD_GATEWAY_URL": "ws://127.0.0.1:\(port)"]
            let queued = try await runCLI(["system", "event", "--text", "the backup finished"], stateDir: stateDir, extra: url)
            #expect(queued.code == 0 && queued.output.contains("queued (event") && queued.output.contains("1 waiting"), "\(queued.output)")
            let bad = try await runCLI(["system", "event", "--text", "x", "--mode", "later"], stateDir: stateDir, extra: url)
            #expect(bad.code != 0 && bad.output.contains("--mode"), "\(bad.output)")
            let last = try await runCLI(["system", "heartbeat", "last"], stateDir: stateDir, extra: url)
            #expect(last.code == 0 && last.output.contains("no heartbeat yet"), "\(last.output)")
            let paused = try await runCLI(["system", "heartbeat", "disable"], stateDir: stateDir, extra: url)
            #expect(paused.output.contains("heartbeats paused"), "\(paused.output)")
            let status = try await runCLI(["status"], stateDir: stateDir, extra: url)
            #expect(status.output.contains("heartbeat  paused; 1 events waiting"), "\(status.output)")
            #expect(try await runCLI(["system", "heartbeat", "enable"], stateDir: stateDir, extra: url).output.contains("heartbeats enabled"))
            #expect(try await runCLI(["gateway", "stop"], stateDir: stateDir).code == 0)
        }
    }
}
