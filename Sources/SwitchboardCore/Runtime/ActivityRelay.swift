import Synchronization
import SwitchboardPluginAPI

/// What the runs do (a message in, a tool call, a reply), told to one listener — the hooks —
/// set once when the gateway is wired. The event is built only when the listener wants its type,
/// so a gateway without hooks pays one lock read per step.
final class ActivityRelay: Sendable {
    struct Listener: Sendable {
        let wants: @Sendable (HookEventType) -> Bool
        let hear: @Sendable (HookEvent) -> Void
    }

    private let listener = Mutex<Listener?>(nil)

    func listen(_ listener: Listener) {
        self.listener.withLock { $0 = listener }
    }

    func emit(_ type: HookEventType, _ make: () -> HookEvent) {
        guard let listener = listener.withLock({ $0 }), listener.wants(type) else { return }
        listener.hear(make())
    }
}
