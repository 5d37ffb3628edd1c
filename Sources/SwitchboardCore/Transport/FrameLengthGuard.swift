import NIOCore

/// The message size a connection accepts right now: `gateway.maxPreAuthPayloadBytes` until
/// `connect` succeeds, `gateway.maxPayloadBytes` after. Confined to the channel's event loop.
final class FrameLimit {
    var bytes: Int

    init(bytes: Int) {
        self.bytes = bytes
    }
}

/// Raised by ``FrameLengthGuard`` when a frame header announces more than the limit.
struct FrameTooLarge: Sendable {
    let limit: Int
}

/// Reads WebSocket frame headers in the raw byte stream, ahead of NIO's frame decoder, and
/// stops the stream as soon as a header announces a payload over the current limit, so an
/// unauthenticated peer cannot make the gateway buffer a 25 MiB frame to learn it is too big.
/// Bytes pass through unchanged; only the header fields are looked at.
final class FrameLengthGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let limit: FrameLimit
    /// Header bytes seen of the frame being read (at most 14).
    private var header: [UInt8] = []
    private var payloadRemaining: UInt64 = 0
    private var tripped = false

    init(limit: FrameLimit) {
        self.limit = limit
        header.reserveCapacity(14)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !tripped else { return }
        let buffer = unwrapInboundIn(data)
        var view = buffer.readableBytesView[...]
        while !view.isEmpty {
            if payloadRemaining > 0 {
                let skip = Int(min(payloadRemaining, UInt64(view.count)))
                view = view.dropFirst(skip)
                payloadRemaining -= UInt64(skip)
                continue
            }
            header.append(view.first!)
            view = view.dropFirst()
            guard let length = Self.payloadLength(header) else { continue }
            header.removeAll(keepingCapacity: true)
            if length > UInt64(limit.bytes) {
                tripped = true
                context.fireUserInboundEventTriggered(FrameTooLarge(limit: limit.bytes))
                return
            }
            payloadRemaining = length
        }
        context.fireChannelRead(data)
    }

    /// The payload length once `header` holds a whole frame header, else nil.
    static func payloadLength(_ header: [UInt8]) -> UInt64? {
        guard header.count >= 2 else { return nil }
        let masked = header[1] & 0x80 != 0
        let short = UInt64(header[1] & 0x7F)
        let extra = short == 126 ? 2 : short == 127 ? 8 : 0
        let total = 2 + extra + (masked ? 4 : 0)
        guard header.count == total else { return nil }
        guard extra > 0 else { return short }
        return header[2..<(2 + extra)].reduce(0) { $0 << 8 | UInt64($1) }
    }
}
