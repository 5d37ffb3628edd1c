/// The automation keys: the scheduler.
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
        int("automation.hooksMaxQueued", \.automation.hooksMaxQueued, 1...100_000, help: "hook runs waiting; beyond it the oldest is dropped"),
        int("automation.hooksKeepRuns", \.automation.hooksKeepRuns, 1...100_000, help: "hook runs kept in the log"),
    ]
}
