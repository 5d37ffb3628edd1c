import Foundation
import Logging
import ServiceLifecycle
import SwitchboardAutomation
import SwitchboardPluginAPI
import SwitchboardProtocol
import Synchronization

/// The automation side of one gateway: the job store, the scheduler, the hook runner and the
/// loaders of `scheduler.yaml` and `hooks.yaml`, built from configuration.
final class AutomationRuntime: Sendable {
    let store: any JobStoring
    let scheduler: JobScheduler
    let hooks: HookRunner
    let hookRuns: any HookRunStoring
    let fileSync: SchedulerFileSync
    let hooksPath: String
    let enabled: Bool
    let databasePath: String
    let boundPort: PortBox
    let logger: Logger
    /// What became of the two files at the last start (for `status`).
    let fileOutcomes = Mutex<(scheduler: SchedulerFileSync.Outcome?, hooks: String?)>((nil, nil))

    init(
        loaded: LoadedConfiguration, store: any JobStoring, hookRuns: any HookRunStoring, agent: AgentRuntime, bus: EventBus, boundPort: PortBox,
        clock: GatewayClock, logger: Logger
    ) {
        let config = loaded.configuration.automation
        self.store = store
        self.hookRuns = hookRuns
        self.boundPort = boundPort
        self.logger = logger
        enabled = config.enabled
        databasePath = loaded.paths.databasePath
        let hooksDirectory = config.hooksDir ?? (loaded.paths.stateDir as NSString).appendingPathComponent("hooks")
        hooksPath = (hooksDirectory as NSString).appendingPathComponent(ClaraHooksFile.fileName)
        var hookSettings = HookRunner.Configuration()
        hookSettings.maxConcurrent = config.hooksMaxConcurrent
        hookSettings.maxQueued = config.hooksMaxQueued
        hookSettings.keepRuns = config.hooksKeepRuns
        hookSettings.maxOutputBytes = config.maxOutputBytes
        hookSettings.shutdownGraceMs = config.shutdownGraceMs
        hookSettings.workingDirectory = FileManager.default.fileExists(atPath: hooksDirectory) ? hooksDirectory : nil
        let hooks = HookRunner(hooks: [], store: hookRuns, configuration: hookSettings, logger: logger, clock: { Int64(clock.nowMs()) })
        self.hooks = hooks
        var settings = JobScheduler.Configuration()
        settings.maxConcurrentRuns = config.maxConcurrentRuns
        settings.keepRunsPerJob = config.keepRunsPerJob
        settings.maxOutputBytes = config.maxOutputBytes
        settings.shutdownGraceMs = config.shutdownGraceMs
        scheduler = JobScheduler(
            store: store, actions: ScheduledTurnRunner(agent: agent, clock: clock), configuration: settings, logger: logger
        ) { event in
            let now = clock.nowMs()
            switch event {
            case .started(let run):
                bus.broadcast(CronEvent.self, CronJobView.event(run, action: "started", nextRunAtMs: nil, nowMs: now))
                hooks.emit(HookEvent(.schedulerTaskRun, timestampMs: Int64(now), requestId: run.runId, data: Self.hookData(run)))
            case .finished(let run):
                bus.broadcast(CronEvent.self, CronJobView.event(run, action: "finished", nextRunAtMs: nil, nowMs: now))
                if run.status == .error {
                    hooks.emit(HookEvent(.schedulerTaskError, timestampMs: Int64(now), requestId: run.runId, data: Self.hookData(run)))
                }
            }
        }
        // Runs tell the hooks what they do; the event is built only when a hook listens for it.
        agent.runs.activity.listen(.init(wants: { hooks.listens(to: $0) }, hear: { hooks.emit($0) }))
        let directory = config.schedulerDir ?? loaded.paths.stateDir
        fileSync = SchedulerFileSync(
            path: (directory as NSString).appendingPathComponent(ClaraSchedulerFile.fileName), store: store, zone: .current, logger: logger)
    }

    /// Clara's `task_name` (and `error`) for the scheduler's hook events.
    static func hookData(_ run: JobRun) -> [String: JSONValue] {
        var data: [String: JSONValue] = ["task_name": .string(run.jobName), "job_id": .string(run.jobId), "trigger": .string(run.trigger)]
        if let error = run.error { data["error"] = .string(error) }
        return data
    }

    /// Hooks start first and stop last (so `gateway:shutdown` hooks run); then the files are
    /// loaded and the scheduler runs. Both start after the run service (agent jobs start runs).
    var services: [any Service] { [hooks, AutomationService(runtime: self)] }

    /// Reads both files; run before the gateway listens, so the first request sees their jobs.
    func loadFiles() async {
        loadHooks()
        guard enabled else { return }
        let outcome = await fileSync.sync(nowMs: SystemSchedulerClock().nowMs())
        fileOutcomes.withLock { $0.scheduler = outcome }
    }

    /// Reads `hooks.yaml`; a file that does not parse leaves the hooks as they were.
    func loadHooks() {
        guard let data = FileManager.default.contents(atPath: hooksPath) else {
            fileOutcomes.withLock { $0.hooks = "absent" }
            return
        }
        do {
            let definitions = try ClaraHooksFile.parse(String(decoding: data, as: UTF8.self))
            hooks.setHooks(definitions)
            fileOutcomes.withLock { $0.hooks = "loaded \(definitions.count)" }
            logger.info("hooks.yaml loaded", metadata: ["path": "\(hooksPath)", "hooks": "\(definitions.count)"])
        } catch {
            fileOutcomes.withLock { $0.hooks = "rejected: \(error.description)" }
            logger.error("hooks.yaml rejected; no hooks from it", metadata: ["path": "\(hooksPath)", "problem": "\(error.description)"])
        }
    }
}

/// Announces `gateway:startup` once the gateway listens and
/// `gateway:shutdown` when it begins to stop, and runs the scheduler in between.
struct AutomationService: Service {
    let runtime: AutomationRuntime

    func run() async throws {
        let hooks = runtime.hooks
        let boundPort = runtime.boundPort
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask {
                guard await boundPort.wait() != nil else { return }
                hooks.emit(HookEvent(.gatewayStartup, timestampMs: SystemSchedulerClock().nowMs()))
            }
            group.addTask {
                try? await gracefulShutdown()
                hooks.emit(HookEvent(.gatewayShutdown, timestampMs: SystemSchedulerClock().nowMs()))
            }
            if runtime.enabled {
                try await runtime.scheduler.run()
            } else {
                try? await gracefulShutdown()
            }
            group.cancelAll()
        }
    }
}
