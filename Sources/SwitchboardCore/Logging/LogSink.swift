import Foundation
import Synchronization

/// A bounded buffer of finished log lines between loggers (any thread, never blocking on
/// disk) and the ``LogFileWriter`` service that appends them to the file.
public final class LogSink: Sendable {
    private struct State {
        var lines: [String] = []
        var dropped = 0
        var waiter: CheckedContinuation<Void, Never>?
        var finished = false
    }

    /// Lines held before new ones are dropped (and counted) while the disk is slow.
    public let capacity: Int
    private let state = Mutex(State())

    public init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    func append(_ line: String) {
        let waiter: CheckedContinuation<Void, Never>? = state.withLock { state in
            guard !state.finished else { return nil }
            if state.lines.count >= capacity {
                state.dropped += 1
                return nil
            }
            state.lines.append(line)
            return state.waiter.take()
        }
        waiter?.resume()
    }

    /// Waits for lines; returns them with the count dropped since the last call. Empty when finished.
    func drain() async -> (lines: [String], dropped: Int) {
        while true {
            let batch: (lines: [String], dropped: Int)? = state.withLock { state in
                guard !state.lines.isEmpty || state.dropped > 0 || state.finished else { return nil }
                defer {
                    state.lines.removeAll(keepingCapacity: true)
                    state.dropped = 0
                }
                return (state.lines, state.dropped)
            }
            if let batch { return batch }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let ready = state.withLock { state in
                        if !state.lines.isEmpty || state.finished { return true }
                        state.waiter = continuation
                        return false
                    }
                    if ready { continuation.resume() }
                }
            } onCancel: {
                // A cancelled writer flushes what it has and stops.
                finish()
            }
        }
    }

    /// Takes whatever is buffered without waiting (console echo).
    public func takeAll() -> [String] {
        state.withLock { state in
            defer { state.lines.removeAll(keepingCapacity: true) }
            return state.lines
        }
    }

    func finish() {
        let waiter = state.withLock { state in
            state.finished = true
            return state.waiter.take()
        }
        waiter?.resume()
    }

    var isFinished: Bool { state.withLock { $0.finished && $0.lines.isEmpty } }
}
