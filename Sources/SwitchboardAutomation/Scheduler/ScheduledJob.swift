public import Foundation
public import SwitchboardProtocol

/// A job as the scheduler reads it: OpenClaw's `CronJob` fields (`schedule`, `payload`,
/// `sessionTarget`, `delivery`…) plus Switchboard's shell action and missed-run policy.
///
/// Stored as JSON (``StoredJob/definition``); ``init(definition:)`` checks every field and names
/// the one that is wrong.
public struct ScheduledJob: Sendable, Equatable {
    /// What a run does.
    public enum Action: Sendable, Equatable {
        /// OpenClaw's `systemEvent`: text queued for the main session's next heartbeat (or now).
        case systemEvent(text: String)
        /// OpenClaw's `agentTurn`: a message to the agent, optionally delivered to a channel.
        case agentTurn(message: String, model: String?, timeoutSeconds: Double?)
        /// Switchboard's (and Clara's) shell command, killed at `timeoutSeconds`.
        case command(command: String, timeoutSeconds: Double, workingDirectory: String?)
    }

    /// What happens to runs that fell due while the gateway was down.
    public enum MissedPolicy: String, Sendable, Equatable, CaseIterable {
        /// One run at start, however many were missed (the default).
        case runOnce = "run-once"
        /// None; the next run is the next one due after start.
        case skip
    }

    public var name: String
    public var schedule: JobSchedule
    public var action: Action
    public var enabled: Bool
    public var deleteAfterRun: Bool
    public var agentId: String?
    public var sessionKey: String?
    /// `main`, `isolated`, `current` or `session:<key>`.
    public var sessionTarget: String
    /// `now` or `next-heartbeat`.
    public var wakeMode: String
    /// OpenClaw's `delivery` object, kept as given (`mode` none/announce/webhook, `channel`, `to`).
    public var delivery: JSONValue?
    public var missed: MissedPolicy

    /// The default timeout of a shell command job, in seconds (Clara's).
    public static let defaultCommandTimeoutSeconds: Double = 300

    public init(name: String, schedule: JobSchedule, action: Action) {
        self.name = name
        self.schedule = schedule
        self.action = action
        enabled = true
        deleteAfterRun = false
        sessionTarget = "isolated"
        wakeMode = "now"
        missed = .runOnce
    }
}

extension ScheduledJob {
    /// Reads a definition; `nowMs` anchors an `every` schedule without `anchorMs`.
    public init(definition: JSONValue, nowMs: Int64, zone: TimeZone = .current) throws(ScheduleError) {
        let fields = JSONFields(definition, path: "")
        try fields.requireObject(known: [
            "name", "description", "enabled", "deleteAfterRun", "agentId", "sessionKey", "schedule", "sessionTarget", "wakeMode", "payload",
            "delivery", "failureAlert", "missed", "id", "createdAtMs", "updatedAtMs", "state", "source", "fileTask",
        ])
        let name = try fields.requiredString("name")
        let schedule = try Self.schedule(fields.object("schedule"), nowMs: nowMs, zone: zone)
        let action = try Self.action(fields.object("payload"))
        self.init(name: name, schedule: schedule, action: action)
        enabled = try fields.bool("enabled") ?? true
        deleteAfterRun = try fields.bool("deleteAfterRun") ?? false
        agentId = try fields.string("agentId")
        sessionKey = try fields.string("sessionKey")
        if let target = try fields.string("sessionTarget") {
            guard ["main", "isolated", "current"].contains(target) || (target.hasPrefix("session:") && target.count > 8) else {
                throw fields.error("sessionTarget", "expected main, isolated, current or session:<key>, got \"\(target)\"")
            }
            sessionTarget = target
        }
        if let mode = try fields.string("wakeMode") {
            guard mode == "now" || mode == "next-heartbeat" else { throw fields.error("wakeMode", "expected now or next-heartbeat, got \"\(mode)\"") }
            wakeMode = mode
        }
        delivery = definition["delivery"]
        if let text = try fields.string("missed") {
            guard let policy = MissedPolicy(rawValue: text) else { throw fields.error("missed", "expected run-once or skip, got \"\(text)\"") }
            missed = policy
        }
    }

    static func schedule(_ fields: JSONFields, nowMs: Int64, zone: TimeZone) throws(ScheduleError) -> JobSchedule {
        let kind = try fields.requiredString("kind")
        switch kind {
        case "at":
            try fields.requireObject(known: ["kind", "at"])
            return .at(try JobSchedule.parseTime(try fields.requiredString("at"), field: fields.path + ".at", zone: zone))
        case "every":
            try fields.requireObject(known: ["kind", "everyMs", "anchorMs"])
            guard let every = try fields.int("everyMs") else { throw fields.error("everyMs", "is required (milliseconds)") }
            guard every >= JobSchedule.minimumEveryMs, every <= JobSchedule.maximumEveryMs else {
                throw fields.error("everyMs", "must be from \(JobSchedule.minimumEveryMs) to \(JobSchedule.maximumEveryMs) (ten years)")
            }
            let anchor = try fields.int("anchorMs") ?? nowMs
            guard anchor >= 0 else { throw fields.error("anchorMs", "must be 0 or more") }
            return .every(everyMs: every, anchorMs: anchor)
        case "cron":
            try fields.requireObject(known: ["kind", "expr", "tz", "staggerMs"])
            let text = try fields.requiredString("expr")
            let expression: CronExpression
            do { expression = try CronExpression(text) } catch { throw fields.error("expr", error.description) }
            var scheduleZone = zone
            if let name = try fields.string("tz"), !name.isEmpty { scheduleZone = try JobSchedule.zone(name, field: fields.path + ".tz") }
            let stagger = try fields.int("staggerMs") ?? 0
            guard stagger >= 0, stagger <= JobSchedule.maximumEveryMs else { throw fields.error("staggerMs", "must be from 0 to \(JobSchedule.maximumEveryMs)") }
            return .cron(expression, zone: scheduleZone, staggerMs: stagger)
        default:
            throw fields.error("kind", "expected at, every or cron, got \"\(kind)\"")
        }
    }

    static func action(_ fields: JSONFields) throws(ScheduleError) -> Action {
        let kind = try fields.requiredString("kind")
        switch kind {
        case "systemEvent":
            try fields.requireObject(known: ["kind", "text"])
            return .systemEvent(text: try fields.requiredString("text"))
        case "agentTurn":
            try fields.requireObject(known: [
                "kind", "message", "model", "fallbacks", "thinking", "timeoutSeconds", "allowUnsafeExternalContent", "lightContext", "toolsAllow",
            ])
            let timeout = try fields.number("timeoutSeconds")
            if let timeout, timeout < 0 || timeout > JobSchedule.maximumTimeoutSeconds {
                throw fields.error("timeoutSeconds", "must be from 0 to \(Int(JobSchedule.maximumTimeoutSeconds)) (a week)")
            }
            return .agentTurn(message: try fields.requiredString("message"), model: try fields.string("model"), timeoutSeconds: timeout)
        case "command":
            try fields.requireObject(known: ["kind", "command", "timeoutSeconds", "workingDir"])
            let timeout = try fields.number("timeoutSeconds") ?? ScheduledJob.defaultCommandTimeoutSeconds
            guard timeout > 0, timeout <= JobSchedule.maximumTimeoutSeconds else {
                throw fields.error("timeoutSeconds", "must be above 0 and at most \(Int(JobSchedule.maximumTimeoutSeconds)) (a week)")
            }
            return .command(command: try fields.requiredString("command"), timeoutSeconds: timeout, workingDirectory: try fields.string("workingDir"))
        default:
            throw fields.error("kind", "expected systemEvent, agentTurn or command, got \"\(kind)\"")
        }
    }
}

/// Typed reads of one JSON object, each failure naming the field path and what was expected.
struct JSONFields {
    let value: JSONValue
    let path: String

    init(_ value: JSONValue, path: String) {
        self.value = value
        self.path = path
    }

    func error(_ field: String, _ reason: String) -> ScheduleError {
        ScheduleError(field: path.isEmpty ? field : "\(path).\(field)", reason: reason)
    }

    func requireObject(known: Set<String>) throws(ScheduleError) {
        guard let object = value.objectValue else { throw ScheduleError(field: path.isEmpty ? "job" : path, reason: "expected an object") }
        for key in object.keys where !known.contains(key) {
            throw error(key, "is not a known field; expected one of \(known.sorted().joined(separator: ", "))")
        }
    }

    func object(_ field: String) throws(ScheduleError) -> JSONFields {
        guard let nested = value[field], nested != .null else { throw error(field, "is required") }
        guard nested.objectValue != nil else { throw error(field, "expected an object, got \(nested.typeName)") }
        return JSONFields(nested, path: path.isEmpty ? field : "\(path).\(field)")
    }

    func string(_ field: String) throws(ScheduleError) -> String? {
        guard let raw = value[field], raw != .null else { return nil }
        guard let text = raw.stringValue else { throw error(field, "expected a string, got \(raw.typeName)") }
        return text
    }

    func requiredString(_ field: String) throws(ScheduleError) -> String {
        guard let text = try string(field), !text.isEmpty else { throw error(field, "is required (a non-empty string)") }
        return text
    }

    func int(_ field: String) throws(ScheduleError) -> Int64? {
        guard let raw = value[field], raw != .null else { return nil }
        guard let number = raw.intValue else { throw error(field, "expected an integer, got \(raw.typeName)") }
        return Int64(number)
    }

    func number(_ field: String) throws(ScheduleError) -> Double? {
        guard let raw = value[field], raw != .null else { return nil }
        switch raw {
        case .int(let value): return Double(value)
        case .double(let value): return value
        default: throw error(field, "expected a number, got \(raw.typeName)")
        }
    }

    func bool(_ field: String) throws(ScheduleError) -> Bool? {
        guard let raw = value[field], raw != .null else { return nil }
        guard let flag = raw.boolValue else { throw error(field, "expected true or false, got \(raw.typeName)") }
        return flag
    }
}
