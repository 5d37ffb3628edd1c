import NIOCore
import SwitchboardProtocol

extension JSONStringWriter {
    /// Appends `"value"`, escaped, to a buffer.
    static func write(_ value: String, to buffer: inout ByteBuffer) {
        buffer.writeBytes(literal(value))
    }

    /// The escaped literal as a buffer (to splice the same text into several frames).
    static func literalBuffer(_ value: String) -> ByteBuffer {
        ByteBuffer(bytes: literal(value))
    }
}
