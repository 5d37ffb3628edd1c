import Foundation
import SwitchboardAutomation
import SwitchboardProtocol

/// The automation keys: the scheduler and hooks.
extension ConfigKeys {
    static let automationKeys: [ConfigKey] = [
        bool("automation.enabled", \.automation.enabled, help: "run scheduled jobs (cron.*, scheduler.yaml)"),
        optionalString(
            "automation.schedulerDir", \.automation.schedulerDir, env: "CLARA_SCHEDULER_DIR", secret: false,
            help: "directory of scheduler.yaml (default: the state dir)"),
        int("automation.maxConcurrentRuns", \.automation.maxConcurrentRuns, 1...64, help: "scheduled runs at once"),
        int("automation.keepRunsPerJob", \.automation.keepRunsPerJob, 1...100_000, help: "runs kept in each job's log"),
        int("automation.maxOutputBytes", \.automation.maxOutputBytes, 1024...1_048_576, help: "output kept per command run (its last bytes)"),
        int("automation.shutdownGraceMs", \.automation.shutdownGraceMs, 0...600_000, help: "at shutdown, time scheduled runs and hooks get before they are stopped"),
        optionalString(
            "automation.hooksDir", \.automation.hooksDir, env: "CLARA_HOOKS_DIR", secret: false, help: "directory of hooks.yaml (default: <stateDir>/hooks)"),
        int("automation.hooksMaxConcurrent", \.automation.hooksMaxConcurrent, 1...64, help: "hook runs at once"),
        int("automation.hooksMaxQueued", \.automation.hooksMaxQueued, 1...100_000, help: "hook runs waiting; beyond it new runs are dropped"),
        int("automation.hooksKeepRuns", \.automation.hooksKeepRuns, 1...100_000, help: "hook runs kept in the log"),
        int("automation.hooksRetryBaseMs", \.automation.hooksRetryBaseMs, 10...600_000, help: "wait before a failed hook's first retry (doubles per attempt)"),
        ConfigKey(
            path: "automation.jobs", environment: nil,
            help: "[{name, type: interval|cron|one_shot, interval?, cron?, timezone?, run_at?, delay?, command, timeout?, enabled?}] (scheduler.yaml's tasks)",
            isSecret: false,
            apply: { config, value in
                if let problem = AutomationListParser.problem(value, key: "automation.jobs") { return problem }
                config.automation.jobs = value == .null ? .array([]) : value
                return nil
            },
            current: { $0.automation.jobs },
            schema: ["type": ["array", "null"], "items": ["type": "object", "required": ["name", "command"]]]
        ),
        ConfigKey(
            path: "automation.hooks", environment: nil, help: "[{name, event, command, timeout?, priority?, enabled?}] (hooks.yaml's hooks)", isSecret: false,
            apply: { config, value in
                if let problem = AutomationListParser.problem(value, key: "automation.hooks") { return problem }
                config.automation.hooks = value == .null ? .array([]) : value
                return nil
            },
            current: { $0.automation.hooks },
            schema: ["type": ["array", "null"], "items": ["type": "object", "required": ["name", "event", "command"]]]
        ),
    ]
}

/// `automation.jobs` and `automation.hooks`: Clara's task and hook lists, parsed by the same
/// readers as `scheduler.yaml` and `hooks.yaml` (JSON is YAML), errors named by config path.
enum AutomationListParser {
    static func problem(_ value: JSONValue, key: String) -> String? {
        if value == .null { return nil }
        guard case .array = value else { return "\(key): expected a list, got \(value.typeName)" }
        do {
            if key == "automation.jobs" { _ = try tasks(value) } else { _ = try hooks(value) }
            return nil
        } catch {
            // `jobs[0].command` → `automation.jobs[0].command`.
            let list = key == "automation.jobs" ? "jobs" : "hooks"
            return error.path.isEmpty ? "\(key): \(error.reason)" : "\(key)\(error.path.dropFirst(list.count)): \(error.reason)"
        }
    }

    static func tasks(_ value: JSONValue) throws(AutomationFileError) -> [ClaraTaskDefinition] {
        try ClaraSchedulerFile.parse(GatewayJSON.string(["jobs": value]), zone: .current, file: "automation", listKey: "jobs")
    }

    static func hooks(_ value: JSONValue) throws(AutomationFileError) -> [HookDefinition] {
        try ClaraHooksFile.parse(GatewayJSON.string(["hooks": value]), file: "automation", listKey: "hooks")
    }
}
