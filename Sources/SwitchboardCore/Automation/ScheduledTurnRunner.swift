import Foundation
import SwitchboardAutomation
import SwitchboardPluginAPI
import SwitchboardProtocol

/// Runs a scheduled job's agent turn through the run service, journaled like any accepted
/// message: `isolated` jobs in their own session (`agent:<id>:cron:<jobId>`), `main` in the main
/// session, `session:<key>` in that one.
///
/// A `systemEvent` runs now as a turn of the main session with the text marked as a system
/// event (Switchboard has no heartbeat queue yet, so `next-heartbeat` also runs now).
struct ScheduledTurnRunner: JobActionRunning {
    let agent: AgentRuntime
    let clock: GatewayClock

    func run(_ job: ScheduledJob, jobId: String, run: JobRun) async -> JobOutcome {
        let agentId = job.agentId ?? AgentConfiguration.defaultAgentId
        let message: String
        let model: String?
        var timeoutMs = agent.config.timeoutSeconds * 1000
        var sessionKey: String
        switch job.action {
        case .agentTurn(let text, let chosenModel, let timeoutSeconds):
            message = text
            model = chosenModel
            if let timeoutSeconds, timeoutSeconds > 0 { timeoutMs = Int(timeoutSeconds * 1000) }
            sessionKey = "agent:\(agentId):cron:\(jobId)"
        case .systemEvent(let text):
            message = "[System event] \(text)"
            model = nil
            sessionKey = AgentIdentity.mainSessionKey(agentId: agentId)
        case .command:
            return JobOutcome(status: .error, error: "a command job is run by the scheduler itself")
        }
        switch job.sessionTarget {
        case "main": sessionKey = AgentIdentity.mainSessionKey(agentId: agentId)
        case let target where target.hasPrefix("session:"): sessionKey = String(target.dropFirst("session:".count))
        default: if let key = job.sessionKey, job.sessionTarget == "current" { sessionKey = key }
        }
        let request = RunRequest(
            runId: "cron-\(run.runId)", sessionKey: sessionKey, agentId: agentId, message: message, origin: .agent, connectionId: nil, timeoutMs: timeoutMs,
            model: model, extraSystemPrompt: nil)
        let handle: RunHandle
        do {
            switch try await RunStarter.start(request, agent: agent, clock: clock) {
            case .started(let started): handle = started
            case .duplicate(let record): return JobOutcome(status: .error, error: "the turn \(record.runId) was already accepted")
            }
        } catch {
            return JobOutcome(status: .error, error: "could not start the agent turn: \(error)")
        }
        guard let result = await handle.waitForResult() else {
            return JobOutcome(status: .error, error: "the agent turn did not finish (the gateway is stopping)")
        }
        let delivery = job.delivery?["mode"]?.stringValue
        let deliveryStatus = delivery == nil || delivery == "none" ? "not-requested" : "not-delivered"
        switch result.status {
        case .ok: return JobOutcome(status: .ok, summary: result.text, deliveryStatus: deliveryStatus)
        case .error: return JobOutcome(status: .error, error: result.errorMessage ?? "the agent turn failed", summary: result.text, deliveryStatus: deliveryStatus)
        case .aborted: return JobOutcome(status: .error, error: "the agent turn was aborted (\(result.stopReason ?? "stop"))", deliveryStatus: deliveryStatus)
        }
    }
}
