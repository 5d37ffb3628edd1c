/// Bounds on client-supplied strings that the gateway stores or echoes back. A frame is
/// already capped by `gateway.maxPayloadBytes`; these keep one field from filling memory or
/// the database (300 keys of 2 MiB each once left 1.9 GB resident) and every error names
/// the field and its limit.
public enum InputLimits {
    /// `idempotencyKey` of `chat.send`, `agent` and `send`; it becomes the `runId`.
    public static let idempotencyKey = 256
    /// `sessionKey` and other session keys.
    public static let sessionKey = 512
    /// Free-form client labels shown back to operators (`client.displayName`, `client.version`…).
    public static let clientField = 256
    /// `connect.scopes`, `connect.caps` and `connect.commands`: items and item length.
    public static let listItems = 64
    public static let listItemLength = 128
    /// Ids an adapter sends (`node_id`, message, user and channel ids).
    public static let adapterId = 256

    /// The checked value of an idempotency key, trimmed; throws an error that names `field`.
    public static func idempotencyKey(_ raw: String, field: String = "idempotencyKey") throws(GatewayError) -> String {
        let key = raw.trimmingSpacesAndTabs
        guard !key.isEmpty else { throw GatewayError.invalidRequest("invalid params: \(field) must be a non-empty string") }
        guard key.count <= idempotencyKey else {
            throw GatewayError.invalidRequest("invalid params: \(field) must be at most \(idempotencyKey) characters (got \(key.count))")
        }
        guard !key.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw GatewayError.invalidRequest("invalid params: \(field) must not contain control characters")
        }
        return key
    }

    /// nil when `value` fits, else the problem naming `field`.
    public static func problem(_ value: String?, field: String, max: Int) -> String? {
        guard let value, value.count > max else { return nil }
        return "\(field): at most \(max) characters (got \(value.count))"
    }

    public static func problem(_ values: [String]?, field: String) -> String? {
        guard let values else { return nil }
        if values.count > listItems { return "\(field): at most \(listItems) items (got \(values.count))" }
        for (index, value) in values.enumerated() where value.count > listItemLength {
            return "\(field)[\(index)]: at most \(listItemLength) characters"
        }
        return nil
    }
}

extension String {
    var trimmingSpacesAndTabs: String {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return String(text)
    }
}
