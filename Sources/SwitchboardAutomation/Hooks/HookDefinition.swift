public import SwitchboardPluginAPI
public import SwitchboardProtocol

/// One hook: a shell command run when an event fires (Clara's `hooks.yaml` entry, or a
/// `automation.hooks` entry in the config).
public struct HookDefinition: Sendable, Equatable {
    public var name: String
    public var event: HookEventType
    public var command: String
    public var timeoutSeconds: Double
    public var workingDirectory: String?
    public var enabled: Bool
    public var description: String
    /// Higher runs first when one event fires several hooks.
    public var priority: Int
    /// Where it came from: `file` (`hooks.yaml`) or `config`.
    public var source: String
    /// Further attempts after a failed run (exit status, timeout), with a growing delay
    /// (Switchboard's addition; Clara and OpenClaw never retry).
    public var retries: Int = 0

    /// Most retries a hook may ask for.
    public static let maximumRetries = 10

    /// Clara's default hook timeout.
    public static let defaultTimeoutSeconds: Double = 30

    public init(name: String, event: HookEventType, command: String, timeoutSeconds: Double = defaultTimeoutSeconds, source: String = "file") {
        self.name = name
        self.event = event
        self.command = command
        self.timeoutSeconds = timeoutSeconds
        enabled = true
        description = ""
        priority = 0
        self.source = source
    }
}

/// Reads Clara's `hooks.yaml` (`hooks:` list) unchanged: `name`, `event`, `command`, `timeout`
/// (default 30 s), `working_dir`, `enabled`, `description`, `priority`, `type` (`shell` only).
///
/// The whole file is refused, with the hook and field named, when one entry is wrong.
public enum ClaraHooksFile {
    public static let fileName = "hooks.yaml"

    /// `file` and `listKey` name the source in errors (the config's `automation.hooks` too).
    public static func parse(_ text: String, file: String = fileName, listKey: String = "hooks") throws(AutomationFileError) -> [HookDefinition] {
        let document = try YAMLFields.document(text, file: file, listKey: listKey)
        var seen = Set<String>()
        var hooks: [HookDefinition] = []
        for (index, node) in document.enumerated() {
            let entry = YAMLFields(file: file, path: "\(listKey)[\(index)]", node: node)
            let hook = try parseHook(entry)
            guard seen.insert(hook.name).inserted else {
                throw AutomationFileError(file: file, path: "\(listKey)[\(index)].name", reason: "\"\(hook.name)\" is used by an earlier hook; names must be unique")
            }
            hooks.append(hook)
        }
        return hooks
    }

    static func parseHook(_ entry: YAMLFields) throws(AutomationFileError) -> HookDefinition {
        try entry.requireMapping(known: ["name", "event", "command", "timeout", "working_dir", "enabled", "description", "priority", "type", "retries"])
        let name = try entry.requiredString("name")
        let eventName = try entry.requiredString("event")
        guard let event = HookEventType(rawValue: eventName) else {
            throw entry.error("event", "\"\(eventName)\" is not an event; expected one of \(HookEventType.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let type = try entry.string("type"), type != "shell" {
            throw entry.error("type", "\"\(type)\" is not supported here; shell hooks run commands (in-process hooks are registered in Swift code)")
        }
        guard let command = try entry.string("command"), !command.allSatisfy(\.isWhitespace) else { throw entry.error("command", "is required") }
        let timeout = try entry.number("timeout") ?? HookDefinition.defaultTimeoutSeconds
        guard timeout > 0, timeout <= JobSchedule.maximumTimeoutSeconds else {
            throw entry.error("timeout", "must be above 0 and at most \(Int(JobSchedule.maximumTimeoutSeconds)) seconds (a week)")
        }
        var hook = HookDefinition(name: name, event: event, command: command, timeoutSeconds: timeout)
        hook.workingDirectory = try entry.string("working_dir")
        hook.enabled = try entry.bool("enabled") ?? true
        hook.description = try entry.string("description") ?? ""
        hook.priority = try entry.int("priority") ?? 0
        let retries = try entry.int("retries") ?? 0
        guard (0...HookDefinition.maximumRetries).contains(retries) else { throw entry.error("retries", "must be from 0 to \(HookDefinition.maximumRetries)") }
        hook.retries = retries
        return hook
    }
}

extension HookDefinition {
    /// The hook as stored with a queued run (the run keeps the definition it was queued with).
    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "name": .string(name), "event": .string(event.rawValue), "command": .string(command), "timeout": .double(timeoutSeconds),
            "priority": .int(priority), "source": .string(source), "retries": .int(retries),
        ]
        if let workingDirectory { object["working_dir"] = .string(workingDirectory) }
        return .object(object)
    }

    public init?(json: JSONValue) {
        guard let name = json["name"]?.stringValue, let event = json["event"]?.stringValue.flatMap(HookEventType.init(rawValue:)),
            let command = json["command"]?.stringValue
        else { return nil }
        let timeout: Double =
            switch json["timeout"] {
            case .double(let value)?: value
            case .int(let value)?: Double(value)
            default: HookDefinition.defaultTimeoutSeconds
            }
        self.init(name: name, event: event, command: command, timeoutSeconds: timeout, source: json["source"]?.stringValue ?? "file")
        workingDirectory = json["working_dir"]?.stringValue
        priority = json["priority"]?.intValue ?? 0
        retries = json["retries"]?.intValue ?? 0
    }
}
