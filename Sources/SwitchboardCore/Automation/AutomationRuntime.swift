import Foundation
import Logging
import ServiceLifecycle
import SwitchboardAutomation
import SwitchboardPluginAPI
import SwitchboardProtocol
import Synchronization

/// The automation side of one gateway: the job store, the scheduler and the `scheduler.yaml`
/// loader, built from configuration. Its one service loads the file, then runs the scheduler.
final class AutomationRuntime: Sendable {
    let store: any JobStoring
    let scheduler: JobScheduler
    let fileSync: SchedulerFileSync
    let enabled: Bool
    let databasePath: String
    /// What became of `scheduler.yaml` at the last start (for `status`).
    let fileOutcome = Mutex<SchedulerFileSync.Outcome?>(nil)

    init(loaded: LoadedConfiguration, store: any JobStoring, agent: AgentRuntime, bus: EventBus, clock: GatewayClock, logger: Logger) {
        let config = loaded.configuration.automation
        self.store = store
        enabled = config.enabled
        databasePath = loaded.paths.databasePath
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
            case .started(let run): bus.broadcast(CronEvent.self, CronJobView.event(run, action: "started", nextRunAtMs: nil, nowMs: now))
            case .finished(let run): bus.broadcast(CronEvent.self, CronJobView.event(run, action: "finished", nextRunAtMs: nil, nowMs: now))
            }
        }
        let directory = config.schedulerDir ?? loaded.paths.stateDir
        fileSync = SchedulerFileSync(
            path: (directory as NSString).appendingPathComponent(ClaraSchedulerFile.fileName), store: store, zone: .current, logger: logger)
    }

    /// Started after the run service (agent jobs start runs), stopped before it.
    var services: [any Service] { enabled ? [AutomationService(runtime: self)] : [] }
}

/// Loads `scheduler.yaml`, then runs the scheduler until shutdown.
struct AutomationService: Service {
    let runtime: AutomationRuntime

    func run() async throws {
        let outcome = await runtime.fileSync.sync(nowMs: SystemSchedulerClock().nowMs())
        runtime.fileOutcome.withLock { $0 = outcome }
        try await runtime.scheduler.run()
    }
}
