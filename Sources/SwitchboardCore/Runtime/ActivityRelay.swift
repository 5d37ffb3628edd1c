import Synchronization
import SwitchboardPluginAPI
import SwitchboardProtocol

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

    /// `message:received` for a message just journaled (fired once per message: at acceptance,
    /// not again when a restart resumes it). Text is cut at ``RunEvents/hookTextLimit``.
    func messageReceived(
        runId: String?, text: String, sessionKey: String, agentId: String, atMs: Int, platform: String? = nil, userId: String? = nil, channelId: String? = nil
    ) {
        emit(.messageReceived) {
            HookEvent(
                .messageReceived, timestampMs: Int64(atMs), platform: platform, userId: userId, channelId: channelId, requestId: runId,
                data: ["text": .string(String(text.prefix(RunEvents.hookTextLimit))), "session_key": .string(sessionKey), "agent_id": .string(agentId)])
        }
    }

    func emit(_ type: HookEventType, _ make: () -> HookEvent) {
        guard let listener = listener.withLock({ $0 }), listener.wants(type) else { return }
        listener.hear(make())
    }
}
