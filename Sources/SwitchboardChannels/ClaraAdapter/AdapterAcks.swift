import Synchronization

/// Replies waiting for an adapter's `ack`, by delivery id. A waiter is registered before its
/// frame is sent (an ack can arrive before the sender starts waiting); it ends with the ack,
/// a timeout, or the socket it was sent on closing.
final class AdapterAcks: Sendable {
    private final class Waiter: Sendable {
        let linkId: Int
        let outcome = OneShotOutcome()
        init(linkId: Int) { self.linkId = linkId }
        func resolve(_ value: Bool) { outcome.resolve(value) }
    }

    private let waiters = Mutex<[String: Waiter]>([:])

    /// Registers a wait for `deliveryId` on `linkId`; call ``wait(for:timeoutMs:)`` after sending.
    func expect(_ deliveryId: String, linkId: Int) {
        let previous = waiters.withLock { waiters in
            defer { waiters[deliveryId] = Waiter(linkId: linkId) }
            return waiters[deliveryId]
        }
        previous?.resolve(false)
    }

    /// True when the ack came within `timeoutMs`.
    func wait(for deliveryId: String, timeoutMs: Int) async -> Bool {
        guard let waiter = waiters.withLock({ $0[deliveryId] }) else { return false }
        let acked = await waiter.outcome.value(timeoutMs: timeoutMs)
        waiters.withLock { if $0[deliveryId] === waiter { $0[deliveryId] = nil } }
        return acked
    }

    /// An `ack` frame arrived on `linkId`; false when nothing waited for it there.
    @discardableResult
    func acknowledge(_ deliveryId: String, linkId: Int) -> Bool {
        guard let waiter = waiters.withLock({ $0[deliveryId] }), waiter.linkId == linkId else { return false }
        waiter.resolve(true)
        return true
    }

    /// The socket `linkId` closed: whatever waits on it will not be acked there.
    func linkClosed(_ linkId: Int) {
        let closed = waiters.withLock { waiters in waiters.values.filter { $0.linkId == linkId } }
        for waiter in closed { waiter.resolve(false) }
    }
}

/// A yes/no that is decided once (by whoever comes first) and can be awaited with a timeout.
final class OneShotOutcome: Sendable {
    private let state = Mutex<(outcome: Bool?, continuation: CheckedContinuation<Bool, Never>?)>((nil, nil))

    func resolve(_ outcome: Bool) {
        let continuation = state.withLock { state -> CheckedContinuation<Bool, Never>? in
            guard state.outcome == nil else { return nil }
            state.outcome = outcome
            defer { state.continuation = nil }
            return state.continuation
        }
        continuation?.resume(returning: outcome)
    }

    /// The outcome, or false when `timeoutMs` passes first (which then decides it).
    func value(timeoutMs: Int) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask { await self.wait() }
            group.addTask {
                try? await Task.sleep(for: .milliseconds(timeoutMs))
                self.resolve(false)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }

    private func wait() async -> Bool {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Bool? in
                if let outcome = state.outcome { return outcome }
                state.continuation = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
