import Foundation
import SwitchboardAutomation
import SwitchboardPluginAPI
import SwitchboardProtocol

/// Runs a scheduled job's agent turn through the run service, journaled like any accepted
/// message: `isolated` jobs in their own session (`agent:<id>:cron:<jobId>`), `main` in the main
/// session, `session:<key>` in that one. A `delivery: {mode: "announce"}` sends the answer to
/// `delivery.channel` (default `last`) and `delivery.to` through the outbox.
///
/// A `systemEvent` job queues its text for the main session's heartbeat; `wakeMode: "now"`
/// runs that heartbeat at once, `next-heartbeat` leaves it to the next beat.
struct ScheduledTurnRunner: JobActionRunning {
    let agent: AgentRuntime
    let heartbeat: HeartbeatRuntime
    let delivery: AnswerDelivery
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
            let wakeNow = job.wakeMode != "next-heartbeat"
            do {
                let (_, waiting) = try await heartbeat.queue(text, source: "cron", wakeNow: wakeNow, reason: "cron:\(jobId)")
                let when = wakeNow ? "a heartbeat runs now" : "it waits for the next heartbeat"
                return JobOutcome(status: .ok, summary: "queued as a system event (\(waiting) waiting); \(when)", deliveryStatus: "not-requested")
            } catch let error as GatewayError {
                return JobOutcome(status: .error, error: error.message)
            } catch {
                return JobOutcome(status: .error, error: "\(error)")
            }
        case .command:
            return JobOutcome(status: .error, error: "a command job is run by the scheduler itself")
        }
        switch job.sessionTarget {
        case "main": sessionKey = AgentIdentity.mainSessionKey(agentId: agentId)
        case let target where target.hasPrefix("session:"): sessionKey = String(target.dropFirst("session:".count))
        default: if let key = job.sessionKey, job.sessionTarget == "current" { sessionKey = key }
        }
        let intent = announceIntent(job, agentId: agentId, runId: run.runId)
        if let intent {
            do {
                try await delivery.promise(intent)
            } catch {
                return JobOutcome(status: .error, error: "could not save the delivery before the turn: \(error)")
            }
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
        // nil: the gateway is stopping; a promised delivery is finished at the next start.
        guard let result = await handle.waitForResult() else {
            return JobOutcome(status: .error, error: "the agent turn did not finish (the gateway is stopping)")
        }
        var deliveryStatus = intent == nil ? "not-requested" : "not-delivered"
        var problem: String?
        if let intent {
            switch await delivery.fulfil(intent, text: result.status == .ok ? result.text : nil) {
            case .queued?: deliveryStatus = "delivered"
            case .noTarget(let reason)?, .failed(let reason)?, .storeFailed(let reason)?: problem = "delivery: \(reason)"
            case nil: break
            }
        }
        switch result.status {
        case .ok:
            return JobOutcome(status: .ok, error: problem, summary: result.text, deliveryStatus: deliveryStatus)
        case .error:
            return JobOutcome(status: .error, error: result.errorMessage ?? "the agent turn failed", summary: result.text, deliveryStatus: deliveryStatus)
        case .aborted:
            return JobOutcome(status: .error, error: "the agent turn was aborted (\(result.stopReason ?? "stop"))", deliveryStatus: deliveryStatus)
        }
    }

    /// The promise a job with `delivery: {mode: "announce"}` makes (channel default `last`).
    private func announceIntent(_ job: ScheduledJob, agentId: String, runId: String) -> DeliveryIntent? {
        guard job.delivery?["mode"]?.stringValue == "announce" else { return nil }
        return DeliveryIntent(
            runId: "cron-\(runId)", agentId: agentId, target: job.delivery?["channel"]?.stringValue ?? "last", to: job.delivery?["to"]?.stringValue,
            accountId: job.delivery?["accountId"]?.stringValue, idempotencyKey: "cron:\(runId)")
    }
}
