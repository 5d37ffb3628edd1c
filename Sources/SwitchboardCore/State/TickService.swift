import ServiceLifecycle
import SwitchboardProtocol

/// Broadcasts `tick {ts}` every `tickIntervalMs` so clients can tell a live gateway from a
/// dead socket (§6.2). Also sweeps the idempotency cache.
struct TickService: Service {
    let intervalMs: Int
    let bus: EventBus
    let clock: GatewayClock
    let idempotency: IdempotencyCache

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: .milliseconds(intervalMs))
                } catch {
                    return
                }
                bus.broadcast(TickEvent.self, .init(ts: clock.nowMs()))
                idempotency.sweep()
            }
        }
    }
}
