import Foundation
import Logging
import NIOCore
import SwitchboardProtocol

/// What one gateway WebSocket says: the challenge, the handshake, then requests and events
/// until it closes (§3). ``GatewaySocketHandler`` feeds it whole messages on the channel's
/// event loop; anything that waits (authentication, a request's handler, an adapter) runs as a
/// task the connection owns (``ConnectionTasks``), so an idle connection costs no task at all.
///
/// `@unchecked Sendable`: the mutable fields (`machine`, `held`, `adapterInbox`) are touched
/// only on `eventLoop`; tasks hop back there before changing them.
final class ConnectionSession: @unchecked Sendable {
    let runtime: GatewayRuntime
    let dispatcher: Dispatcher
    let connection: GatewayConnection
    let tasks: ConnectionTasks
    let logger: Logger
    let eventLoop: any EventLoop
    let limit: FrameLimit
    private let nonce = UUID().uuidString.lowercased()
    private let adapterPath: Bool
    /// Set when the upgrade came from a page origin the gateway does not trust: the socket
    /// answers its first frame with OpenClaw's refusal and closes; nothing is ever dispatched.
    private let originRefusal: BrowserGuard.Refusal?
    /// The `Origin` of the upgrade when a browser opened this socket (allowed, else refused above).
    let browserOrigin: String?
    private var machine = HandshakeStateMachine()
    /// Messages that arrive while `connect` is being authenticated, replayed after it.
    private var held: [ByteBuffer] = []
    private var adapterInbox: AsyncStream<Data>.Continuation?
    /// With `gateway.firstFrameWaitMs`: the challenge held back while `/` waits for a client
    /// that speaks first (Clara's adapter client reads exactly one frame and expects `registered`).
    private var heldChallenge: Scheduled<Void>?
    /// The dialect's translator once the first frame chose one other than OpenClaw's.
    private var translator: (any DialectTranslator)?
    private var dialectChosen = false
    /// The upgrade came from a client library whose users send first (see ``GatewayServerChannel/likelySpeaksFirst(userAgent:)``).
    private let speaksFirst: Bool
    /// The first-frame wait such a socket gets when `gateway.firstFrameWaitMs` is 0.
    static let speaksFirstWaitMs = 1_000

    /// Messages a client may send before `hello-ok` without waiting for it.
    static let maxHeldMessages = 32

    /// - Parameter adapterPath: the socket was opened on `/adapter`: no challenge, adapter protocol only.
    init(
        runtime: GatewayRuntime, dispatcher: Dispatcher, remote: SocketAddress?, eventLoop: any EventLoop, adapterPath: Bool,
        browserOrigin: String? = nil, originRefusal: BrowserGuard.Refusal? = nil, speaksFirst: Bool = false
    ) {
        self.speaksFirst = speaksFirst
        let config = runtime.configuration.gateway
        self.runtime = runtime
        self.dispatcher = dispatcher
        self.eventLoop = eventLoop
        self.adapterPath = adapterPath
        self.originRefusal = originRefusal
        self.browserOrigin = browserOrigin
        connection = GatewayConnection(
            id: UUID().uuidString.lowercased(), remoteAddress: remote?.ipAddress ?? "unknown", isLoopback: Self.isLoopback(remote),
            connectedAtMs: runtime.clock.nowMs(), maxBufferedBytes: config.maxBufferedBytes
        )
        tasks = ConnectionTasks(registry: runtime.connections)
        limit = FrameLimit(bytes: adapterPath ? config.maxPayloadBytes : config.maxPreAuthPayloadBytes)
        var logger = runtime.logger
        logger[metadataKey: "sb.conn.id"] = "\(connection.id)"
        self.logger = logger
    }

    /// The socket is open: register, send the challenge (or start the adapter protocol).
    func opened() {
        runtime.host.metrics.recordConnectionAccepted()
        runtime.connections.add(connection)
        if let originRefusal {
            logger.notice("websocket from a refused origin", metadata: ["sb.reason": "\(originRefusal.reason)", "sb.adapter": "\(adapterPath)"])
            runtime.host.metrics.recordOriginRefused()
        }
        if adapterPath, let originRefusal {
            let frame: JSONValue = ["type": "error", "code": "origin_not_allowed", "message": .string(originRefusal.message), "recoverable": false]
            connection.send(ByteBuffer(string: GatewayJSON.string(frame)))
            connection.queue.requestClose(code: 1008, reason: Self.closeReason(originRefusal.message))
        } else if adapterPath {
            startAdapter(first: nil)
        } else if originRefusal == nil, let wait = firstFrameWaitMs {
            heldChallenge = eventLoop.scheduleTask(in: .milliseconds(Int64(wait))) { [self] in sendHeldChallenge() }
        } else {
            sendChallenge()
        }
        if runtime.readiness.current == .draining {
            connection.queue.requestClose(code: 1012, reason: "service restart")
        }
    }

    /// How long `/` holds the challenge for a client that speaks first; nil when it is sent at once.
    private var firstFrameWaitMs: Int? {
        let wait = runtime.configuration.gateway.firstFrameWaitMs
        if wait > 0 { return wait }
        return speaksFirst ? Self.speaksFirstWaitMs : nil
    }

    private func sendChallenge() {
        runtime.bus.send(ConnectChallengeEvent.self, .init(nonce: nonce, ts: runtime.clock.nowMs()), to: connection)
    }

    /// The wait for a `register` ended (by time, or a first frame that is not one).
    private func sendHeldChallenge() {
        guard heldChallenge != nil else { return }
        heldChallenge = nil
        sendChallenge()
    }

    /// The socket is gone: stop its tasks and forget it everywhere.
    func closed() {
        eventLoop.preconditionInEventLoop()
        heldChallenge?.cancel()
        heldChallenge = nil
        adapterInbox?.finish()
        tasks.cancelAll()
        connection.queue.finish()
        runtime.bus.unsubscribe(connection)
        runtime.connections.remove(connection)
        if connection.principal?.role == .node { runtime.nodes.disconnected(connection.id) }
        if let key = connection.presenceKey, runtime.presence.remove(key: key) != nil {
            runtime.presenceNotifier.changed()
        }
        if connection.principal != nil { logger.info("client disconnected") }
    }

    /// One whole inbound message, on the event loop.
    func received(_ message: ByteBuffer) {
        eventLoop.preconditionInEventLoop()
        if connection.queue.isClosing { return }
        if let originRefusal {
            refuseOrigin(originRefusal, firstFrame: message)
            return
        }
        if let adapterInbox {
            if case .dropped = adapterInbox.yield(Data(message.readableBytesView)) {
                connection.queue.requestClose(code: 1008, reason: "adapter sent faster than it is served")
            }
            return
        }
        var message = message
        if !dialectChosen {
            // The first frame, read once, decides the dialect (and whether a held challenge is sent).
            dialectChosen = true
            let envelope = try? message.withUnsafeReadableBytes(FrameEnvelope.read).get()
            let dialect = envelope.map(WireDialect.of(firstFrame:)) ?? .openClaw
            if let held = heldChallenge {
                held.cancel()
                heldChallenge = nil
                // A `register` makes this an adapter socket; the other speak-first dialects go on
                // without the challenge; anything else gets it now.
                if envelope?.type == "register" {
                    startAdapter(first: Data(message.readableBytesView))
                    return
                }
                if dialect == .openClaw { sendChallenge() }
            }
            if let chosen = dialect.makeTranslator(browser: browserOrigin != nil) {
                translator = chosen
                connection.speak(chosen)
                logger.debug("socket speaks another dialect", metadata: ["sb.dialect": "\(chosen.dialect.rawValue)"])
            }
        }
        if let translator {
            switch translator.inbound(message) {
            case .frame(let frame): message = frame
            case .reply(let answer):
                connection.sendUntranslated(answer)
                // Before the handshake an unreadable frame ends the socket, as in OpenClaw's dialect.
                if machine.state == .awaitingConnect { connection.queue.requestClose(code: 1008, reason: "invalid handshake") }
                return
            case .ignore: return
            }
        }
        receiveTranslated(message)
    }

    /// One message in OpenClaw's shape (translated from the socket's dialect when it has one).
    private func receiveTranslated(_ message: ByteBuffer) {
        if machine.state == .authenticating {
            guard held.count < Self.maxHeldMessages else {
                connection.queue.requestClose(code: 1008, reason: "too many frames before hello-ok")
                return
            }
            held.append(message)
            return
        }
        switch machine.receive(message) {
        case .ignore:
            return
        case .close(let code, let reason):
            logger.debug("closing after invalid first frame", metadata: ["sb.close.code": "\(code)"])
            connection.queue.requestClose(code: code, reason: reason)
        case .reject(let id, let error, let closeCode, let closeReason):
            connection.send(Dispatcher.errorFrame(id: id, error))
            connection.queue.requestClose(code: closeCode, reason: closeReason)
        case .authenticate(let id, let params, let version):
            tasks.run { [self] in
                let accepted = await ConnectHandshake(session: self).connect(id: id, params: params, version: version, nonce: nonce)
                eventLoop.execute { self.authenticated(accepted, version: version) }
            }
        case .dispatch(let envelope, let params):
            dispatch(envelope, params: params)
        case .malformed(let reason):
            connection.send(Dispatcher.errorFrame(id: "invalid", .invalidRequest(reason)))
        case .adapter:
            startAdapter(first: Data(message.readableBytesView))
        }
    }

    var isHandshakeComplete: Bool { connection.isHandshakeComplete }

    /// OpenClaw's answer to a connect from a foreign page (§2.7): the error on the request's
    /// id, then close 1008. Whatever the frame is, it is not read any further.
    private func refuseOrigin(_ refusal: BrowserGuard.Refusal, firstFrame: ByteBuffer) {
        var id = "connect"
        if case .success(let envelope) = firstFrame.withUnsafeReadableBytes(FrameEnvelope.read), let given = envelope.id, !given.isEmpty {
            id = String(given.prefix(128))
        }
        let error = GatewayError.invalidRequest(
            refusal.message, details: ["code": .string(refusal.code), "reason": .string(refusal.reason)]
        )
        connection.send(Dispatcher.errorFrame(id: id, error))
        connection.queue.requestClose(code: 1008, reason: Self.closeReason(refusal.message))
    }

    private func authenticated(_ accepted: Bool, version: Int) {
        guard accepted else {
            machine.close()
            held = []
            return
        }
        machine.authenticated(protocolVersion: version)
        limit.bytes = runtime.configuration.gateway.maxPayloadBytes
        let replay = held
        held = []
        for message in replay { receiveTranslated(message) }
    }

    private func dispatch(_ header: FrameEnvelope, params: ByteBuffer?) {
        switch header.type {
        case "req":
            guard let id = header.id, !id.isEmpty, let method = header.method, !method.isEmpty else {
                connection.send(Dispatcher.errorFrame(id: header.id ?? "invalid", .invalidRequest("invalid request frame: id and method are required")))
                return
            }
            let pending: PendingRequest
            switch dispatcher.start(InboundRequest(id: id, method: method, params: params), connection: connection) {
            case .answered(let response):
                connection.send(response)
                return
            case .pending(let checked):
                pending = checked
            }
            let limit = runtime.configuration.gateway.maxInFlightRequests
            guard connection.beginRequest(limit: limit) else {
                connection.send(
                    Dispatcher.errorFrame(id: id, .unavailable("too many requests in flight on this connection (gateway.maxInFlightRequests = \(limit))", retryAfterMs: 100))
                )
                return
            }
            let connection = connection
            let dispatcher = dispatcher
            tasks.run {
                defer { connection.endRequest() }
                connection.send(await dispatcher.finish(pending))
            }
        case "cancel":
            // v4: the client gave up on a request. Waiting requests (`agent`, `agent.wait`) stop
            // waiting; the run itself goes on (abort it with chat.abort). Others finish promptly anyway.
            if let id = header.id { connection.cancelRequest(id: id) }
        default:
            let got = header.type.map { "\"\($0)\"" } ?? "none"
            connection.send(Dispatcher.errorFrame(id: header.id ?? "invalid", .invalidRequest("invalid request frame: expected type \"req\", got \(got)")))
        }
    }

    /// Hands this socket to the adapter protocol: its messages are served in order by one task.
    private func startAdapter(first: Data?) {
        limit.bytes = runtime.configuration.gateway.maxPayloadBytes
        let (inbox, continuation) = AsyncStream.makeStream(of: Data.self, bufferingPolicy: .bufferingOldest(Self.maxHeldMessages * 8))
        adapterInbox = continuation
        tasks.run { [self] in
            await serveAdapter(first: first, inbox: inbox)
        }
    }

    /// WebSocket close reasons are limited to 123 bytes.
    static func closeReason(_ reason: String) -> String {
        var result = ""
        for character in reason {
            if result.utf8.count + String(character).utf8.count > 123 { break }
            result.append(character)
        }
        return result
    }

    static func isLoopback(_ address: SocketAddress?) -> Bool {
        guard let ip = address?.ipAddress else { return false }
        return ip.hasPrefix("127.") || ip == "::1" || ip.hasPrefix("::ffff:127.")
    }
}
