import SwitchboardAutomation
import SwitchboardProtocol

/// The heartbeat keys (`agents.defaults.heartbeat.*`), the system event limits and OpenClaw's
/// webhooks (`hooks.*`).
extension ConfigKeys {
    static let heartbeatKeys: [ConfigKey] = [
        ConfigKey(
            path: "agents.defaults.heartbeat.every", environment: nil, help: "heartbeat interval: 30m, 1h, 90s (0m = off)", isSecret: false,
            apply: { config, value in
                guard let text = value.stringValue ?? value.intValue.map({ "\($0)m" }) else {
                    return "agents.defaults.heartbeat.every: expected a duration such as \"30m\", got \(describe(value))"
                }
                do throws(HeartbeatSettings.DurationProblem) {
                    _ = try HeartbeatSettings.parseDuration(text)
                } catch {
                    return "agents.defaults.heartbeat.every: \(error.description)"
                }
                config.agent.heartbeat.every = text
                return nil
            },
            current: { .string($0.agent.heartbeat.every) },
            schema: ["type": "string", "pattern": "^[0-9.]+(ms|s|m|h|d)?$"]
        ),
        optionalString("agents.defaults.heartbeat.prompt", \.agent.heartbeat.prompt, env: nil, secret: false, help: "heartbeat message (default: OpenClaw's)"),
        ConfigKey(
            path: "agents.defaults.heartbeat.target", environment: nil, help: "where alerts go: none, last, or a channel (telegram, an adapter platform)",
            isSecret: false,
            apply: { config, value in
                guard let text = value.stringValue, !text.isEmpty, text.count <= 64,
                    text.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." })
                else {
                    return "agents.defaults.heartbeat.target: expected none, last or a channel name, got \(describe(value))"
                }
                config.agent.heartbeat.target = text
                return nil
            },
            current: { .string($0.agent.heartbeat.target) },
            schema: ["type": "string", "minLength": 1]
        ),
        optionalString("agents.defaults.heartbeat.to", \.agent.heartbeat.to, env: nil, secret: false, help: "chat id on the target channel"),
        optionalString("agents.defaults.heartbeat.accountId", \.agent.heartbeat.accountId, env: nil, secret: false, help: "adapter node that delivers"),
        int("agents.defaults.heartbeat.ackMaxChars", \.agent.heartbeat.ackMaxChars, 0...100_000, help: "text allowed beside HEARTBEAT_OK in an acknowledgement"),
        ConfigKey(
            path: "agents.defaults.heartbeat.activeHours", environment: nil, help: "{start: \"08:00\", end: \"24:00\", timezone?: IANA name | local}",
            isSecret: false,
            apply: { config, value in
                switch ActiveHoursParser.parse(value) {
                case .success(let hours):
                    config.agent.heartbeat.activeHours = hours
                    return nil
                case .failure(let problem): return "agents.defaults.heartbeat.activeHours: \(problem.message)"
                }
            },
            current: { ActiveHoursParser.json($0.agent.heartbeat.activeHours) },
            schema: ["type": ["object", "null"], "required": ["start", "end"]]
        ),
        int("automation.systemEventsMax", \.automation.systemEventsMax, 1...100_000, help: "system events waiting per session; more are refused"),
        int("automation.systemEventMaxChars", \.automation.systemEventMaxChars, 1...1_000_000, help: "longest system event text"),
        bool("hooks.enabled", \.automation.webhooks.enabled, help: "serve POST <hooks.path>/wake and /agent (needs hooks.token)"),
        optionalString("hooks.token", \.automation.webhooks.token, env: "SWITCHBOARD_HOOKS_TOKEN", secret: true, help: "Bearer token webhook callers send"),
        ConfigKey(
            path: "hooks.path", environment: nil, help: "URL path of the webhooks (default /hooks)", isSecret: false,
            apply: { config, value in
                guard let text = value.stringValue, text.hasPrefix("/"), text.count > 1, text.count <= 128, !text.hasSuffix("/"),
                    text.allSatisfy({ $0.isLetter || $0.isNumber || "/-_.".contains($0) }), !text.contains("//")
                else {
                    return "hooks.path: expected a path such as /hooks (letters, digits, / - _ .), got \(describe(value))"
                }
                config.automation.webhooks.path = text
                return nil
            },
            current: { .string($0.automation.webhooks.path) },
            schema: ["type": "string", "pattern": "^/"]
        ),
        bool("hooks.allowRequestSessionKey", \.automation.webhooks.allowRequestSessionKey, help: "let POST <hooks.path>/agent choose its session"),
        int("hooks.maxBodyBytes", \.automation.webhooks.maxBodyBytes, 1024...(16 * 1024 * 1024), help: "largest webhook request body"),
    ]
}

/// `agents.defaults.heartbeat.activeHours`: `{start, end, timezone?}` or null.
enum ActiveHoursParser {
    static func parse(_ value: JSONValue) -> Result<ActiveHours?, ConfigProblem> {
        if case .null = value { return .success(nil) }
        guard case .object(let object) = value else { return .failure(ConfigProblem("expected {start, end, timezone?} or null, got \(value.typeName)")) }
        if let unknown = object.keys.sorted().first(where: { !["start", "end", "timezone"].contains($0) }) {
            return .failure(ConfigProblem("unknown field \(unknown) (expected start, end, timezone)"))
        }
        guard let startText = object["start"]?.stringValue else { return .failure(ConfigProblem("start: expected \"HH:MM\"")) }
        guard let endText = object["end"]?.stringValue else { return .failure(ConfigProblem("end: expected \"HH:MM\"")) }
        let start: Int
        let end: Int
        switch ActiveHours.minutes(startText, isEnd: false) {
        case .success(let minutes): start = minutes
        case .failure(let problem): return .failure(ConfigProblem("start: \(problem.message)"))
        }
        switch ActiveHours.minutes(endText, isEnd: true) {
        case .success(let minutes): end = minutes
        case .failure(let problem): return .failure(ConfigProblem("end: \(problem.message)"))
        }
        var zone: String?
        if let value = object["timezone"], value != .null {
            guard let name = value.stringValue, ActiveHours.zone(name) != nil else {
                return .failure(ConfigProblem("timezone: expected an IANA zone name (e.g. Europe/Berlin) or local"))
            }
            zone = name
        }
        return .success(ActiveHours(startMinute: start, endMinute: end, timezone: zone))
    }

    static func json(_ hours: ActiveHours?) -> JSONValue {
        guard let hours else { return .null }
        func text(_ minutes: Int) -> String {
            let hour = minutes / 60
            let minute = minutes % 60
            return (hour < 10 ? "0" : "") + "\(hour):" + (minute < 10 ? "0" : "") + "\(minute)"
        }
        var object: [String: JSONValue] = ["start": .string(text(hours.startMinute)), "end": .string(text(hours.endMinute))]
        if let zone = hours.timezone { object["timezone"] = .string(zone) }
        return .object(object)
    }
}
