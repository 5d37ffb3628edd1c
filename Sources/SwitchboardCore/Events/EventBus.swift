import Logging
import NIOCore
import Synchronization
import SwitchboardProtocol

/// Fans events out to authenticated connections.
///
/// Broadcasts read an immutable snapshot of subscribers (swapped on connect and disconnect),
/// encode the payload once, and only enqueue: no lock is held across I/O and no client can
/// slow another.
public final class EventBus: Sendable {
    private let subscribers = Mutex<[GatewayConnection]>([])
    private let counters = Mutex(Counters())
    let logger: Logger
    let metrics: GatewayMetrics

    struct Counters {
        var sent = 0
        var dropped = 0
        var slowConsumerCloses = 0
    }

    init(logger: Logger, metrics: GatewayMetrics) {
        self.logger = logger
        self.metrics = metrics
    }

    func subscribe(_ connection: GatewayConnection) {
        subscribers.withLock { $0.append(connection) }
    }

    func unsubscribe(_ connection: GatewayConnection) {
        subscribers.withLock { $0.removeAll { $0 === connection } }
    }

    var connections: [GatewayConnection] { subscribers.withLock { $0 } }

    /// Sends `payload` to every connection allowed to see `E`, each with its own `seq`.
    func broadcast<E: GatewayEvent>(_ event: E.Type, _ payload: E.Payload, stateVersion: StateVersion? = nil) {
        let encoded: EncodedEvent
        do {
            encoded = try EncodedEvent(event, payload: payload, stateVersion: stateVersion)
        } catch {
            logger.error("event encoding failed", metadata: ["sb.event": "\(E.name)", "error.type": "\(type(of: error))"])
            return
        }
        var sent = 0
        var dropped = 0
        for connection in subscribers.withLock({ $0 }) where connection.accepts(encoded) {
            switch connection.send(encoded, broadcast: true) {
            case .queued: sent += 1
            case .dropped: dropped += 1
            case .overflow:
                dropped += 1
                counters.withLock { $0.slowConsumerCloses += 1 }
                metrics.recordSlowConsumerClose()
                logger.info("closing slow consumer", metadata: ["sb.conn.id": "\(connection.id)", "sb.event": "\(E.name)"])
            case .closed: break
            }
        }
        record(sent: sent, dropped: dropped)
    }

    /// Sends an event to one connection, without `seq` (§6.5 targeted events).
    func send<E: GatewayEvent>(_ event: E.Type, _ payload: E.Payload, to connection: GatewayConnection) {
        guard let encoded = try? EncodedEvent(event, payload: payload) else { return }
        if case .queued = connection.send(encoded, broadcast: false) { metrics.recordEvents(sent: 1, dropped: 0) }
    }

    func record(sent: Int, dropped: Int) {
        counters.withLock { counters in
            counters.sent += sent
            counters.dropped += dropped
        }
        metrics.recordEvents(sent: sent, dropped: dropped)
    }

    var statistics: (sent: Int, dropped: Int, slowConsumerCloses: Int) {
        counters.withLock { ($0.sent, $0.dropped, $0.slowConsumerCloses) }
    }
}
