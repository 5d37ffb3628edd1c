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

/// Writes a Swift string as a JSON string literal (RFC 8259 escapes), without a JSONEncoder.
enum JSONStringWriter {
    static func write(_ string: String, to buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): buffer.writeStaticString("\\\"")
            case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
            case 0x0A: buffer.writeStaticString("\\n")
            case 0x0D: buffer.writeStaticString("\\r")
            case 0x09: buffer.writeStaticString("\\t")
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                buffer.writeStaticString("\\u00")
                buffer.writeInteger(hex[Int(byte >> 4)])
                buffer.writeInteger(hex[Int(byte & 0x0F)])
            default: buffer.writeInteger(byte)
            }
        }
        buffer.writeInteger(UInt8(ascii: "\""))
    }
}
