import Foundation
public import SwitchboardProtocol

extension ClaraTaskDefinition {
    /// The job id of a `scheduler.yaml` task.
    public var jobId: String { jobId(prefix: "file") }

    /// The job id under a source's prefix (`file:<name>`, `config:<name>`).
    public func jobId(prefix: String) -> String { "\(prefix):\(name)" }

    /// The task's own fields, to tell on the next load whether it changed. Whole numbers are
    /// integers, as they come back from the database's JSON.
    public var fingerprint: JSONValue {
        func number(_ value: Double) -> JSONValue { value.rounded() == value && abs(value) < 1e15 ? .int(Int(value)) : .double(value) }
        var fields: [String: JSONValue] = [
            "command": .string(command), "timeout": number(timeoutSeconds), "enabled": .bool(enabled), "description": .string(description),
        ]
        if let workingDirectory { fields["working_dir"] = .string(workingDirectory) }
        switch kind {
        case .interval(let seconds, let delay):
            fields["type"] = "interval"
            fields["interval"] = number(seconds)
            if let delay { fields["delay"] = number(delay) }
        case .cron(let expression, let zone):
            fields["type"] = "cron"
            fields["cron"] = .string(expression.source)
            fields["timezone"] = .string(zone.identifier)
        case .oneShot(let runAt, let delay):
            fields["type"] = "one_shot"
            if let runAt { fields["run_at"] = .int(Int(runAt)) }
            if let delay { fields["delay"] = number(delay) }
        }
        return .object(fields)
    }

    /// A one-shot with `delay` (or no time) runs once per gateway start, as in Clara; one with
    /// `run_at` runs once ever.
    public var runsOncePerStart: Bool {
        if case .oneShot(let runAt, _) = kind { return runAt == nil }
        return false
    }

    /// The job definition (OpenClaw's fields with a `command` payload) for a load at `nowMs`,
    /// and its first run.
    public func job(loadedAtMs nowMs: Int64, jobId: String? = nil) -> (definition: JSONValue, firstRunAtMs: Int64?) {
        let jobId = jobId ?? self.jobId
        let schedule: JSONValue
        let first: Int64?
        switch kind {
        case .interval(let seconds, let delay):
            let start = nowMs + Int64((delay ?? 0) * 1000)
            schedule = ["kind": "every", "everyMs": .int(Int(seconds * 1000)), "anchorMs": .int(Int(start))]
            first = start
        case .cron(let expression, let zone):
            schedule = ["kind": "cron", "expr": .string(expression.source), "tz": .string(zone.identifier)]
            first = JobSchedule.cron(expression, zone: zone, staggerMs: 0).nextRun(afterMs: nowMs, jobId: jobId)
        case .oneShot(let runAt, let delay):
            let at = runAt ?? nowMs + Int64((delay ?? 0) * 1000)
            schedule = ["kind": "at", "at": .string(String(at))]
            first = at
        }
        var payload: [String: JSONValue] = ["kind": "command", "command": .string(command), "timeoutSeconds": .double(timeoutSeconds)]
        if let workingDirectory { payload["workingDir"] = .string(workingDirectory) }
        var definition: [String: JSONValue] = [
            "name": .string(name), "schedule": schedule, "payload": .object(payload), "enabled": .bool(enabled), "fileTask": fingerprint,
            "sessionTarget": "isolated", "wakeMode": "now",
        ]
        if !description.isEmpty { definition["description"] = .string(description) }
        return (.object(definition), enabled ? first : nil)
    }
}
