import Foundation
import Logging
import ServiceLifecycle
import SwitchboardAutomation
import SwitchboardPluginAPI

/// Applies the config's automation on start and on every hot reload: `automation.hooks` join
/// `hooks.yaml`'s hooks, `automation.jobs` become the jobs `config:<name>`, and the heartbeat
/// looks at its (possibly changed) interval again.
struct AutomationConfigSync: Service {
    let runtime: AutomationRuntime
    let live: LiveConfiguration

    func run() async throws {
        // Subscribed before the first apply, so a reload in between is not missed.
        let changes = live.changes()
        await apply(live.current.automation)
        for await configuration in changes.cancelOnGracefulShutdown() {
            await apply(configuration.automation)
            runtime.heartbeat.scheduler.reconfigure()
        }
    }

    private func apply(_ automation: AutomationConfiguration) async {
        do {
            runtime.setConfigHooks(try AutomationListParser.hooks(automation.hooks))
        } catch {
            runtime.logger.error("automation.hooks rejected", metadata: ["problem": "\(error.description)"])
        }
        guard runtime.enabled else { return }
        do {
            let tasks = try AutomationListParser.tasks(automation.jobs)
            try await SchedulerFileSync.store(tasks, source: "config", nowMs: SystemSchedulerClock().nowMs(), store: runtime.store)
            runtime.scheduler.jobsChanged()
        } catch let error as AutomationFileError {
            runtime.logger.error("automation.jobs rejected", metadata: ["problem": "\(error.description)"])
        } catch is CancellationError {
            // The start was called off: the next start stores them.
        } catch {
            runtime.logger.error("could not store automation.jobs", metadata: ["error": "\(error)"])
        }
    }
}
