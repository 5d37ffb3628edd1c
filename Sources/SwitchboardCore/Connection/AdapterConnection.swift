import Foundation
import HummingbirdWebSocket
import Logging
import NIOCore
import SwitchboardChannels

/// Gives an adapter session the connection's bounded outbound queue as its socket.
struct ConnectionAdapterLink: ClaraAdapterLink {
    let connection: GatewayConnection

    var remoteAddress: String { connection.remoteAddress }

    @discardableResult
    func send(_ frame: [UInt8]) -> Bool {
        connection.send(ByteBuffer(bytes: frame)) == .queued
    }

    func close(code: UInt16, reason: String) {
        connection.queue.requestClose(code: code, reason: reason)
    }
}

extension ConnectionHandler {
    /// Serves a platform adapter on this socket until it closes. `first` is the frame that
    /// revealed it (a `register` sent instead of `connect`), if any.
    func serveAdapter(first: Data?, iterator: inout WebSocketInboundStream.AsyncIterator, connection: GatewayConnection, logger: Logger) async throws {
        guard let hub = runtime.channels.adapters else {
            connection.send(
                ByteBuffer(bytes: Array(#"{"type":"error","code":"adapters_disabled","message":"platform adapters are disabled (channels.adapter.enabled = false)","recoverable":false}"#.utf8))
            )
            connection.queue.requestClose(code: 1008, reason: "adapters disabled")
            return
        }
        let session = hub.openSession(link: ConnectionAdapterLink(connection: connection))
        connection.attachAdapter(session)
        defer { session.closed() }
        logger.debug("serving a platform adapter")
        if let first { await session.receive(first) }
        let limit = runtime.configuration.gateway.maxPayloadBytes
        while true {
            let frame: Data
            do {
                guard let message = try await MessageAssembler.next(&iterator, maxSize: limit) else { return }
                frame = message
            } catch MessageAssembler.Failure.tooLarge {
                connection.queue.requestClose(code: 1009, reason: "message too big", discardPending: false)
                return
            } catch MessageAssembler.Failure.protocolError {
                connection.queue.requestClose(code: 1002, reason: "protocol error")
                return
            }
            if connection.queue.isClosing { continue }
            await session.receive(frame)
        }
    }
}
