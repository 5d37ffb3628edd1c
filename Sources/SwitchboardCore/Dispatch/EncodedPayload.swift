import Foundation
import NIOCore
import SwitchboardProtocol

/// A result already encoded as JSON, for hot methods whose answer changes rarely (`health`):
/// encoded once when it changes, then copied into each response instead of encoded per call.
struct EncodedPayload: Sendable {
    let json: ByteBuffer

    init<T: Encodable>(_ value: T) throws {
        json = ByteBuffer(bytes: try GatewayJSON.encoder.encode(value))
    }

    /// `{"type":"res","id":…,"ok":true,"payload":…}` around the stored bytes.
    func responseFrame(id: String) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(json.readableBytes + id.utf8.count + 48)
        buffer.writeStaticString("{\"type\":\"res\",\"id\":")
        JSONStringWriter.write(id, to: &buffer)
        buffer.writeStaticString(",\"ok\":true,\"payload\":")
        buffer.writeImmutableBuffer(json)
        buffer.writeStaticString("}")
        return buffer
    }
}

