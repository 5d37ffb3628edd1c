import Synchronization

/// Why and when one gateway generation should hand over to the next (SIGUSR1, a restart
/// key edited, `config.apply`).
public struct RestartRequest: Sendable, Hashable {
    public var reason: String
    /// Wait this long before starting the restart (`restartDelayMs` of `config.patch`/`apply`).
    public var delayMs: Int

    public init(reason: String, delayMs: Int = 0) {
        self.reason = reason
        self.delayMs = delayMs
    }
}

/// One generation's restart latch: the first request wins, later ones are ignored, and a
/// request made before anyone waits is kept.
final class RestartTrigger: Sendable {
    /// What the `shutdown` event promises clients: the in-process restart rebinds and is
    /// ready again well within this (start-up is measured in tens of milliseconds).
    static let expectedRestartMs = 2_000

    private struct State {
        var request: RestartRequest?
        var waiters: [CheckedContinuation<RestartRequest?, Never>] = []
        var cancelled = false
    }

    private let state = Mutex(State())

    /// - Returns: false when a restart was already requested.
    @discardableResult
    func request(_ request: RestartRequest) -> Bool {
        let waiters: [CheckedContinuation<RestartRequest?, Never>]? = state.withLock { state in
            guard state.request == nil else { return nil }
            state.request = request
            defer { state.waiters = [] }
            return state.waiters
        }
        guard let waiters else { return false }
        for waiter in waiters { waiter.resume(returning: request) }
        return true
    }

    var requested: RestartRequest? { state.withLock { $0.request } }

    /// Suspends until a restart is requested; nil when the waiting task is cancelled.
    func wait() async -> RestartRequest? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<RestartRequest?, Never>) in
                let immediate: RestartRequest?? = state.withLock { state in
                    if let request = state.request { return .some(request) }
                    if Task.isCancelled { return .some(nil) }
                    state.waiters.append(continuation)
                    return nil
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let waiters = state.withLock { state in
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume(returning: nil) }
        }
    }
}
