import NIOCore

/// Writes JSON string literals straight into a buffer, escaping exactly as ``GatewayJSON``'s
/// encoder does (quotes, backslashes and control characters; `/` left alone), for the few
/// frames built by hand on the hot path (streamed chat deltas). Tested byte for byte against
/// the encoder.
enum JSONStringWriter {
    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends `"value"`, escaped.
    static func write(_ value: String, to buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { bytes in
            var runStart = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                if runStart < index { buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[runStart..<index])) }
                runStart = index + 1
                switch byte {
                case UInt8(ascii: "\""): buffer.writeStaticString("\\\"")
                case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
                case 0x0A: buffer.writeStaticString("\\n")
                case 0x0D: buffer.writeStaticString("\\r")
                case 0x09: buffer.writeStaticString("\\t")
                case 0x08: buffer.writeStaticString("\\b")
                case 0x0C: buffer.writeStaticString("\\f")
                default:
                    buffer.writeStaticString("\\u00")
                    buffer.writeInteger(hex[Int(byte >> 4)])
                    buffer.writeInteger(hex[Int(byte & 0x0F)])
                }
            }
            if runStart < bytes.count { buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[runStart...])) }
        }
        buffer.writeInteger(UInt8(ascii: "\""))
    }

    /// The escaped literal on its own (to splice the same text into several frames).
    static func literal(_ value: String) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(value.utf8.count + 2)
        write(value, to: &buffer)
        return buffer
    }
}
