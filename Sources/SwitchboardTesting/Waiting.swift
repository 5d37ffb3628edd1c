public import SwitchboardClient
public import SwitchboardProtocol

/// The test waited for something that did not happen in time.
public struct TestTimeout: Error, CustomStringConvertible {
    public var what: String
    public init(what: String) { self.what = what }
    public var description: String { "timed out waiting for \(what)" }
}

/// Runs `body`, failing with ``TestTimeout`` after `timeout`. The timer is the deadline,
/// not a synchroniser: the body returns as soon as its event happens.
public func withTimeout<T: Sendable>(
    _ timeout: Duration = .seconds(10), _ what: String = "an event", _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: timeout)
            throw TestTimeout(what: what)
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}

extension GatewayClient {
    /// The next client event satisfying `predicate`, skipping others.
    public func nextEvent(
        timeout: Duration = .seconds(10), _ what: String = "a client event", where predicate: @escaping @Sendable (ClientEvent) -> Bool
    ) async throws -> ClientEvent {
        let events = self.events
        return try await withTimeout(timeout, what) {
            for await event in events where predicate(event) { return event }
            throw TestTimeout(what: "\(what) (event stream ended)")
        }
    }

    /// The next gateway event named `name`.
    public func event(named name: String, timeout: Duration = .seconds(10)) async throws -> AnyEventFrame {
        let event = try await nextEvent(timeout: timeout, "event \(name)") { event in
            if case .event(let frame) = event, frame.event == name { return true }
            return false
        }
        guard case .event(let frame) = event else { throw TestTimeout(what: name) }
        return frame
    }
}
