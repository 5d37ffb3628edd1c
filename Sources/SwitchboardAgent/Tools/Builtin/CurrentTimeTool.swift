import Foundation
public import SwitchboardProtocol

/// `current_time`: the date and time now, in a named IANA time zone or the gateway's own.
public struct CurrentTimeTool: AgentTool {
    public init() {}

    public var definition: ToolDefinition {
        ToolDefinition(
            name: "current_time",
            description: "Get the current date and time. Optionally pass an IANA time zone such as Europe/Paris.",
            parameters: [
                "type": "object",
                "properties": ["timezone": ["type": "string", "description": "IANA time zone name; default is the gateway's zone"]],
                "additionalProperties": false,
            ]
        )
    }

    public func call(_ arguments: JSONValue, context: ToolContext) async throws -> String {
        let zone: TimeZone
        if let name = arguments["timezone"]?.stringValue, !name.isEmpty {
            guard let named = TimeZone(identifier: name) else { throw ToolFailure("unknown time zone \"\(name)\"") }
            zone = named
        } else {
            zone = .current
        }
        let now = Date()
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = zone
        formatter.formatOptions = [.withInternetDateTime]
        let weekday = DateFormatter()
        weekday.locale = Locale(identifier: "en_US_POSIX")
        weekday.timeZone = zone
        weekday.dateFormat = "EEEE"
        return "\(formatter.string(from: now)) (\(weekday.string(from: now)), time zone \(zone.identifier), unix ms \(Int(now.timeIntervalSince1970 * 1000)))"
    }
}
