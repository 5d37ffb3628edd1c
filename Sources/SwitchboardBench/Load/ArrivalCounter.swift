import NIOCore
import Synchronization

/// Counts how many listeners have received the current round's marker, and when; resumes the
/// waiting scenario once all have (fan-out and stream scenarios).
final class ArrivalCounter: Sendable {
    private struct State {
        var marker: [UInt8] = []
        var expected = 0
        var arrivals: [UInt64] = []
        var waiter: CheckedContinuation<[UInt64], Never>?
    }

    private let state = Mutex(State())

    /// Starts a round: arrivals of frames containing `marker` are recorded until `expected`.
    func begin(marker: String, expected: Int) {
        state.withLock {
            $0.marker = Array(marker.utf8)
            $0.expected = expected
            $0.arrivals = []
            $0.arrivals.reserveCapacity(expected)
        }
    }

    /// Called by every listener for every frame (on its event loop).
    func observe(_ frame: ByteBuffer, at now: UInt64) {
        let waiter: (CheckedContinuation<[UInt64], Never>, [UInt64])? = state.withLock { state in
            guard state.arrivals.count < state.expected, FrameScan.contains(state.marker, in: frame) else { return nil }
            state.arrivals.append(now)
            guard state.arrivals.count == state.expected, let waiter = state.waiter.take() else { return nil }
            return (waiter, state.arrivals)
        }
        if let (continuation, arrivals) = waiter { continuation.resume(returning: arrivals) }
    }

    /// The arrivals once all expected listeners have the marker, or what came within `timeout`.
    func wait(timeout: Duration) async -> [UInt64] {
        await withTaskGroup(of: [UInt64]?.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let done: [UInt64]? = self.state.withLock { state in
                        if state.arrivals.count >= state.expected { return state.arrivals }
                        state.waiter = continuation
                        return nil
                    }
                    if let done { continuation.resume(returning: done) }
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            if let first {
                group.cancelAll()
                return first
            }
            // Timed out: release the waiter with what arrived so far.
            let (waiter, partial) = state.withLock { ($0.waiter.take(), $0.arrivals) }
            waiter?.resume(returning: partial)
            _ = await group.next()
            return partial
        }
    }
}
