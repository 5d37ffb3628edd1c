import Foundation
public import SwitchboardPluginAPI
import Synchronization

/// The scheduler's time: the system clock in the gateway, a clock moved by hand in tests.
public protocol SchedulerClock: Sendable {
    /// Now, in Unix ms.
    func nowMs() -> Int64
    /// Returns at `deadlineMs` (nil: no deadline), when `wake` is signalled, or when the task is
    /// cancelled — whichever comes first.
    func sleep(untilMs deadlineMs: Int64?, wake: WakeSignal) async
}

/// The wall clock. A wait never exceeds ``maxWaitMs``, so a clock that jumps (NTP, a suspended
/// machine waking up) is noticed within a minute.
public struct SystemSchedulerClock: SchedulerClock {
    public static let maxWaitMs: Int64 = 60_000

    public init() {}

    public func nowMs() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }

    public func sleep(untilMs deadlineMs: Int64?, wake: WakeSignal) async {
        let wait = deadlineMs.map { min(max(0, $0 - nowMs()), Self.maxWaitMs) } ?? Self.maxWaitMs
        await wake.wait(timeoutMs: Int(wait))
    }
}

/// A clock that stands still until ``advance(toMs:)``: schedules are tested without waiting.
public final class ManualSchedulerClock: SchedulerClock {
    private struct State {
        var now: Int64
        var sleepers: [ObjectIdentifier: WakeSignal] = [:]
    }

    private let state: Mutex<State>

    public init(nowMs: Int64) {
        state = Mutex(State(now: nowMs))
    }

    public func nowMs() -> Int64 { state.withLock { $0.now } }

    public func sleep(untilMs deadlineMs: Int64?, wake: WakeSignal) async {
        let key = ObjectIdentifier(wake)
        let due = state.withLock { state -> Bool in
            if let deadlineMs, deadlineMs <= state.now { return true }
            state.sleepers[key] = wake
            return false
        }
        if due { return }
        // Only a signal (from `advance` or the scheduler) or cancellation ends this wait.
        await wake.wait(timeoutMs: Int(Int32.max))
        state.withLock { _ = $0.sleepers.removeValue(forKey: key) }
    }

    /// Moves time forward and wakes every sleeper to look again.
    public func advance(toMs nowMs: Int64) {
        let sleepers = state.withLock { state -> [WakeSignal] in
            state.now = max(state.now, nowMs)
            return Array(state.sleepers.values)
        }
        for wake in sleepers { wake.signal() }
    }
}
