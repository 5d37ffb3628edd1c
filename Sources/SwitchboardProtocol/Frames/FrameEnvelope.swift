/// An inbound frame read once: its addressing fields, and where its `params` lie so they can
/// be decoded straight into the method's type without a second parse of the frame.
///
/// Reading checks the whole frame is JSON, so a frame is either rejected here or its params
/// are a well-formed slice. Members other than those below are checked and skipped; when a
/// name repeats, the last one counts (as `JSON.parse` does on the OpenClaw side).
public struct FrameEnvelope: Sendable, Equatable {
    /// String members only: a member of another type reads as absent.
    public var type: String?
    public var id: String?
    public var method: String?
    public var event: String?
    /// JSON-RPC 2.0's version member (`"2.0"`): the frame speaks that dialect.
    public var jsonrpc: String?
    /// Byte range of the `params` value within the frame; nil when absent or `null` (both
    /// mean "no params").
    public var params: Range<Int>?

    public enum Failure: Error, Sendable, Equatable {
        case notJSON(JSONSyntaxError)
        /// Valid JSON, but not an object.
        case notObject
    }

    public init(type: String? = nil, id: String? = nil, method: String? = nil, event: String? = nil, params: Range<Int>? = nil) {
        self.type = type
        self.id = id
        self.method = method
        self.event = event
        self.params = params
    }

    /// Reads a frame's bytes (UTF-8 JSON text).
    public static func read(_ bytes: UnsafeRawBufferPointer) -> Result<FrameEnvelope, Failure> {
        var scanner = JSONScanner(bytes)
        do throws(JSONSyntaxError) {
            guard scanner.peekSignificant() == UInt8(ascii: "{") else {
                try scanner.skipValue()
                try finish(&scanner)
                return .failure(.notObject)
            }
            let envelope = try readObject(&scanner)
            try finish(&scanner)
            return .success(envelope)
        } catch {
            return .failure(.notJSON(error))
        }
    }

    private static func readObject(_ scanner: inout JSONScanner) throws(JSONSyntaxError) -> FrameEnvelope {
        var envelope = FrameEnvelope()
        try scanner.expect(UInt8(ascii: "{"), "'{'")
        if scanner.consume(UInt8(ascii: "}")) { return envelope }
        repeat {
            let name = try scanner.readString()
            try scanner.expect(UInt8(ascii: ":"), "':'")
            switch name {
            case "type": envelope.type = try readStringMember(&scanner)
            case "id": envelope.id = try readStringMember(&scanner)
            case "method": envelope.method = try readStringMember(&scanner)
            case "event": envelope.event = try readStringMember(&scanner)
            case "jsonrpc": envelope.jsonrpc = try readStringMember(&scanner)
            case "params": envelope.params = try readParams(&scanner)
            default: try scanner.skipValue()
            }
        } while scanner.consume(UInt8(ascii: ","))
        try scanner.expect(UInt8(ascii: "}"), "',' or '}'")
        return envelope
    }

    private static func readStringMember(_ scanner: inout JSONScanner) throws(JSONSyntaxError) -> String? {
        if scanner.peekSignificant() == UInt8(ascii: "\"") { return try scanner.readString() }
        try scanner.skipValue()
        return nil
    }

    private static func readParams(_ scanner: inout JSONScanner) throws(JSONSyntaxError) -> Range<Int>? {
        let range = try scanner.skipValue()
        // A valid value that starts with "n" is null.
        return scanner.bytes[range.lowerBound] == UInt8(ascii: "n") ? nil : range
    }

    /// Whether already-validated `bytes` are an empty object (`{}` give or take whitespace),
    /// which a method reads exactly as absent params.
    public static func isEmptyObject(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var scanner = JSONScanner(bytes)
        return scanner.consume(UInt8(ascii: "{")) && scanner.consume(UInt8(ascii: "}")) && scanner.peekSignificant() == nil
    }

    /// Only whitespace may follow the value.
    private static func finish(_ scanner: inout JSONScanner) throws(JSONSyntaxError) {
        guard scanner.peekSignificant() == nil else {
            throw JSONSyntaxError(reason: "unexpected text after the JSON value", offset: scanner.index)
        }
    }
}
