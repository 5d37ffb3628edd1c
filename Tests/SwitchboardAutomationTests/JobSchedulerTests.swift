import Foundation
import Logging
import ServiceLifecycle
import SwitchboardPluginAPI
import SwitchboardProtocol
import SwitchboardStore
import Synchronization
import SwitchboardTesting
import Testing

@testable import SwitchboardAutomation

/// The scheduler on a real SQLite file with real shell commands and a clock moved by hand:
/// no test waits for wall-clock time to pass, except a command's own timeout.
struct JobSchedulerTests {
    /// 2026-12-03T12:00:00Z
    static let t0: Int64 = 1_796_299_200_000

    /// A scheduler under test: its store, clock and the events it reports.
    final class Harness: Sendable {
        let directory: String
        let store: SQLiteJobStore
        let clock: ManualSchedulerClock
        let events: AsyncStream<SchedulerEvent>
        let scheduler: JobScheduler
        private let seen = Mutex<[SchedulerEvent]>([])
        private let continuation: AsyncStream<SchedulerEvent>.Continuation

        init(nowMs: Int64 = JobSchedulerTests.t0, directory: String? = nil, configure: (inout JobScheduler.Configuration) -> Void = { _ in }) throws {
            self.directory = directory ?? FileManager.default.temporaryDirectory.appendingPathComponent("sched-\(UUID().uuidString)").path
            store = SQLiteJobStore(database: try GatewayDatabase(path: self.directory + "/db.sqlite"))
            clock = ManualSchedulerClock(nowMs: nowMs)
            (events, continuation) = AsyncStream.makeStream(of: SchedulerEvent.self)
            var configuration = JobScheduler.Configuration()
            configuration.zone = TimeZone(identifier: "UTC")!
            configure(&configuration)
            let continuation = self.continuation
            scheduler = JobScheduler(
                store: store, clock: clock, actions: nil, configuration: configuration, logger: Logger(label: "test"),
                observe: { continuation.yield($0) })
        }

        func add(_ id: String, _ definition: JSONValue, nextRunAtMs: Int64?, createdAtMs: Int64 = JobSchedulerTests.t0) async throws {
            let name = definition["name"]?.stringValue ?? id
            try await store.save(
                StoredJob(
                    id: id, name: name, source: "api", definition: definition, enabled: true, nextRunAtMs: nextRunAtMs.map { Int($0) },
                    createdAtMs: Int(createdAtMs), updatedAtMs: Int(createdAtMs)))
            scheduler.jobsChanged()
        }

        /// The next `finished` event, within `seconds`.
        func finished(within seconds: Double = 10) async throws -> JobRun {
            let stream = events
            return try await withTimeout(.seconds(seconds), "a finished run") {
                for await event in stream { if case .finished(let run) = event { return run } }
                throw TestTimeout(what: "a finished run (the stream ended)")
            }
        }

        func cleanUp() { try? FileManager.default.removeItem(atPath: directory) }
    }

    static func command(_ name: String, _ schedule: JSONValue, _ command: String, timeout: Double = 30, extra: [String: JSONValue] = [:]) -> JSONValue {
        var object: [String: JSONValue] = [
            "name": .string(name), "schedule": schedule, "payload": ["kind": "command", "command": .string(command), "timeoutSeconds": .double(timeout)],
        ]
        for (key, value) in extra { object[key] = value }
        return .object(object)
    }

    /// Runs the scheduler while `body` runs, then shuts it down gracefully.
    static func running(_ harness: Harness, _ body: () async throws -> Void) async throws {
        try await withRunningServices([harness.scheduler], body)
    }

    @Test("an every-minute command job runs when due, again a minute later, and records its output")
    func every() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        try await harness.add("tick", Self.command("tick", ["kind": "every", "everyMs": 60_000], "echo tick $SWITCHBOARD_RUN_TRIGGER"), nextRunAtMs: Self.t0)
        try await Self.running(harness) {
            let first = try await harness.finished()
            #expect(first.status == .ok && first.summary == "tick schedule\n" && first.dueAtMs == Int(Self.t0))
            #expect(try await harness.store.job(id: "tick")?.nextRunAtMs == Int(Self.t0 + 60_000))
            harness.clock.advance(toMs: Self.t0 + 60_000)
            let second = try await harness.finished()
            #expect(second.dueAtMs == Int(Self.t0 + 60_000) && second.status == .ok)
        }
        #expect(try await harness.store.runs(jobId: "tick", limit: 10, offset: 0).count == 2)
    }

    @Test("a cron job waits for its minute: nothing at 02:59, one run at 03:00")
    func cron() async throws {
        let harness = try Harness(nowMs: Self.t0)
        defer { harness.cleanUp() }
        let threeAM = Self.t0 + 15 * 3_600_000  // 2026-12-04T03:00Z
        try await harness.add("backup", Self.command("backup", ["kind": "cron", "expr": "0 3 * * *", "tz": "UTC"], "echo backed-up"), nextRunAtMs: threeAM)
        try await Self.running(harness) {
            harness.clock.advance(toMs: threeAM - 60_000)
            harness.clock.advance(toMs: threeAM)
            let run = try await harness.finished()
            #expect(run.dueAtMs == Int(threeAM) && run.summary == "backed-up\n")
            #expect(try await harness.store.job(id: "backup")?.nextRunAtMs == Int(threeAM + 86_400_000))
        }
        #expect(try await harness.store.runs(jobId: "backup", limit: 10, offset: 0).count == 1)
    }

    @Test("a command that hangs is stopped at its timeout, with what it printed gone and the reason recorded")
    func timeout() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        try await harness.add("hang", Self.command("hang", ["kind": "at", "at": "2026-12-03T12:00:00Z"], "sleep 600", timeout: 0.3), nextRunAtMs: Self.t0)
        let started = ContinuousClock.now
        try await Self.running(harness) {
            let run = try await harness.finished()
            #expect(run.status == .error && run.error?.contains("timed out") == true)
        }
        #expect(ContinuousClock.now - started < .seconds(120), "the 600 s sleep was killed, not waited for")
        #expect(try await harness.store.job(id: "hang")?.nextRunAtMs == nil, "a one-shot does not come back")
    }

    @Test("missed while down: run-once runs one catch-up however many were missed; skip logs a skipped run and runs none")
    func missed() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let hourly: JSONValue = ["kind": "every", "everyMs": 3_600_000, "anchorMs": .int(Int(Self.t0 - 5 * 3_600_000))]
        try await harness.add("once", Self.command("once", hourly, "echo caught-up"), nextRunAtMs: Self.t0 - 4 * 3_600_000)
        try await harness.add("skip", Self.command("skip", hourly, "echo never", extra: ["missed": "skip"]), nextRunAtMs: Self.t0 - 4 * 3_600_000)
        try await Self.running(harness) {
            let run = try await harness.finished()
            #expect(run.jobId == "once" && run.trigger == "missed" && run.summary == "caught-up\n")
        }
        #expect(try await harness.store.runs(jobId: "once", limit: 10, offset: 0).count == 1)
        let skipped = try await harness.store.runs(jobId: "skip", limit: 10, offset: 0)
        #expect(skipped.map(\.status) == [.skipped] && skipped[0].error?.contains("missed") == true)
        #expect(try await harness.store.job(id: "skip")?.nextRunAtMs == Int(Self.t0 + 3_600_000))
        #expect(try await harness.store.job(id: "once")?.nextRunAtMs == Int(Self.t0 + 3_600_000))
    }

    @Test("a run cut off by a crash is closed as interrupted at start and not run again")
    func interrupted() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        try await harness.add("j", Self.command("j", ["kind": "at", "at": "2026-12-03T11:00:00Z"], "echo once"), nextRunAtMs: Self.t0 - 3_600_000)
        // The claim of a previous process, which then died.
        _ = try await harness.store.claimDue(nowMs: Int(Self.t0 - 3_600_000), limit: 1, owner: "old", runId: { "dead" }) { _ in .run(trigger: "schedule", nextRunAtMs: nil) }
        try await Self.running(harness) {
            let run = try await harness.finished()
            #expect(run.runId == "dead" && run.status == .error && run.error?.hasPrefix("interrupted") == true)
        }
        #expect(try await harness.store.runs(jobId: "j", limit: 10, offset: 0).map(\.runId) == ["dead"])
    }

    @Test("runNow starts a job at once; a running job is not started twice")
    func runNow() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        try await harness.add("slow", Self.command("slow", ["kind": "every", "everyMs": 3_600_000], "sleep 600", timeout: 0.5), nextRunAtMs: Self.t0 + 3_600_000)
        try await Self.running(harness) {
            let run = try #require(try await harness.scheduler.runNow(jobId: "slow"))
            #expect(run.trigger == "manual")
            #expect(try await harness.scheduler.runNow(jobId: "slow") == nil, "already running")
            #expect(try await harness.scheduler.runNow(jobId: "missing") == nil)
            let ended = try await harness.finished()
            #expect(ended.runId == run.runId)
        }
    }

    @Test("at shutdown a run still going gets the grace period, then is stopped and recorded")
    func shutdown() async throws {
        let harness = try Harness { $0.shutdownGraceMs = 200 }
        defer { harness.cleanUp() }
        try await harness.add("long", Self.command("long", ["kind": "at", "at": "2026-12-03T12:00:00Z"], "sleep 600"), nextRunAtMs: Self.t0)
        let started = ContinuousClock.now
        let stream = harness.events
        try await Self.running(harness) {
            for await event in stream { if case .started = event { break } }
        }
        #expect(ContinuousClock.now - started < .seconds(120), "stopped, not waited for")
        let run = try #require(try await harness.store.runs(jobId: "long", limit: 1, offset: 0).first)
        #expect(run.status == .error && run.error?.contains("shutting down") == true)
    }
}
