import Foundation
import Logging
import NIOCore
import SwitchboardChannels

/// Gives an adapter session the connection's bounded outbound queue as its socket.
struct ConnectionAdapterLink: ClaraAdapterLink {
    let connection: GatewayConnection
    let limiter: AuthRateLimiter
    let clock: GatewayClock
    let metrics: GatewayMetrics

    var remoteAddress: String { connection.remoteAddress }

    @discardableResult
    func send(_ frame: [UInt8]) -> Bool {
        connection.send(ByteBuffer(bytes: frame)) == .queued
    }

    func send(_ frame: [UInt8], written: @escaping @Sendable (Bool) -> Void) {
        _ = connection.queue.enqueue(ByteBuffer(bytes: frame), dropIfSlow: false, receipt: WriteReceipt(written))
    }

    func close(code: UInt16, reason: String) {
        connection.queue.requestClose(code: code, reason: reason)
    }

    func checkSecret(_ matches: () -> Bool) -> SecretCheck {
        switch limiter.attempt(key: AuthRateLimiter.key(origin: nil, address: connection.remoteAddress), nowMs: clock.nowMs(), matches) {
        case .passed: return .passed
        case .failed: return .failed
        case .limited(let retryAfterMs):
            metrics.recordAuthRateLimited()
            return .limited(retryAfterMs: retryAfterMs)
        }
    }
}

extension ConnectionSession {
    /// Serves a platform adapter on this socket until it closes, one message at a time. `first`
    /// is the frame that revealed it (a `register` sent instead of `connect`), if any.
    func serveAdapter(first: Data?, inbox: AsyncStream<Data>) async {
        guard let hub = runtime.channels.adapters else {
            connection.send(
                ByteBuffer(bytes: Array(#"{"type":"error","code":"adapters_disabled","message":"platform adapters are disabled (channels.adapter.enabled = false)","recoverable":false}"#.utf8))
            )
            connection.queue.requestClose(code: 1008, reason: "adapters disabled")
            return
        }
        let session = hub.openSession(
            link: ConnectionAdapterLink(connection: connection, limiter: runtime.authLimiter, clock: runtime.clock, metrics: runtime.host.metrics)
        )
        connection.attachAdapter(session)
        defer { session.closed() }
        logger.debug("serving a platform adapter")
        if let first { await session.receive(first) }
        for await frame in inbox {
            if connection.queue.isClosing { continue }
            await session.receive(frame)
        }
    }
}
