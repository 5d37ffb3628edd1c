import SwitchboardProtocol
import Testing

@testable import SwitchboardCore

/// `status.runs`: the last hour by minute in a fixed ring, whatever the traffic.
struct RunActivityLogTests {
    @Test("runs are counted by outcome and minute; minutes older than an hour drop out; the ring never grows")
    func minutes() {
        let log = RunActivityLog()
        let minute = 60_000
        let start = 1_000 * minute
        log.record(outcome: "ok", durationMs: 100, endedAtMs: start + 5)
        log.record(outcome: "ok", durationMs: 300, endedAtMs: start + 10)
        log.record(outcome: "error", durationMs: 50, endedAtMs: start + 20)
        log.record(outcome: "aborted", durationMs: 0, endedAtMs: start + minute)
        var snapshot = log.snapshot(active: 2, nowMs: start + minute + 1)
        #expect(snapshot.active == 2)
        #expect(snapshot.finished == ["ok": 2, "error": 1, "aborted": 1])
        #expect(snapshot.minutes.count == 2)
        #expect(snapshot.minutes[0].startMs == start && snapshot.minutes[0].ok == 2 && snapshot.minutes[0].failed == 1)
        #expect(snapshot.minutes[0].meanMs == 150 && snapshot.minutes[0].maxMs == 300)
        #expect(snapshot.minutes[1].aborted == 1)

        // An hour on, the first minute has left the window; the same slot is reused, not added.
        log.record(outcome: "timeout", durationMs: 900, endedAtMs: start + 60 * minute + 1)
        snapshot = log.snapshot(active: 0, nowMs: start + 60 * minute + 2)
        #expect(snapshot.minutes.map(\.startMs) == [start + minute, start + 60 * minute])
        #expect(snapshot.minutes[1].failed == 1 && snapshot.minutes[1].ok == 0)
        // Counts since the start stay.
        #expect(snapshot.finished["ok"] == 2 && snapshot.finished["timeout"] == 1)
        // Far in the future nothing recent is left.
        #expect(log.snapshot(active: 0, nowMs: start + 500 * minute).minutes.isEmpty)
    }
}
