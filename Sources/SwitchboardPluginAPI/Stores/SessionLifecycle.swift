import Synchronization

/// A session coming into being or ending, told after the change is committed.
public enum SessionLifecycleEvent: Sendable, Hashable {
    case started(key: String, agentId: String, sessionId: String)
    /// `reason`: `reset` (a new transcript under the same key) or `deleted`.
    case ended(key: String, sessionId: String, reason: String)
}

/// Tells one listener (the hooks) when sessions start and end. The store calls ``emit(_:)``
/// after its transaction commits, so a rolled-back insert is never announced.
public final class SessionLifecycleRelay: Sendable {
    private let listener = Mutex<(@Sendable (SessionLifecycleEvent) -> Void)?>(nil)

    public init() {}

    public func listen(_ listener: @escaping @Sendable (SessionLifecycleEvent) -> Void) {
        self.listener.withLock { $0 = listener }
    }

    public func emit(_ event: SessionLifecycleEvent) {
        listener.withLock { $0 }?(event)
    }
}
