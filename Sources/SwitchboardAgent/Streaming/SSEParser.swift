/// One server-sent event.
public struct SSEEvent: Sendable, Hashable {
    /// The `event:` field; "message" when absent.
    public var event: String
    /// The `data:` lines joined with "\n".
    public var data: String

    public init(event: String, data: String) {
        self.event = event
        self.data = data
    }
}

/// An incremental parser for `text/event-stream` (WHATWG HTML §9.2): feed it bytes as they
/// arrive, in chunks of any size, and take out complete events.
///
/// A single line longer than `maxLineBytes` is an error, so a misbehaving server cannot make
/// the gateway buffer without bound.
public struct SSEParser: Sendable {
    public struct LineTooLong: Error, Sendable {}

    public let maxLineBytes: Int
    private var line: [UInt8] = []
    private var lastWasCR = false
    private var eventName = ""
    private var data: [String] = []
    private var hasData = false

    public init(maxLineBytes: Int = 4 * 1024 * 1024) {
        self.maxLineBytes = maxLineBytes
    }

    /// Consumes `bytes` and returns the events they complete.
    public mutating func feed(_ bytes: some Sequence<UInt8>) throws -> [SSEEvent] {
        var events: [SSEEvent] = []
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                if lastWasCR {
                    lastWasCR = false
                    continue
                }
                if let event = endLine() { events.append(event) }
            } else if byte == UInt8(ascii: "\r") {
                lastWasCR = true
                if let event = endLine() { events.append(event) }
            } else {
                lastWasCR = false
                line.append(byte)
                if line.count > maxLineBytes { throw LineTooLong() }
            }
        }
        return events
    }

    /// Ends the stream; an event without its blank line is still delivered.
    public mutating func finish() -> SSEEvent? {
        if !line.isEmpty { _ = endLine() }
        return dispatch()
    }

    private mutating func endLine() -> SSEEvent? {
        defer { line.removeAll(keepingCapacity: true) }
        if line.isEmpty { return dispatch() }
        if line.first == UInt8(ascii: ":") { return nil }
        let text = String(decoding: line, as: UTF8.self)
        let field: Substring
        var value: Substring
        if let colon = text.firstIndex(of: ":") {
            field = text[..<colon]
            value = text[text.index(after: colon)...]
            if value.first == " " { value = value.dropFirst() }
        } else {
            field = Substring(text)
            value = ""
        }
        switch field {
        case "event": eventName = String(value)
        case "data":
            data.append(String(value))
            hasData = true
        default: break
        }
        return nil
    }

    private mutating func dispatch() -> SSEEvent? {
        defer {
            eventName = ""
            data.removeAll()
            hasData = false
        }
        guard hasData else { return nil }
        return SSEEvent(event: eventName.isEmpty ? "message" : eventName, data: data.joined(separator: "\n"))
    }
}
