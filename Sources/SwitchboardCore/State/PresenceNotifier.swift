import ServiceLifecycle
import SwitchboardProtocol

/// Broadcasts the presence list after connects and disconnects, at most once per
/// `gateway.presenceCoalesceMs`: when a restart reconnects every client at once, that costs a
/// few broadcasts instead of one full list per client to every client (O(n²) bytes).
struct PresenceNotifier: Service {
    let coalesceMs: Int
    let bus: EventBus
    let presence: PresenceRegistry
    let health: HealthMonitor
    private let changes: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    init(coalesceMs: Int, bus: EventBus, presence: PresenceRegistry, health: HealthMonitor) {
        self.coalesceMs = coalesceMs
        self.bus = bus
        self.presence = presence
        self.health = health
        (changes, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Notes a change; the first one in a quiet period is broadcast at once.
    func changed() {
        continuation.yield()
    }

    /// Broadcasts now (explicit `system-event` reports are not delayed).
    func broadcastNow() {
        bus.broadcast(PresenceEvent.self, .init(presence: presence.entries), stateVersion: health.stateVersion)
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            for await _ in changes {
                broadcastNow()
                // Changes during this pause collapse into one broadcast after it.
                guard (try? await Task.sleep(for: .milliseconds(coalesceMs))) != nil else { return }
            }
        }
    }
}
