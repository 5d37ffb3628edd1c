import Foundation
import Logging
import ServiceLifecycle
import SwitchboardAutomation
import SwitchboardPluginAPI
import SwitchboardProtocol
import Synchronization

/// The stores automation keeps its state in.
struct AutomationStores: Sendable {
    var jobs: any JobStoring
    var hookRuns: any HookRunStoring
    /// Where hook runs wait durably (nil: in memory only).
    var hookQueue: (any HookQueueStoring)?
    var heartbeat: any HeartbeatStoring
    /// Answers promised to chats (nil: delivered without a promise, as in unit tests).
    var deliveryIntents: (any DeliveryIntentStoring)?
}

/// The automation side of one gateway: the job store, the scheduler, the hook runner, the
/// heartbeat and the loaders of `scheduler.yaml` and `hooks.yaml`, built from configuration.
final class AutomationRuntime: Sendable {
    let store: any JobStoring
    let scheduler: JobScheduler
    let hooks: HookRunner
    let hookRuns: any HookRunStoring
    let heartbeat: HeartbeatRuntime
    let delivery: AnswerDelivery
    let webhookTurns: WebhookTurns
    let fileSync: SchedulerFileSync
    let hooksPath: String
    let enabled: Bool
    let databasePath: String
    let boundPort: PortBox
    let logger: Logger
    let agent: AgentRuntime
    let clock: GatewayClock
    /// What became of the two files at the last start (for `status`).
    let fileOutcomes = Mutex<(scheduler: SchedulerFileSync.Outcome?, hooks: String?)>((nil, nil))
    /// What became of `BOOT.md` at this start (nil while its turn runs).
    let bootOutcome = Mutex<BootOutcome?>(nil)
    /// `BOOT.md`'s content, until its turn starts.
    let pendingBoot = Mutex<String?>(nil)
    /// Hooks from `hooks.yaml` and from `automation.hooks`, run together.
    private let hookSources = Mutex<(file: [HookDefinition], config: [HookDefinition])>(([], []))
    let live: LiveConfiguration

    init(
        loaded: LoadedConfiguration, stores: AutomationStores, agent: AgentRuntime, channels: ChannelRuntime, bus: EventBus, boundPort: PortBox,
        clock: GatewayClock, schedulerClock: any SchedulerClock = SystemSchedulerClock(), logger: Logger
    ) {
        let config = loaded.configuration.automation
        let store = stores.jobs
        let hookRuns = stores.hookRuns
        self.store = store
        self.hookRuns = hookRuns
        let delivery = AnswerDelivery(channels: channels, clock: clock, intents: stores.deliveryIntents)
        self.delivery = delivery
        let heartbeat = HeartbeatRuntime(
            agent: agent, store: stores.heartbeat, delivery: delivery, bus: bus, clock: clock, schedulerClock: schedulerClock, logger: logger)
        self.heartbeat = heartbeat
        webhookTurns = WebhookTurns(agent: agent, heartbeat: heartbeat, delivery: delivery, clock: clock, logger: logger)
        self.boundPort = boundPort
        self.logger = logger
        self.agent = agent
        self.clock = clock
        live = agent.live
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
        hookSettings.retryBaseMs = config.hooksRetryBaseMs
        let hooks = HookRunner(
            hooks: [], store: hookRuns, queue: stores.hookQueue, configuration: hookSettings, logger: logger, clock: { Int64(clock.nowMs()) })
        self.hooks = hooks
        var settings = JobScheduler.Configuration()
        settings.maxConcurrentRuns = config.maxConcurrentRuns
        settings.keepRunsPerJob = config.keepRunsPerJob
        settings.maxOutputBytes = config.maxOutputBytes
        settings.shutdownGraceMs = config.shutdownGraceMs
        scheduler = JobScheduler(
            store: store, clock: schedulerClock, actions: ScheduledTurnRunner(agent: agent, heartbeat: heartbeat, delivery: delivery, clock: clock),
            configuration: settings, logger: logger
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
        agent.sessions.lifecycle.listen { change in
            let now = Int64(clock.nowMs())
            switch change {
            case .started(let key, let agentId, let sessionId):
                guard hooks.listens(to: .sessionStart) else { return }
                hooks.emit(HookEvent(.sessionStart, timestampMs: now, data: ["session_key": .string(key), "agent_id": .string(agentId), "session_id": .string(sessionId)]))
            case .ended(let key, let sessionId, let reason):
                guard hooks.listens(to: .sessionEnd) else { return }
                hooks.emit(HookEvent(.sessionEnd, timestampMs: now, data: ["session_key": .string(key), "session_id": .string(sessionId), "reason": .string(reason)]))
            }
        }
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
    var services: [any Service] { [hooks, AutomationService(runtime: self), AutomationConfigSync(runtime: self, live: live), heartbeat, webhookTurns] }

    func setConfigHooks(_ definitions: [HookDefinition]) {
        let all = hookSources.withLock { sources in
            sources.config = definitions
            return sources.file + sources.config
        }
        hooks.setHooks(all)
    }

    /// Looks at `BOOT.md` before the gateway listens: a missing, empty or unreadable file is
    /// reported at once; content is kept for ``runBoot()``.
    func readBoot() {
        let outcome: BootOutcome?
        var content: String?
        do {
            switch try BootFile.load(workspace: agent.workspace) {
            case .missing: outcome = .skipped("missing")
            case .empty: outcome = .skipped("empty")
            case .content(let text):
                outcome = nil
                content = text
            }
        } catch {
            outcome = .failed("cannot read BOOT.md: \(error.localizedDescription)")
        }
        bootOutcome.withLock { $0 = outcome }
        pendingBoot.withLock { $0 = content }
        if let outcome { log(outcome) }
    }

    /// Runs `BOOT.md`'s content once, as a journaled turn of the main session (after listening).
    func runBoot() async {
        guard let content = pendingBoot.withLock({ pending in defer { pending = nil }; return pending }) else { return }
        let outcome = await bootTurn(BootFile.prompt(content))
        bootOutcome.withLock { $0 = outcome }
        log(outcome)
    }

    private func log(_ outcome: BootOutcome) {
        switch outcome {
        case .failed: logger.error("BOOT.md failed", metadata: ["outcome": "\(outcome)"])
        default: logger.notice("BOOT.md", metadata: ["outcome": "\(outcome)"])
        }
    }

    private func bootTurn(_ prompt: String) async -> BootOutcome {
        let agentId = AgentConfiguration.defaultAgentId
        let request = RunRequest(
            runId: "boot-\(UUID().uuidString.lowercased())", sessionKey: AgentIdentity.mainSessionKey(agentId: agentId), agentId: agentId, message: prompt,
            origin: .agent, connectionId: nil, timeoutMs: agent.config.timeoutSeconds * 1000, model: nil, extraSystemPrompt: nil)
        do {
            guard case .started(let handle) = try await RunStarter.start(request, agent: agent, clock: clock) else { return .failed("the boot turn was a duplicate") }
            guard let result = await handle.waitForResult() else { return .failed("the gateway stopped during the boot turn") }
            switch result.status {
            case .ok: return .ran
            case .error: return .failed(result.errorMessage ?? "the boot turn failed")
            case .aborted: return .failed("the boot turn was aborted")
            }
        } catch {
            return .failed("\(error)")
        }
    }

    /// Scheduler, hooks and boot, for `status`.
    func statusSummary() async -> JSONValue {
        let (schedulerFile, hooksFile) = fileOutcomes.withLock { ($0.scheduler, $0.hooks) }
        var scheduler: [String: JSONValue] = ["enabled": .bool(enabled)]
        if let jobs = try? await store.jobs() {
            scheduler["jobs"] = .int(jobs.count)
            scheduler["running"] = .int(jobs.filter { $0.runningRunId != nil }.count)
            scheduler["failing"] = .int(jobs.filter { $0.lastStatus == "error" }.count)
        }
        if let next = try? await store.nextDueAtMs() { scheduler["nextWakeAtMs"] = .int(next) }
        switch schedulerFile {
        case .absent: scheduler["file"] = "absent"
        case .loaded(let count): scheduler["file"] = .string("loaded \(count)")
        case .rejected(let reason): scheduler["file"] = .string("rejected: \(reason)")
        case nil: break
        }
        var hookSummary: [String: JSONValue] = ["count": .int(hooks.hooks.count + hooks.inProcessHooks.count), "droppedRuns": .int(hooks.droppedRuns)]
        if let hooksFile { hookSummary["file"] = .string(hooksFile) }
        if let last = try? await hookRuns.runs(hookName: nil, limit: 5) {
            hookSummary["lastRuns"] = .array(last.map { ["name": .string($0.hookName), "event": .string($0.event), "status": .string($0.status), "ts": .int($0.startedAtMs)] })
        }
        var summary: [String: JSONValue] = ["scheduler": .object(scheduler), "hooks": .object(hookSummary)]
        if let boot = bootOutcome.withLock({ $0 }) { summary["boot"] = .string(boot.description) }
        summary["heartbeat"] = await heartbeat.statusSummary()
        return .object(summary)
    }

    /// Reads both files; run before the gateway listens, so the first request sees their jobs.
    func loadFiles() async {
        loadHooks()
        if let configHooks = try? AutomationListParser.hooks(live.current.automation.hooks) { setConfigHooks(configHooks) }
        readBoot()
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
            let all = hookSources.withLock { sources in
                sources.file = definitions
                return sources.file + sources.config
            }
            hooks.setHooks(all)
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
                await runtime.runBoot()
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
