import Dispatch
import Synchronization

/// A resettable wake-up for one waiting loop: `signal()` before `wait` is remembered, so a
/// wake-up is never lost between a check and the wait.
///
/// The timed wait is one continuation and one Dispatch timer, cancelled by the signal: the
/// outbox loop waits once or twice per delivered reply, and racing the wait against a sleeping
/// child task cost two tasks and their thread hops each time.
public final class WakeSignal: Sendable {
    private struct Waiter {
        var id: Int
        var continuation: CheckedContinuation<Void, Never>
        var timer: Timer?
    }

    /// A Dispatch timer, which libdispatch lets any thread cancel.
    private final class Timer: @unchecked Sendable {
        let source: any DispatchSourceTimer

        init(_ source: any DispatchSourceTimer) { self.source = source }
    }

    private struct State {
        var pending = false
        var waiter: Waiter?
        var nextId = 0
    }

    private let state = Mutex(State())
    private static let timers = DispatchQueue(label: "switchboard.wake-signal.timers")

    public init() {}

    public func signal() {
        let waiter = state.withLock { state -> Waiter? in
            guard let waiter = state.waiter else {
                state.pending = true
                return nil
            }
            state.waiter = nil
            return waiter
        }
        Self.finish(waiter)
    }

    /// Returns on a signal, after `timeoutMs`, or when the task is cancelled. One waiter at a time.
    public func wait(timeoutMs: Int) async {
        let id = state.withLock { state -> Int in
            state.nextId += 1
            return state.nextId
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = state.withLock { state -> Bool in
                    if state.pending || Task.isCancelled {
                        state.pending = false
                        return true
                    }
                    state.waiter = Waiter(id: id, continuation: continuation)
                    return false
                }
                if now {
                    continuation.resume()
                    return
                }
                let timer = Timer(DispatchSource.makeTimerSource(queue: Self.timers))
                timer.source.schedule(deadline: .now() + .milliseconds(max(timeoutMs, 0)))
                timer.source.setEventHandler { [weak self] in self?.expire(id) }
                // The waiter may have been resumed meanwhile; then the timer only starts to be cancelled
                // (libdispatch must not release a source that was never resumed).
                let attached = state.withLock { state -> Bool in
                    guard state.waiter?.id == id else { return false }
                    state.waiter?.timer = timer
                    return true
                }
                timer.source.resume()
                if !attached { timer.source.cancel() }
            }
        } onCancel: {
            expire(id)
        }
    }

    /// Ends wait `id` if it is still waiting (its deadline passed, or its task was cancelled).
    private func expire(_ id: Int) {
        let waiter = state.withLock { state -> Waiter? in
            guard state.waiter?.id == id else { return nil }
            defer { state.waiter = nil }
            return state.waiter
        }
        Self.finish(waiter)
    }

    private static func finish(_ waiter: Waiter?) {
        guard let waiter else { return }
        waiter.timer?.source.cancel()
        waiter.continuation.resume()
    }
}
