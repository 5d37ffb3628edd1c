import Logging
import SwitchboardAgent
import SwitchboardPluginAPI

/// The run journal's side of the run service: an acknowledged run is `queued` from its ack
/// (``RunStarter``), `running` before its first output, `done` with its outcome; a stop puts
/// off runs not yet started, and the next start resumes them in arrival order.
extension AgentRunService {
    /// Records the outcome in the journal and the run's tokens in its session, in one commit
    /// for a journaled run.
    func journalFinished(_ handle: RunHandle, _ result: RunResult) async {
        guard !result.outcomeRecorded else { return }
        let usage =
            result.usage.input + result.usage.output > 0
            ? SessionUsage(sessionKey: handle.sessionKey, input: result.usage.input, output: result.usage.output) : nil
        guard handle.request.journaled, !(handle.isDeferred && result.startedAtMs == nil) else {
            if let usage { try? await sessions.addUsage(key: usage.sessionKey, input: usage.input, output: usage.output, nowMs: clock.nowMs()) }
            return
        }
        let summary: String? =
            switch result.status {
            case .ok: nil
            case .error: result.errorMessage
            case .aborted where result.stopReason == "shutdown": "interrupted by a gateway stop"
            case .aborted: "aborted (\(result.stopReason ?? "rpc"))"
            }
        do {
            try await journal.markDone(runId: handle.runId, outcome: result.status.rawValue, summary: summary, usage: usage, reply: nil, nowMs: clock.nowMs())
        } catch {
            logger.error("could not journal a run outcome", metadata: ["sb.run.id": "\(handle.runId)", "error": "\(String(describing: error).prefix(200))"])
        }
    }

    /// After a start: runs a crash left `running` are interrupted (never run twice); runs
    /// still `queued` are queued again in arrival order, each behind its session's earlier ones.
    func resumeJournaledRuns() async {
        do {
            let interrupted = try await journal.interruptRunning(nowMs: clock.nowMs())
            if interrupted > 0 { logger.notice("acknowledged runs cut short by the last stop marked interrupted", metadata: ["sb.runs": "\(interrupted)"]) }
            let queued = try await journal.queued()
            for record in queued {
                let request = RunRequest(
                    runId: record.runId, sessionKey: record.sessionKey, agentId: record.agentId, message: record.message,
                    origin: record.origin == "agent" ? .agent : .chat, connectionId: nil, timeoutMs: record.timeoutMs, model: record.model,
                    extraSystemPrompt: record.extraSystemPrompt, observer: nil, journaled: true
                )
                _ = try start(request, resumed: true)
            }
            if !queued.isEmpty { logger.notice("resumed acknowledged runs left queued by the last stop", metadata: ["sb.runs": "\(queued.count)"]) }
        } catch {
            logger.error("could not resume queued runs", metadata: ["error": "\(String(describing: error).prefix(200))"])
        }
    }

    /// Finished runs are kept this long for deduplication of late retries, then pruned.
    static let journalRetentionMs = 7 * 24 * 3_600_000

    /// Prunes the journal at start and hourly; ends when the service's group is cancelled.
    func pruneJournalPeriodically() async {
        repeat {
            do {
                let removed = try await journal.prune(olderThanMs: clock.nowMs() - Self.journalRetentionMs)
                if removed > 0 { logger.info("pruned finished runs from the journal", metadata: ["sb.rows": "\(removed)"]) }
            } catch {
                logger.error("could not prune the run journal", metadata: ["error": "\(String(describing: error).prefix(200))"])
            }
        } while (try? await Task.sleep(for: .seconds(3600))) != nil
    }
}
