import ServiceLifecycle
import SwitchboardPluginAPI
import Synchronization

/// When heartbeats happen: every interval after the last one (the interval is read again on
/// each pass, so a config change takes effect at once), and at once when asked (`wake` with
/// `mode: "now"`, a cron job's `wakeMode: "now"`, `POST /hooks/wake`). Requests made while one
/// runs are coalesced into the next. A beat that finds the main session busy is retried after
/// ``retryDelayMs``. Times come from a ``SchedulerClock``, so tests move time by hand.
public final class HeartbeatScheduler: Sendable {
    /// Why a beat runs: `interval`, or the reason of the request (`wake`, `cron:<jobId>`, `hook`).
    public struct Trigger: Sendable, Hashable {
        public var reason: String
        /// True for the periodic beat: active hours and an empty `HEARTBEAT.md` may skip it.
        public var periodic: Bool

        public init(reason: String, periodic: Bool) {
            self.reason = reason
            self.periodic = periodic
        }
    }

    public enum Outcome: Sendable {
        /// Ran or was skipped for good: the next periodic beat is one interval later.
        case done
        /// The main session is busy: try again shortly.
        case busy
    }

    private struct State {
        var requested: [String] = []
        var lastBeatMs: Int64?
        var retryAtMs: Int64?
        var nextDueMs: Int64?
    }

    public static let retryDelayMs: Int64 = 1_000
    /// Requests waiting beyond this are merged into one (their reasons are only labels).
    static let maxRequests = 16

    let clock: any SchedulerClock
    let interval: @Sendable () -> Int?
    private let wake = WakeSignal()
    private let state = Mutex(State())

    /// - Parameter interval: the current interval in ms; nil when periodic beats are off.
    public init(clock: any SchedulerClock, interval: @escaping @Sendable () -> Int?) {
        self.clock = clock
        self.interval = interval
    }

    /// When the last heartbeat ran (kept across restarts by the caller), so a restart does not
    /// push the next one a whole interval away.
    public func restore(lastBeatMs: Int64?) {
        state.withLock { $0.lastBeatMs = lastBeatMs }
    }

    /// Asks for a heartbeat now.
    public func requestNow(reason: String) {
        state.withLock { state in
            if !state.requested.contains(reason) {
                if state.requested.count >= Self.maxRequests { state.requested.removeFirst() }
                state.requested.append(reason)
            }
        }
        wake.signal()
    }

    /// The interval may have changed: look again.
    public func reconfigure() { wake.signal() }

    /// When the next periodic heartbeat is due (nil when off).
    public var nextDueMs: Int64? { state.withLock { $0.nextDueMs } }

    /// Runs `beat` whenever a heartbeat is due, until cancelled or a graceful shutdown.
    public func run(beat: @Sendable (Trigger) async -> Outcome) async {
        let startedAtMs = clock.nowMs()
        await withDiscardingTaskGroup { group in
            group.addTask {
                try? await gracefulShutdown()
                self.wake.signal()
            }
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                let now = clock.nowMs()
                let (trigger, deadline) = next(nowMs: now, startedAtMs: startedAtMs)
                guard let trigger else {
                    await clock.sleep(untilMs: deadline, wake: wake)
                    continue
                }
                let outcome = await beat(trigger)
                let after = clock.nowMs()
                state.withLock { state in
                    switch outcome {
                    case .done:
                        state.lastBeatMs = after
                        state.retryAtMs = nil
                    case .busy:
                        state.retryAtMs = after + Self.retryDelayMs
                        if !trigger.periodic, !state.requested.contains(trigger.reason) { state.requested.insert(trigger.reason, at: 0) }
                    }
                }
            }
            group.cancelAll()
        }
    }

    /// The beat due now, or when to look again.
    private func next(nowMs now: Int64, startedAtMs: Int64) -> (Trigger?, Int64?) {
        let every = interval().map(Int64.init)
        return state.withLock { state -> (Trigger?, Int64?) in
            let due = every.map { (state.lastBeatMs ?? startedAtMs) + $0 }
            state.nextDueMs = due
            if let retry = state.retryAtMs, retry > now {
                return (nil, retry)
            }
            if !state.requested.isEmpty {
                let reasons = state.requested
                state.requested.removeAll()
                return (Trigger(reason: reasons.joined(separator: ","), periodic: false), nil)
            }
            if let due, due <= now {
                return (Trigger(reason: "interval", periodic: true), nil)
            }
            return (nil, due)
        }
    }
}
