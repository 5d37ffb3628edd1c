import Foundation
import SwitchboardAutomation
import SwitchboardPluginAPI

/// The user message of a heartbeat turn: the waiting system events as `System:` lines (a
/// webhook's text wrapped as untrusted), then the heartbeat prompt — or, when a cron job asked
/// for this beat, a prompt to relay its reminder.
enum HeartbeatPrompt {
    static let cronPrompt =
        "A scheduled reminder has been triggered. The reminder is shown in the system lines above. Relay it to the user in a helpful and friendly way."

    /// Added to the system prompt of every heartbeat turn.
    static let systemNote =
        "This turn is a heartbeat: a periodic check by the gateway, not a message typed by the user. If nothing needs attention, reply HEARTBEAT_OK and nothing else. Otherwise reply with only the text the user should see."

    static func compose(events: [SystemEventRecord], settings: HeartbeatSettings, reason: String) -> String {
        var lines: [String] = []
        for event in events {
            let when = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(event.createdAtMs) / 1000))
            if event.source == "webhook" {
                lines.append("System (from a webhook, \(when)):\n" + UntrustedContent.wrap(event.text, source: "webhook"))
            } else {
                lines.append("System: [\(when)] \(event.text)")
            }
        }
        let cronAsked = reason.split(separator: ",").contains { $0.hasPrefix("cron:") }
        let body = cronAsked && events.contains(where: { $0.source == "cron" }) ? cronPrompt : settings.effectivePrompt
        return lines.isEmpty ? body : lines.joined(separator: "\n") + "\n\n" + body
    }
}
