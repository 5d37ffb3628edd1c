public import SwitchboardProtocol

extension HookEvent {
    /// The event as stored in the durable hook queue.
    public var json: JSONValue {
        var object: [String: JSONValue] = ["type": .string(type.rawValue), "ts": .int(Int(timestampMs)), "data": .object(data)]
        if let nodeId { object["nodeId"] = .string(nodeId) }
        if let platform { object["platform"] = .string(platform) }
        if let userId { object["userId"] = .string(userId) }
        if let channelId { object["channelId"] = .string(channelId) }
        if let requestId { object["requestId"] = .string(requestId) }
        return .object(object)
    }

    /// Reads ``json`` back; nil when it is not a stored event.
    public init?(json: JSONValue) {
        guard let name = json["type"]?.stringValue, let type = HookEventType(rawValue: name), let ts = json["ts"]?.intValue else { return nil }
        self.init(
            type, timestampMs: Int64(ts), nodeId: json["nodeId"]?.stringValue, platform: json["platform"]?.stringValue, userId: json["userId"]?.stringValue,
            channelId: json["channelId"]?.stringValue, requestId: json["requestId"]?.stringValue, data: json["data"]?.objectValue ?? [:])
    }
}
