import Foundation
import NIOCore
import Synchronization
import SwitchboardAgent
import SwitchboardChannels
import SwitchboardProtocol

/// The shared face of one WebSocket connection: the event bus and handlers reach the socket
/// only through this object's queue, never by writing to the socket themselves.
final class GatewayConnection: Sendable {
    let id: String
    let remoteAddress: String
    let isLoopback: Bool
    let connectedAtMs: Int
    let queue: OutboundQueue

    private struct Session {
        var principal: Principal?
        var protocolVersion = ProtocolVersion.current
        /// Per-connection broadcast sequence; advances even for dropped events (§6.5).
        var seq = 0
        var presenceKey: String?
        /// Runs this v4 connection already has chat text for (it then gets `deltaText` only).
        var chatRuns: Set<String> = []
        /// Sessions this connection started runs in or read, so it gets their tool events.
        var joinedSessions: Set<String> = []
    }

    /// How many sessions one connection may join before the oldest are forgotten.
    static let maxJoinedSessions = 256

    private let session = Mutex(Session())
    /// Set when the socket speaks another dialect than OpenClaw's (decided by its first frame).
    private let translator = Mutex<(any DialectTranslator)?>(nil)
    private let adapter = Mutex<ClaraAdapterSession?>(nil)

    /// This socket speaks the adapter protocol from now on.
    func attachAdapter(_ session: ClaraAdapterSession) {
        adapter.withLock { $0 = session }
    }

    /// True once the socket completed its handshake: `connect` accepted, or an adapter registered.
    var isHandshakeComplete: Bool {
        principal != nil || (adapter.withLock { $0 }?.isRegistered ?? false)
    }
    private let inFlight = Mutex(0)
    /// Long-waiting requests that a v4 `cancel` frame can stop, by request id.
    private let cancellable = Mutex<[String: OneShotSignal]>([:])

    /// Makes request `id` cancellable; the signal is raised when a `cancel` frame names it.
    func registerCancellation(requestId id: String) -> OneShotSignal {
        let signal = OneShotSignal()
        cancellable.withLock { $0[id] = signal }
        return signal
    }

    func unregisterCancellation(requestId id: String) {
        cancellable.withLock { _ = $0.removeValue(forKey: id) }
    }

    /// Handles a v4 `cancel` frame; false when no such request is waiting.
    @discardableResult
    func cancelRequest(id: String) -> Bool {
        guard let signal = cancellable.withLock({ $0.removeValue(forKey: id) }) else { return false }
        signal.raise()
        return true
    }

    /// Reserves a slot for a request; false when `limit` requests are already running.
    func beginRequest(limit: Int) -> Bool {
        inFlight.withLock { count in
            guard count < limit else { return false }
            count += 1
            return true
        }
    }

    func endRequest() {
        inFlight.withLock { $0 -= 1 }
    }

    init(id: String, remoteAddress: String, isLoopback: Bool, connectedAtMs: Int, maxBufferedBytes: Int) {
        self.id = id
        self.remoteAddress = remoteAddress
        self.isLoopback = isLoopback
        self.connectedAtMs = connectedAtMs
        self.queue = OutboundQueue(limit: maxBufferedBytes)
    }

    var principal: Principal? { session.withLock { $0.principal } }
    var protocolVersion: Int { session.withLock { $0.protocolVersion } }
    var presenceKey: String? { session.withLock { $0.presenceKey } }

    func authenticated(as principal: Principal, protocolVersion: Int, presenceKey: String?) {
        session.withLock { session in
            session.principal = principal
            session.protocolVersion = protocolVersion
            session.presenceKey = presenceKey
        }
    }

    /// Sends a response or other targeted frame.
    @discardableResult
    func send(_ frame: ByteBuffer) -> OutboundQueue.EnqueueResult {
        guard let frame = translated(frame) else { return .queued }
        return queue.enqueue(frame, dropIfSlow: false)
    }

    /// Sends a frame already in the socket's dialect.
    func sendUntranslated(_ frame: ByteBuffer) {
        _ = queue.enqueue(frame, dropIfSlow: false)
    }

    /// From now on every frame this connection sends is translated into `dialect`'s shapes.
    func speak(_ dialect: any DialectTranslator) {
        translator.withLock { $0 = dialect }
    }

    /// A frame in OpenClaw's shape as this socket's dialect speaks it (nil: nothing to send).
    private func translated(_ frame: ByteBuffer) -> ByteBuffer? {
        guard let translator = translator.withLock({ $0 }) else { return frame }
        return translator.outbound(frame)
    }

    /// Sends a pre-encoded event; broadcast events get this connection's next `seq`. With
    /// `wake: false` the frame waits for ``wake()`` (see ``OutboundQueue/enqueue(_:dropIfSlow:receipt:wake:)``).
    @discardableResult
    func send(_ event: EncodedEvent, broadcast: Bool, wake: Bool = true) -> OutboundQueue.EnqueueResult {
        guard broadcast else {
            guard let frame = translated(event.frame(seq: nil)) else { return .queued }
            return queue.enqueue(frame, dropIfSlow: event.dropIfSlow, wake: wake)
        }
        // seq assignment and enqueue happen under one lock so concurrent broadcasts keep order.
        return session.withLock { session in
            session.seq += 1
            guard let frame = translated(event.frame(seq: session.seq)) else { return .queued }
            return queue.enqueue(frame, dropIfSlow: event.dropIfSlow, wake: wake)
        }
    }

    /// Lets the socket write frames queued with `wake: false`.
    func wake() { queue.wake() }

    /// Remembers that this connection takes part in `sessionKey` (for tool events).
    func join(session sessionKey: String) {
        session.withLock { session in
            if session.joinedSessions.count >= Self.maxJoinedSessions, !session.joinedSessions.contains(sessionKey) {
                session.joinedSessions.removeAll()
            }
            session.joinedSessions.insert(sessionKey)
        }
    }

    func hasJoined(session sessionKey: String) -> Bool {
        session.withLock { $0.joinedSessions.contains(sessionKey) }
    }

    /// Sends one of a run's chat-delta variants (§6.4), chosen by this connection's protocol:
    /// v3 gets the full text; v4 gets `deltaText`, or a full replacement first and after a drop.
    func sendChatDelta(runId: String, v3: EncodedEvent, v4Full: EncodedEvent, v4Append: EncodedEvent, wake: Bool = true) -> OutboundQueue.EnqueueResult {
        session.withLock { session in
            session.seq += 1
            let event: EncodedEvent
            let isV4 = session.protocolVersion >= 4
            if !isV4 {
                event = v3
            } else if session.chatRuns.contains(runId) {
                event = v4Append
            } else {
                event = v4Full
            }
            guard let frame = translated(event.frame(seq: session.seq)) else { return .queued }
            let result = queue.enqueue(frame, dropIfSlow: event.dropIfSlow, wake: wake)
            if isV4 {
                if case .queued = result { session.chatRuns.insert(runId) } else { session.chatRuns.remove(runId) }
            }
            return result
        }
    }

    /// Forgets per-run chat state once the run ended.
    func endChatRun(_ runId: String) {
        session.withLock { _ = $0.chatRuns.remove(runId) }
    }

    /// Whether this connection should receive a broadcast of `event`.
    func accepts(_ event: EncodedEvent) -> Bool {
        guard let principal else { return false }
        guard let scope = event.requiredScope else { return true }
        return principal.has(scope)
    }
}

/// An event encoded once for every recipient; each recipient only appends its own `seq`.
struct EncodedEvent: Sendable {
    let name: String
    let dropIfSlow: Bool
    let requiredScope: OperatorScope?
    /// `{"type":"event","event":…,"payload":…[,"stateVersion":…]` without the closing brace.
    private let prefix: ByteBuffer

    /// - Parameter dropIfSlow: overrides the event type's default (chat deltas may drop, finals not).
    init<E: GatewayEvent>(_ event: E.Type, payload: E.Payload, stateVersion: StateVersion? = nil, dropIfSlow: Bool? = nil) throws {
        name = E.name
        self.dropIfSlow = dropIfSlow ?? E.dropIfSlow
        requiredScope = E.requiredScope
        var buffer = ByteBuffer()
        buffer.writeString("{\"type\":\"event\",\"event\":")
        buffer.writeBytes(try GatewayJSON.encoder.encode(E.name))
        buffer.writeString(",\"payload\":")
        buffer.writeBytes(try GatewayJSON.encoder.encode(payload))
        if let stateVersion {
            buffer.writeString(",\"stateVersion\":")
            buffer.writeBytes(try GatewayJSON.encoder.encode(stateVersion))
        }
        prefix = buffer
    }

    /// An event whose payload JSON is already written (``ChatDeltaFrames``).
    init<E: GatewayEvent>(_ event: E.Type, encodedPayload: ByteBuffer, dropIfSlow: Bool? = nil) {
        name = E.name
        self.dropIfSlow = dropIfSlow ?? E.dropIfSlow
        requiredScope = E.requiredScope
        var buffer = ByteBuffer()
        buffer.reserveCapacity(encodedPayload.readableBytes + 48)
        buffer.writeString("{\"type\":\"event\",\"event\":")
        JSONStringWriter.write(E.name, to: &buffer)
        buffer.writeString(",\"payload\":")
        buffer.writeImmutableBuffer(encodedPayload)
        prefix = buffer
    }

    func frame(seq: Int?) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(prefix.readableBytes + 24)
        buffer.writeImmutableBuffer(prefix)
        if let seq {
            buffer.writeString(",\"seq\":")
            buffer.writeString(String(seq))
        }
        buffer.writeString("}")
        return buffer
    }
}
