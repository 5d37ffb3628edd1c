import Foundation
import HummingbirdWebSocket
import NIOCore

/// Reassembles WebSocket messages from frames, enforcing the size limit on every frame.
///
/// WSCore's `nextMessage(maxSize:)` checks the limit only on continuation frames, so a single
/// large frame would slip past the 64 KiB pre-auth cap; this does not.
enum MessageAssembler {
    enum Failure: Error, Equatable {
        case tooLarge
        case protocolError
    }

    /// The next whole message's bytes, or nil when the peer closed.
    static func next(_ iterator: inout WebSocketInboundStream.AsyncIterator, maxSize: Int) async throws -> Data? {
        guard let first = try await iterator.next() else { return nil }
        guard first.opcode == .text || first.opcode == .binary else { throw Failure.protocolError }
        guard first.data.readableBytes <= maxSize else { throw Failure.tooLarge }
        if first.fin { return Data(first.data.readableBytesView) }
        var buffer = first.data
        while let frame = try await iterator.next() {
            guard frame.opcode == .continuation else { throw Failure.protocolError }
            guard buffer.readableBytes + frame.data.readableBytes <= maxSize else { throw Failure.tooLarge }
            var data = frame.data
            buffer.writeBuffer(&data)
            if frame.fin { return Data(buffer.readableBytesView) }
        }
        return nil
    }
}
