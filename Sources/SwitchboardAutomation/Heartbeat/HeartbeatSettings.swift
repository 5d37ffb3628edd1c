import Foundation

/// The heartbeat of the default agent (`agents.defaults.heartbeat.*`, OpenClaw's names): a
/// periodic turn of the main session whose "nothing to report" answer is not delivered.
public struct HeartbeatSettings: Sendable, Hashable {
    /// The interval as written: `30m`, `1h`, `90s`, `500ms`, a bare number is minutes; `0m` turns
    /// periodic heartbeats off.
    public var every = "30m"
    /// The user message of each heartbeat; nil uses ``defaultPrompt``.
    public var prompt: String?
    /// Where an answer that is not an acknowledgement goes: `none` (kept in the session only),
    /// `last` (the chat that last wrote to the agent), or a channel (`telegram`, an adapter's
    /// platform) with ``to``.
    public var target = "none"
    /// The chat on the target channel (a chat id), for a channel target.
    public var to: String?
    /// The adapter node that delivers, when a platform has several.
    public var accountId: String?
    /// An answer that starts or ends with `HEARTBEAT_OK` and has at most this many other
    /// characters is an acknowledgement: suppressed, not delivered.
    public var ackMaxChars = 300
    /// Heartbeats run only inside this local time window (when set).
    public var activeHours: ActiveHours?

    public init() {}

    /// OpenClaw's default heartbeat prompt.
    public static let defaultPrompt =
        "Read HEARTBEAT.md if it exists (workspace context). Follow it strictly. Do not infer or repeat old tasks from prior chats. If nothing needs attention, reply HEARTBEAT_OK."

    /// The token an answer uses to say "nothing needs attention".
    public static let okToken = "HEARTBEAT_OK"

    public var effectivePrompt: String {
        guard let prompt, !prompt.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return Self.defaultPrompt }
        return prompt
    }

    /// The interval in ms; nil when periodic heartbeats are off (`0m`) or `every` does not parse.
    public var everyMs: Int? {
        guard let ms = try? Self.parseDuration(every), ms > 0 else { return nil }
        return ms
    }

    /// Shortest and longest interval accepted.
    public static let minimumEveryMs = 1_000
    public static let maximumEveryMs = 31 * 24 * 3_600_000

    public enum DurationProblem: Error, Equatable, CustomStringConvertible {
        case malformed(String)
        case outOfRange(String)

        public var description: String {
            switch self {
            case .malformed(let text): "\"\(text.prefix(40))\" is not a duration: expected a number with ms, s, m or h (e.g. 30m, 1h; 0m turns heartbeats off)"
            case .outOfRange(let text): "\"\(text)\" is outside 1s…31 days (use 0m to turn heartbeats off)"
            }
        }
    }

    /// Parses OpenClaw's duration strings: `500ms`, `90s`, `30m`, `2h`, `1d`; a bare number is minutes.
    public static func parseDuration(_ text: String) throws(DurationProblem) -> Int {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Double)] = [("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000)]
        var number = Substring(trimmed)
        var factor = 60_000.0
        for (suffix, unitFactor) in units where trimmed.hasSuffix(suffix) {
            let candidate = trimmed.dropLast(suffix.count)
            // `ms` must win over `s`; a suffix is accepted only when the rest is a number.
            if Double(candidate) != nil {
                number = candidate
                factor = unitFactor
                break
            }
        }
        guard !number.isEmpty, let value = Double(number), value.isFinite, value >= 0 else { throw .malformed(text) }
        let ms = (value * factor).rounded()
        if ms == 0 { return 0 }
        guard ms >= Double(minimumEveryMs), ms <= Double(maximumEveryMs) else { throw .outOfRange(text) }
        return Int(ms)
    }
}
