import Foundation
public import SwitchboardProtocol

/// Clara's gateway events, exactly as its seed lists them.
public enum HookEventType: String, Sendable, CaseIterable, Hashable {
    case gatewayStartup = "gateway:startup"
    case gatewayShutdown = "gateway:shutdown"
    case adapterConnected = "adapter:connected"
    case adapterDisconnected = "adapter:disconnected"
    case sessionStart = "session:start"
    case sessionEnd = "session:end"
    case sessionTimeout = "session:timeout"
    case messageReceived = "message:received"
    case messageSent = "message:sent"
    case messageCancelled = "message:cancelled"
    case toolStart = "tool:start"
    case toolEnd = "tool:end"
    case toolError = "tool:error"
    case schedulerTaskRun = "scheduler:task_run"
    case schedulerTaskError = "scheduler:task_error"
}

/// One event for hooks: Clara's `Event` (type, timestamp, node, platform, user, channel,
/// request, data).
public struct HookEvent: Sendable, Equatable {
    public var type: HookEventType
    public var timestampMs: Int64
    public var nodeId: String?
    public var platform: String?
    public var userId: String?
    public var channelId: String?
    public var requestId: String?
    /// Free-form details (a JSON object): the message text, the tool name, the job's name…
    public var data: [String: JSONValue]

    public init(
        _ type: HookEventType, timestampMs: Int64, nodeId: String? = nil, platform: String? = nil, userId: String? = nil, channelId: String? = nil,
        requestId: String? = nil, data: [String: JSONValue] = [:]
    ) {
        self.type = type
        self.timestampMs = timestampMs
        self.nodeId = nodeId
        self.platform = platform
        self.userId = userId
        self.channelId = channelId
        self.requestId = requestId
        self.data = data
    }

    /// The variables a shell hook gets, as Clara sets them: `CLARA_EVENT_TYPE`, `CLARA_TIMESTAMP`
    /// (ISO 8601), `CLARA_NODE_ID`, `CLARA_PLATFORM`, `CLARA_USER_ID`, `CLARA_CHANNEL_ID`,
    /// `CLARA_REQUEST_ID` (when known), `CLARA_EVENT_DATA` (the data as JSON), and
    /// `CLARA_<KEY>` for each scalar data value (the key upper-cased, other characters `_`).
    public var environment: [String: String] {
        var variables: [String: String] = [
            "CLARA_EVENT_TYPE": type.rawValue, "CLARA_TIMESTAMP": Self.iso(timestampMs),
            "CLARA_EVENT_DATA": String(decoding: JSONValue.object(data).jsonData, as: UTF8.self),
        ]
        for (key, value) in data {
            let name = "CLARA_" + String(key.uppercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
            switch value {
            case .string(let text): variables[name] = text
            case .int(let number): variables[name] = String(number)
            case .double(let number): variables[name] = String(number)
            case .bool(let flag): variables[name] = flag ? "True" : "False"
            default: break
            }
        }
        // The fixed names win over a data key that maps onto one of them.
        if let nodeId { variables["CLARA_NODE_ID"] = nodeId }
        if let platform { variables["CLARA_PLATFORM"] = platform }
        if let userId { variables["CLARA_USER_ID"] = userId }
        if let channelId { variables["CLARA_CHANNEL_ID"] = channelId }
        if let requestId { variables["CLARA_REQUEST_ID"] = requestId }
        variables["CLARA_EVENT_TYPE"] = type.rawValue
        return variables
    }

    static func iso(_ ms: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(ms) / 1000))
    }
}
