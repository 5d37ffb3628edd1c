import NIOCore
import NIOWebSocket

/// One load-generator WebSocket, driven by callbacks on its event loop so that the client costs
/// as little as possible and the server is what gets measured.
///
/// `@unchecked Sendable`: every mutable field is touched only on `channel.eventLoop`; public
/// entry points hop there first.
final class LoadConnection: @unchecked Sendable {
    let channel: any Channel
    var eventLoop: any EventLoop { channel.eventLoop }

    /// Called on the event loop for every text message, with its arrival time.
    private var receiver: ((ByteBuffer, UInt64) -> Void)?
    /// The close code the server sent, if it sent one.
    private(set) var closeCode: UInt16?

    init(channel: any Channel) {
        self.channel = channel
    }

    /// Replaces the message callback (on the event loop).
    func setReceiver(_ receiver: ((ByteBuffer, UInt64) -> Void)?) {
        eventLoop.preconditionInEventLoop()
        self.receiver = receiver
    }

    func received(_ message: ByteBuffer, at nanoseconds: UInt64) {
        receiver?(message, nanoseconds)
    }

    func serverClosed(code: UInt16?) {
        closeCode = code
    }

    /// Writes one masked text frame (call on the event loop).
    func send(_ text: ByteBuffer, flush: Bool = true) {
        let frame = WebSocketFrame(fin: true, opcode: .text, maskKey: .random(), data: text)
        if flush {
            channel.writeAndFlush(frame, promise: nil)
        } else {
            channel.write(frame, promise: nil)
        }
    }

    func flush() { channel.flush() }

    /// Stops reading from the socket: the "stalled client" of the fan-out scenario.
    func stall() {
        channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in }
    }

    /// Sends a close frame and closes; completes when the socket is gone.
    func close() -> EventLoopFuture<Void> {
        eventLoop.flatSubmit {
            var data = self.channel.allocator.buffer(capacity: 2)
            data.write(webSocketErrorCode: .normalClosure)
            let frame = WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(), data: data)
            return self.channel.writeAndFlush(frame).flatMap { self.channel.close() }.recover { _ in }
        }
    }
}

/// Hands text messages to the connection; answers pings; records the server's close code.
final class LoadFrameHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private let connection: LoadConnection

    init(connection: LoadConnection) {
        self.connection = connection
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text, .binary:
            connection.received(frame.unmaskedData, at: BenchClock.nowNs())
        case .ping:
            let pong = WebSocketFrame(fin: true, opcode: .pong, maskKey: .random(), data: frame.unmaskedData)
            context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
        case .connectionClose:
            var payload = frame.unmaskedData
            connection.serverClosed(code: payload.readInteger(as: UInt16.self))
            context.close(promise: nil)
        default:
            break
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
