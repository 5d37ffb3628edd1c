/// Waits for `body` at most `timeout`; whichever ends first cancels the other.
///
/// Many waits in the gateway are bounded this way (drains, start-up, wake-ups); one owned
/// task group does it, so no wait outlives its caller.
public func waitAtMost(_ timeout: Duration, _ body: @escaping @Sendable () async -> Void) async {
    await waitAtMost(until: .now + timeout, body)
}

/// ``waitAtMost(_:_:)`` with an absolute deadline.
public func waitAtMost(until deadline: ContinuousClock.Instant, _ body: @escaping @Sendable () async -> Void) async {
    await withTaskGroup(of: Void.self) { group in
        group.addTask { await body() }
        group.addTask { try? await Task.sleep(until: deadline) }
        await group.next()
        group.cancelAll()
    }
}
