import SwitchboardPluginAPI
import SwitchboardProtocol

/// Stored jobs and runs as OpenClaw's `CronJob` and `CronRunLogEntry`.
///
/// A job made through `cron.add` with OpenClaw's fields comes back with exactly those fields;
/// Switchboard's own (`source` for file jobs, `missed: skip`, the `command` payload) appear only
/// when used.
enum CronJobView {
    /// What a shell job runs, and what it printed, is shown to admins only: a command line or
    /// its output may carry a token, and `cron.list`/`cron.runs`/the `cron` event need only read.
    static let hidden: JSONValue = "(shown to admins only)"

    /// Whether the stored job runs a shell command.
    static func isCommand(_ stored: StoredJob) -> Bool { stored.definition["payload"]?["kind"] == "command" }

    static func job(_ stored: StoredJob, admin: Bool) -> JSONValue {
        var object = stored.definition.objectValue ?? [:]
        if !admin, isCommand(stored), var payload = object["payload"]?.objectValue {
            payload["command"] = hidden
            payload["workingDir"] = nil
            object["payload"] = .object(payload)
        }
        object["id"] = .string(stored.id)
        object["name"] = .string(stored.name)
        object["enabled"] = .bool(stored.enabled)
        object["createdAtMs"] = .int(stored.createdAtMs)
        object["updatedAtMs"] = .int(stored.updatedAtMs)
        if object["sessionTarget"] == nil { object["sessionTarget"] = "isolated" }
        if object["wakeMode"] == nil { object["wakeMode"] = "now" }
        if object["missed"]?.stringValue == "run-once" { object["missed"] = nil }
        if stored.source != "api" { object["source"] = .string(stored.source) }
        object["fileTask"] = nil
        var state: [String: JSONValue] = [:]
        if let next = stored.nextRunAtMs { state["nextRunAtMs"] = .int(next) }
        if stored.runningRunId != nil, let last = stored.lastRunAtMs { state["runningAtMs"] = .int(last) }
        if let last = stored.lastRunAtMs { state["lastRunAtMs"] = .int(last) }
        if let status = stored.lastStatus { state["lastRunStatus"] = .string(status) }
        if let status = stored.lastStatus { state["lastStatus"] = .string(status) }
        if let error = stored.lastError { state["lastError"] = .string(error) }
        if let duration = stored.lastDurationMs { state["lastDurationMs"] = .int(duration) }
        if stored.consecutiveErrors > 0 { state["consecutiveErrors"] = .int(stored.consecutiveErrors) }
        object["state"] = .object(state)
        return .object(object)
    }

    static func entry(_ run: JobRun, showOutput: Bool) -> JSONValue {
        var object: [String: JSONValue] = [
            "ts": .int(run.finishedAtMs ?? run.startedAtMs), "jobId": .string(run.jobId), "action": "finished", "status": .string(run.status.rawValue),
            "runAtMs": .int(run.startedAtMs), "jobName": .string(run.jobName),
        ]
        if let duration = run.durationMs { object["durationMs"] = .int(duration) }
        if let error = run.error { object["error"] = .string(error) }
        if showOutput, let summary = run.summary, !summary.isEmpty { object["summary"] = .string(summary) }
        if let delivery = run.deliveryStatus { object["deliveryStatus"] = .string(delivery) }
        return .object(object)
    }

    static func event(_ run: JobRun, action: String, nextRunAtMs: Int?, nowMs: Int) -> CronEvent.Payload {
        var payload = CronEvent.Payload(jobId: run.jobId, action: action, ts: nowMs)
        payload.jobName = run.jobName
        payload.runId = run.runId
        payload.runAtMs = run.startedAtMs
        if action == "finished" {
            payload.status = run.status == .running ? "error" : run.status.rawValue
            payload.durationMs = run.durationMs
            payload.error = run.error
            // No output in the event (read scope): `cron.runs` has it, for admins where it is a command's.
        }
        payload.nextRunAtMs = nextRunAtMs
        return payload
    }
}
