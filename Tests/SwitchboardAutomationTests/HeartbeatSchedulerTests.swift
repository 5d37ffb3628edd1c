import Foundation
import ServiceLifecycle
import SwitchboardPluginAPI
import SwitchboardTesting
import Synchronization
import Testing

@testable import SwitchboardAutomation

/// When heartbeats happen, with a clock moved by hand: each beat records the clock's time, so a
/// beat that came early would show an earlier time than the one it is expected at.
struct HeartbeatSchedulerTests {
    static let t0: Int64 = 1_796_299_200_000

    struct Beat: Sendable, Equatable {
        var reason: String
        var periodic: Bool
        var atMs: Int64
    }

    /// What the test steers: the interval the scheduler reads and the outcomes beats report.
    final class Knobs: Sendable {
        let intervalMs = Mutex<Int?>(60_000)
        let outcomes = Mutex<[HeartbeatScheduler.Outcome]>([])
    }

    final class Harness: Sendable {
        let clock = ManualSchedulerClock(nowMs: HeartbeatSchedulerTests.t0)
        let knobs = Knobs()
        let beats: AsyncStream<Beat>
        let continuation: AsyncStream<Beat>.Continuation
        let scheduler: HeartbeatScheduler

        init() {
            (beats, continuation) = AsyncStream.makeStream(of: Beat.self)
            let knobs = knobs
            scheduler = HeartbeatScheduler(clock: clock, interval: { knobs.intervalMs.withLock { $0 } })
        }

        var service: some Service {
            Beating(scheduler: scheduler) { [clock, continuation, knobs] trigger in
                continuation.yield(Beat(reason: trigger.reason, periodic: trigger.periodic, atMs: clock.nowMs()))
                return knobs.outcomes.withLock { $0.isEmpty ? .done : $0.removeFirst() }
            }
        }

        func next() async throws -> Beat {
            let beats = beats
            return try await withTimeout(.seconds(10), "a heartbeat") {
                for await beat in beats { return beat }
                throw TestTimeout(what: "a heartbeat (stream ended)")
            }
        }

        func advance(by ms: Int64) { clock.advance(toMs: clock.nowMs() + ms) }
    }

    struct Beating: Service {
        let scheduler: HeartbeatScheduler
        let beat: @Sendable (HeartbeatScheduler.Trigger) async -> HeartbeatScheduler.Outcome
        func run() async throws { await scheduler.run(beat: beat) }
    }

    @Test("periodic beats come one interval after the last beat; a requested beat runs at once and restarts the interval")
    func intervalAndRequests() async throws {
        let harness = Harness()
        // The anchor is set here, not when the service happens to start reading the clock.
        harness.scheduler.restore(lastBeatMs: Self.t0)
        try await withRunningServices([harness.service]) { () async throws in
            harness.advance(by: 59_999)
            harness.advance(by: 1)
            #expect(try await harness.next() == Beat(reason: "interval", periodic: true, atMs: Self.t0 + 60_000))
            harness.advance(by: 30_000)
            harness.scheduler.requestNow(reason: "wake")
            #expect(try await harness.next() == Beat(reason: "wake", periodic: false, atMs: Self.t0 + 90_000))
            harness.advance(by: 59_999)
            harness.advance(by: 1)
            #expect(try await harness.next() == Beat(reason: "interval", periodic: true, atMs: Self.t0 + 150_000))
        }
    }

    @Test("a busy main session is retried a second later, with the same reason")
    func busyRetried() async throws {
        let harness = Harness()
        harness.knobs.outcomes.withLock { $0 = [.busy] }
        try await withRunningServices([harness.service]) { () async throws in
            harness.scheduler.requestNow(reason: "cron:job-1")
            #expect(try await harness.next() == Beat(reason: "cron:job-1", periodic: false, atMs: Self.t0))
            harness.advance(by: HeartbeatScheduler.retryDelayMs - 1)
            harness.advance(by: 1)
            #expect(try await harness.next() == Beat(reason: "cron:job-1", periodic: false, atMs: Self.t0 + HeartbeatScheduler.retryDelayMs))
        }
    }

    @Test("with periodic beats off only requests run; turning them on takes effect at once; a restored last beat keeps the cadence")
    func offAndRestored() async throws {
        let harness = Harness()
        harness.knobs.intervalMs.withLock { $0 = nil }
        harness.scheduler.restore(lastBeatMs: Self.t0 - 50_000)
        try await withRunningServices([harness.service]) { () async throws in
            harness.advance(by: 10 * 3_600_000)
            harness.scheduler.requestNow(reason: "wake")
            #expect(try await harness.next() == Beat(reason: "wake", periodic: false, atMs: Self.t0 + 10 * 3_600_000), "no periodic beat while off")
            #expect(harness.scheduler.nextDueMs == nil)
            harness.knobs.intervalMs.withLock { $0 = 120_000 }
            harness.scheduler.reconfigure()
            harness.advance(by: 119_999)
            harness.advance(by: 1)
            #expect(try await harness.next() == Beat(reason: "interval", periodic: true, atMs: Self.t0 + 10 * 3_600_000 + 120_000))
        }
        let restored = Harness()
        restored.scheduler.restore(lastBeatMs: Self.t0 - 50_000)
        try await withRunningServices([restored.service]) { () async throws in
            restored.advance(by: 10_000)
            #expect(try await restored.next() == Beat(reason: "interval", periodic: true, atMs: Self.t0 + 10_000), "due one interval after the restored beat")
        }
    }
}
