public import Foundation
import Yams

/// One task of Clara's `scheduler.yaml`, as Clara reads it (`type` defaults to `interval`,
/// `timeout` to 300 s), plus Switchboard's own optional `timezone` for cron tasks.
public struct ClaraTaskDefinition: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Every `seconds`; the first run after `delaySeconds`, or at once.
        case interval(seconds: Double, delaySeconds: Double?)
        case cron(CronExpression, zone: TimeZone)
        /// Once: at `runAtMs`, else `delaySeconds` after the file is first loaded, else at once.
        case oneShot(runAtMs: Int64?, delaySeconds: Double?)
    }

    public var name: String
    public var kind: Kind
    public var command: String
    public var timeoutSeconds: Double
    public var workingDirectory: String?
    public var enabled: Bool
    public var description: String

    /// Clara's default command timeout.
    public static let defaultTimeoutSeconds: Double = 300
}

/// Reads Clara's `scheduler.yaml` (`tasks:` list) unchanged.
///
/// Clara skipped a task it could not parse and logged it; Switchboard refuses the whole file
/// with the task and field named, so a typo never silently drops a backup job.
public enum ClaraSchedulerFile {
    /// The file's name in the scheduler directory.
    public static let fileName = "scheduler.yaml"

    /// `zone`: the gateway's time zone, for cron tasks without `timezone` and `run_at` without an
    /// offset. `file` and `listKey` name the source in errors (the config's `automation.jobs` too).
    public static func parse(_ text: String, zone: TimeZone = .current, file: String = fileName, listKey: String = "tasks") throws(AutomationFileError)
        -> [ClaraTaskDefinition]
    {
        let tasks = try YAMLFields.document(text, file: file, listKey: listKey)
        var seen = Set<String>()
        var definitions: [ClaraTaskDefinition] = []
        for (index, node) in tasks.enumerated() {
            let reader = YAMLFields(file: file, path: "\(listKey)[\(index)]", node: node)
            let definition = try parseTask(reader, zone: zone)
            guard seen.insert(definition.name).inserted else {
                throw AutomationFileError(file: file, path: "\(listKey)[\(index)].name", reason: "\"\(definition.name)\" is used by an earlier task; names must be unique")
            }
            definitions.append(definition)
        }
        return definitions
    }

    private static func parseTask(_ task: YAMLFields, zone defaultZone: TimeZone) throws(AutomationFileError) -> ClaraTaskDefinition {
        try task.requireMapping(known: ["name", "type", "command", "timeout", "working_dir", "interval", "cron", "delay", "run_at", "enabled", "description", "timezone"])
        let name = try task.requiredString("name")
        let type = try task.string("type") ?? "interval"
        guard let command = try task.string("command"), !command.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw task.error("command", "is required (Switchboard runs shell commands; Python handlers are registered in code)")
        }
        let timeout = try task.number("timeout") ?? ClaraTaskDefinition.defaultTimeoutSeconds
        guard timeout > 0, timeout <= JobSchedule.maximumTimeoutSeconds else {
            throw task.error("timeout", "must be above 0 and at most \(Int(JobSchedule.maximumTimeoutSeconds)) seconds (a week)")
        }
        let delay = try task.number("delay")
        if let delay, delay < 0 || delay * 1000 > Double(JobSchedule.maximumEveryMs) {
            throw task.error("delay", "must be from 0 to \(JobSchedule.maximumEveryMs / 1000) seconds (ten years)")
        }
        let kind: ClaraTaskDefinition.Kind
        switch type {
        case "interval":
            guard let interval = try task.number("interval") else { throw task.error("interval", "is required for an interval task (seconds)") }
            guard interval * 1000 >= Double(JobSchedule.minimumEveryMs), interval * 1000 <= Double(JobSchedule.maximumEveryMs) else {
                throw task.error("interval", "must be from 1 second to \(JobSchedule.maximumEveryMs / 1000) seconds (ten years)")
            }
            kind = .interval(seconds: interval, delaySeconds: delay)
        case "cron":
            guard let text = try task.string("cron") else { throw task.error("cron", "is required for a cron task (5 fields)") }
            var zone = defaultZone
            if let name = try task.string("timezone") {
                do { zone = try JobSchedule.zone(name, field: "timezone") } catch { throw task.error("timezone", error.reason) }
            }
            do { kind = .cron(try CronExpression(text), zone: zone) } catch { throw task.error("cron", error.description) }
        case "one_shot":
            var runAt: Int64?
            if let text = try task.string("run_at") {
                do { runAt = try JobSchedule.parseTime(text, field: "run_at", zone: defaultZone) } catch { throw task.error("run_at", error.reason) }
            }
            kind = .oneShot(runAtMs: runAt, delaySeconds: delay)
        default:
            throw task.error("type", "\"\(type)\" is not a task type; expected interval, cron or one_shot")
        }
        return ClaraTaskDefinition(
            name: name, kind: kind, command: command, timeoutSeconds: timeout,
            workingDirectory: try task.string("working_dir"), enabled: try task.bool("enabled") ?? true,
            description: try task.string("description") ?? "")
    }
}
