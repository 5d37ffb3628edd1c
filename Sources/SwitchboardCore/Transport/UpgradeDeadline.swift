import NIOCore

/// Closes a new TCP connection that has not finished its HTTP request head (an upgrade or a
/// plain request) within `gateway.handshakeTimeoutMs`: a client trickling header bytes
/// (slowloris) or never sending any would otherwise hold its socket for ever. Removed as soon
/// as the request head is complete.
final class UpgradeDeadline: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    static let name = "switchboard.upgrade-deadline"
    private let timeoutMs: Int
    private var deadline: Scheduled<Void>?

    init(timeoutMs: Int) {
        self.timeoutMs = timeoutMs
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: .milliseconds(Int64(timeoutMs))) {
            channel.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }

    /// Cancels the deadline: the request head is in.
    static func remove(from channel: any Channel) {
        channel.pipeline.syncOperations.removeHandler(name: name, promise: nil)
    }
}
