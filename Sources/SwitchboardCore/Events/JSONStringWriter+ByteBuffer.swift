import NIOCore
import SwitchboardProtocol

extension JSONStringWriter {
    /// Appends `"value"`, escaped, to a buffer. Strings with nothing to escape (ids, event
    /// names: every response frame) go straight in, without the intermediate array.
    static func write(_ value: String, to buffer: inout ByteBuffer) {
        if value.utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            buffer.writeInteger(UInt8(ascii: "\""))
            buffer.writeString(value)
            buffer.writeInteger(UInt8(ascii: "\""))
        } else {
            buffer.writeBytes(literal(value))
        }
    }

    /// The escaped literal as a buffer (to splice the same text into several frames).
    static func literalBuffer(_ value: String) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(value.utf8.count + 2)
        write(value, to: &buffer)
        return buffer
    }
}
