import Synchronization
import SwitchboardProtocol

/// The last hour of finished agent runs, minute by minute, for `status.runs` (the Control
/// UI's chart). A fixed ring of 60 buckets indexed by minute, so memory never grows and a
/// record is one lock and a few additions.
final class RunActivityLog: Sendable {
    static let minuteMs = 60_000
    static let bucketCount = 60

    private struct Bucket {
        var minute = -1
        var ok = 0
        var failed = 0
        var aborted = 0
        var totalMs = 0
        var maxMs = 0
    }

    private struct State {
        var buckets = [Bucket](repeating: Bucket(), count: RunActivityLog.bucketCount)
        var finished: [String: Int] = [:]
    }

    private let state = Mutex(State())

    /// One run ended at `endedAtMs` after `durationMs` (0 when it never started).
    func record(outcome: String, durationMs: Int, endedAtMs: Int) {
        let minute = endedAtMs / Self.minuteMs
        let index = minute % Self.bucketCount
        state.withLock { state in
            state.finished[outcome, default: 0] += 1
            if state.buckets[index].minute != minute { state.buckets[index] = Bucket(minute: minute) }
            switch outcome {
            case "ok": state.buckets[index].ok += 1
            case "aborted": state.buckets[index].aborted += 1
            default: state.buckets[index].failed += 1
            }
            let duration = max(0, durationMs)
            state.buckets[index].totalMs += duration
            state.buckets[index].maxMs = max(state.buckets[index].maxMs, duration)
        }
    }

    /// The snapshot at `nowMs`: minutes older than an hour are left out.
    func snapshot(active: Int, nowMs: Int) -> RunActivity {
        let current = nowMs / Self.minuteMs
        return state.withLock { state in
            let minutes = state.buckets
                .filter { $0.minute >= 0 && $0.minute > current - Self.bucketCount && $0.minute <= current }
                .sorted { $0.minute < $1.minute }
                .map { bucket in
                    let count = bucket.ok + bucket.failed + bucket.aborted
                    return RunActivity.Minute(
                        startMs: bucket.minute * Self.minuteMs, ok: bucket.ok, failed: bucket.failed, aborted: bucket.aborted,
                        meanMs: count == 0 ? 0 : bucket.totalMs / count, maxMs: bucket.maxMs
                    )
                }
            return RunActivity(active: active, finished: state.finished, minutes: minutes)
        }
    }
}
