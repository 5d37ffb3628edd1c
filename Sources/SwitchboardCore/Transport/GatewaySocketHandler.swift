import Logging
import NIOCore
import NIOWebSocket

/// Timings of one socket, from `gateway.*` settings.
struct SocketTimings: Sendable {
    /// Keepalive: a ping this often; a peer that has not answered the previous one is dropped.
    var pingIntervalMs = 25_000
    var handshakeTimeoutMs: Int
    /// How long a closing socket may wait for the peer's close frame before it is cut.
    var closeTimeoutMs: Int
}

/// The WebSocket side of one gateway connection, on its event loop: assembles messages,
/// answers pings, writes the outbound queue while the socket is writable, and keeps the
/// timers (handshake deadline, keepalive, close watchdog). What the messages mean is the
/// ``ConnectionSession``'s business. No task runs for a connection that is idle.
final class GatewaySocketHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private let session: ConnectionSession
    private let timings: SocketTimings
    private var context: ChannelHandlerContext?
    /// The fragments of a message being assembled.
    private var partial: ByteBuffer?
    private var closeSent = false
    private var awaitingPong = false
    private var keepalive: RepeatedTask?
    private var handshakeDeadline: Scheduled<Void>?
    private var closeDeadline: Scheduled<Void>?

    init(session: ConnectionSession, timings: SocketTimings) {
        self.session = session
        self.timings = timings
    }

    private var queue: OutboundQueue { session.connection.queue }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        let loop = context.eventLoop
        let this = NIOLoopBound(self, eventLoop: loop)
        queue.attach { loop.execute { this.value.drain() } }
        handshakeDeadline = loop.scheduleTask(in: .milliseconds(Int64(timings.handshakeTimeoutMs))) {
            let handler = this.value
            if !handler.session.isHandshakeComplete {
                handler.session.logger.debug("handshake timed out")
                handler.queue.requestClose(code: 1000, reason: nil)
            }
        }
        keepalive = loop.scheduleRepeatedTask(
            initialDelay: .milliseconds(Int64(timings.pingIntervalMs)), delay: .milliseconds(Int64(timings.pingIntervalMs))
        ) { _ in this.value.ping() }
        session.opened()
    }

    func channelInactive(context: ChannelHandlerContext) {
        teardown()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        teardown()
        self.context = nil
    }

    private func teardown() {
        guard keepalive != nil || handshakeDeadline != nil else { return }
        keepalive?.cancel()
        keepalive = nil
        handshakeDeadline?.cancel()
        handshakeDeadline = nil
        closeDeadline?.cancel()
        session.closed()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text, .binary:
            guard frame.maskKey != nil, partial == nil else { return failProtocol("unexpected data frame") }
            if frame.fin {
                deliver(frame.unmaskedData)
            } else {
                partial = frame.unmaskedData
            }
        case .continuation:
            guard frame.maskKey != nil, var message = partial else { return failProtocol("continuation without a message") }
            guard message.readableBytes + frame.length <= session.limit.bytes else { return tooLarge() }
            var data = frame.unmaskedData
            message.writeBuffer(&data)
            partial = frame.fin ? nil : message
            if frame.fin { deliver(message) }
        case .ping:
            guard !closeSent else { return }
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData)), promise: nil)
        case .pong:
            awaitingPong = false
        case .connectionClose:
            if !closeSent {
                // Echo the peer's code, then hang up.
                var payload = frame.unmaskedData
                let code = payload.readInteger(as: UInt16.self).map { WebSocketErrorCode(codeNumber: Int($0)) } ?? .normalClosure
                var reply = context.channel.allocator.buffer(capacity: 2)
                reply.write(webSocketErrorCode: code)
                closeSent = true
                context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: reply)), promise: nil)
            }
            context.close(promise: nil)
        default:
            failProtocol("unknown opcode")
        }
    }

    private func deliver(_ message: ByteBuffer) {
        guard !closeSent else { return }
        session.received(message)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { drain() }
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            queue.requestClose(code: 1012, reason: "service restart")
        } else if case .some(.inputClosed) = event as? ChannelEvent {
            // The peer shut its side without a close frame: nothing more can arrive, so hang up
            // rather than keep a half-open socket.
            context.close(promise: nil)
        } else if let event = event as? FrameTooLarge {
            session.logger.info("closing: frame over the size limit", metadata: ["sb.limit.bytes": "\(event.limit)"])
            tooLarge()
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        session.logger.debug("socket error", metadata: ["error.type": "\(type(of: error))"])
        context.close(promise: nil)
    }

    /// Writes what is queued while the socket takes it; a close goes out even when it does not.
    private func drain() {
        guard let context else { return }
        if closeDeadline == nil && queue.isClosing { armCloseDeadline() }
        var wrote = false
        while let item = context.channel.isWritable || queue.isClosing ? queue.next() : nil {
            switch item {
            case .frame(let buffer):
                context.write(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .text, data: buffer)), promise: nil)
                wrote = true
            case .tracked(let buffer, let receipt):
                let promise = context.eventLoop.makePromise(of: Void.self)
                promise.futureResult.whenComplete { outcome in
                    if case .success = outcome { receipt.complete(true) } else { receipt.complete(false) }
                }
                context.write(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .text, data: buffer)), promise: promise)
                wrote = true
            case .close(let code, let reason):
                sendClose(code: code, reason: reason)
                return
            }
        }
        if wrote { context.flush() }
    }

    private func sendClose(code: UInt16, reason: String?) {
        guard let context, !closeSent else { return }
        closeSent = true
        var payload = context.channel.allocator.buffer(capacity: 2 + (reason?.utf8.count ?? 0))
        payload.write(webSocketErrorCode: WebSocketErrorCode(codeNumber: Int(code)))
        if let reason { payload.writeString(ConnectionSession.closeReason(reason)) }
        context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: payload)), promise: nil)
        armCloseDeadline()
    }

    /// A closing socket that does not finish in `closeTimeoutMs` is cut.
    private func armCloseDeadline() {
        guard closeDeadline == nil, let context else { return }
        let channel = context.channel
        closeDeadline = context.eventLoop.scheduleTask(in: .milliseconds(Int64(timings.closeTimeoutMs))) {
            channel.close(promise: nil)
        }
    }

    private func ping() {
        guard let context, !closeSent else { return }
        if awaitingPong {
            session.logger.debug("no pong since the last ping; dropping the connection")
            context.close(promise: nil)
            return
        }
        awaitingPong = true
        context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .ping, data: ByteBuffer())), promise: nil)
    }

    private func tooLarge() {
        partial = nil
        queue.requestClose(code: 1009, reason: "message too big")
    }

    private func failProtocol(_ why: String) {
        session.logger.debug("closing: websocket protocol error", metadata: ["sb.reason": "\(why)"])
        partial = nil
        queue.requestClose(code: 1002, reason: "protocol error", discardPending: true)
    }
}
