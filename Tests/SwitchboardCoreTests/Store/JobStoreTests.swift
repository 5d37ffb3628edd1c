import Foundation
import SwitchboardPluginAPI
import SwitchboardProtocol
@testable import SwitchboardStore
import SwitchboardTesting
import Synchronization
import Testing

/// The scheduler's durable half on a real SQLite file: a claim records the run and moves the
/// due time in one commit; a job never runs twice at once; a crash mid-run is closed, not re-run.
struct JobStoreTests {
    static func job(_ id: String, next: Int?, enabled: Bool = true) -> StoredJob {
        StoredJob(id: id, name: "job \(id)", source: "api", definition: ["kind": "test"], enabled: enabled, nextRunAtMs: next, createdAtMs: 1, updatedAtMs: 1)
    }

    @Test("claimDue takes due jobs earliest first, records each run and sets the next due time in one commit")
    func claim() async throws {
        let directory = TestGateway.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = SQLiteJobStore(database: try GatewayDatabase(path: directory + "/db.sqlite"))
        try await store.save(Self.job("late", next: 200))
        try await store.save(Self.job("early", next: 100))
        try await store.save(Self.job("future", next: 10_000))
        try await store.save(Self.job("off", next: 50, enabled: false))
        #expect(try await store.nextDueAtMs() == 100)

        let counter = RunIdCounter()
        let runs = try await store.claimDue(nowMs: 500, limit: 10, owner: "old", runId: { "run-\(counter.next())" }) { job in
            .run(trigger: "schedule", nextRunAtMs: (job.nextRunAtMs ?? 0) + 1000)
        }
        #expect(runs.map(\.jobId) == ["early", "late"])
        #expect(runs.map(\.dueAtMs) == [100, 200])
        #expect(runs.allSatisfy { $0.status == .running && $0.startedAtMs == 500 })
        #expect(try await store.job(id: "early")?.nextRunAtMs == 1100)
        #expect(try await store.job(id: "early")?.runningRunId == runs[0].runId)

        // Running jobs are not claimed again, even when due again, and are not the next due.
        let again = try await store.claimDue(nowMs: 5000, limit: 10, owner: "old", runId: { "run-\(counter.next())" }) { _ in .run(trigger: "schedule", nextRunAtMs: nil) }
        #expect(again.isEmpty)
        #expect(try await store.nextDueAtMs() == 10_000)
        #expect(try await store.claimNow(jobId: "early", runId: "manual", trigger: "manual", owner: "old", nowMs: 600) == nil, "a running job is not started twice")

        let finished = try await store.finish(runId: runs[0].runId, status: .error, error: "exit 3", summary: "out", deliveryStatus: nil, nowMs: 700)
        #expect(finished?.durationMs == 200)
        #expect(try await store.finish(runId: runs[0].runId, status: .ok, error: nil, summary: nil, deliveryStatus: nil, nowMs: 800) == nil, "finished once")
        let early = try #require(try await store.job(id: "early"))
        #expect(early.runningRunId == nil && early.lastStatus == "error" && early.lastError == "exit 3" && early.consecutiveErrors == 1)
        #expect(early.lastDurationMs == 200 && early.lastRunAtMs == 500)

        let manual = try #require(try await store.claimNow(jobId: "early", runId: "manual", trigger: "manual", owner: "old", nowMs: 900))
        #expect(manual.trigger == "manual")
        try await store.finish(runId: "manual", status: .ok, error: nil, summary: nil, deliveryStatus: "not-requested", nowMs: 950)
        #expect(try await store.job(id: "early")?.consecutiveErrors == 0)
        #expect(try await store.runs(jobId: "early", limit: 10, offset: 0).map(\.runId) == ["manual", runs[0].runId])
        #expect(try await store.runs(jobId: nil, limit: 1, offset: 1).map(\.runId) == [runs[1].runId])
    }

    @Test("a skipped occurrence is logged as skipped and moves the due time; nothing runs")
    func skip() async throws {
        let directory = TestGateway.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = SQLiteJobStore(database: try GatewayDatabase(path: directory + "/db.sqlite"))
        try await store.save(Self.job("missed", next: 100))
        let runs = try await store.claimDue(nowMs: 500, limit: 10, owner: "old", runId: { "s1" }) { _ in .skip(reason: "missed while the gateway was down", nextRunAtMs: 1000) }
        #expect(runs.isEmpty)
        let log = try await store.runs(jobId: "missed", limit: 10, offset: 0)
        #expect(log.map(\.status) == [.skipped] && log[0].error == "missed while the gateway was down" && log[0].trigger == "missed")
        #expect(try await store.job(id: "missed")?.nextRunAtMs == 1000)
    }

    @Test("after a crash, running runs are closed as interrupted and the job is free; reopening keeps everything")
    func crash() async throws {
        let directory = TestGateway.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            let store = SQLiteJobStore(database: try GatewayDatabase(path: directory + "/db.sqlite"))
            try await store.save(Self.job("j", next: 100))
            _ = try await store.claimDue(nowMs: 100, limit: 10, owner: "old", runId: { "r1" }) { _ in .run(trigger: "schedule", nextRunAtMs: 200) }
        }
        let store = SQLiteJobStore(database: try GatewayDatabase(path: directory + "/db.sqlite"))
        #expect(try await store.interruptRunning(nowMs: 140, owner: "old").isEmpty, "an instance never closes its own runs")
        let interrupted = try await store.interruptRunning(nowMs: 150, owner: "new")
        #expect(interrupted.map(\.runId) == ["r1"])
        #expect(interrupted[0].error?.hasPrefix("interrupted") == true)
        let job = try #require(try await store.job(id: "j"))
        #expect(job.runningRunId == nil && job.nextRunAtMs == 200 && job.lastStatus == "error")
        #expect(try await store.interruptRunning(nowMs: 160, owner: "new").isEmpty)
    }

    @Test("save replaces the definition and keeps the run state; remove leaves the log; prune keeps the newest per job")
    func saveRemovePrune() async throws {
        let directory = TestGateway.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = SQLiteJobStore(database: try GatewayDatabase(path: directory + "/db.sqlite"))
        try await store.save(Self.job("j", next: 0))
        for index in 0..<5 {
            _ = try await store.claimNow(jobId: "j", runId: "r\(index)", trigger: "manual", owner: "old", nowMs: index)
            try await store.finish(runId: "r\(index)", status: .ok, error: nil, summary: nil, deliveryStatus: nil, nowMs: index)
        }
        var changed = Self.job("j", next: 42)
        changed.definition = ["kind": "changed"]
        changed.name = "renamed"
        try await store.save(changed)
        let saved = try #require(try await store.job(id: "j"))
        #expect(saved.definition == ["kind": "changed"] && saved.name == "renamed" && saved.nextRunAtMs == 42 && saved.lastStatus == "ok")
        #expect(try await store.pruneRuns(keepPerJob: 2) == 3)
        #expect(try await store.runs(jobId: "j", limit: 10, offset: 0).map(\.runId) == ["r4", "r3"])
        #expect(try await store.remove(id: "j"))
        #expect(try await store.remove(id: "j") == false)
        #expect(try await store.runs(jobId: "j", limit: 10, offset: 0).count == 2)
    }
}

/// A counter for run ids in tests.
final class RunIdCounter: Sendable {
    private let value = Mutex(0)
    func next() -> Int { value.withLock { $0 += 1; return $0 } }
}
