import Foundation
import Logging
import ServiceLifecycle
import SwitchboardAutomation
import SwitchboardPluginAPI
import SwitchboardProtocol

/// What `POST <hooks.path>/agent` asked for.
struct WebhookTurn: Sendable {
    var message: String
    var name = "webhook"
    var agentId = AgentConfiguration.defaultAgentId
    var sessionKey = ""
    /// When set, a one-line summary of the turn waits for the main session's heartbeat (`now`
    /// runs that heartbeat at once); when nil the turn leaves no summary there.
    var wakeMode: String?
    var deliver = true
    var channel = "last"
    var to: String?
    var model: String?
    var timeoutMs: Int?
}

/// Starts webhook turns (journaled before the 202) and follows each to its end: the answer is
/// delivered when asked, and with `wakeMode` a one-line summary waits for the main session's heartbeat. The
/// following happens here, in a service that owns the waits, not in the HTTP request.
final class WebhookTurns: Service, Sendable {
    struct Accepted {
        var runId: String
        var sessionKey: String
        var duplicate: Bool
    }

    private let agent: AgentRuntime
    private let heartbeat: HeartbeatRuntime
    private let delivery: AnswerDelivery
    private let clock: GatewayClock
    private let logger: Logger
    private let started: (stream: AsyncStream<(WebhookTurn, RunHandle)>, continuation: AsyncStream<(WebhookTurn, RunHandle)>.Continuation)

    /// Longest summary left in the main session.
    static let summaryChars = 500

    init(agent: AgentRuntime, heartbeat: HeartbeatRuntime, delivery: AnswerDelivery, clock: GatewayClock, logger: Logger) {
        self.agent = agent
        self.heartbeat = heartbeat
        self.delivery = delivery
        self.clock = clock
        self.logger = logger
        // Bounded by the run service's own capacity: only accepted runs are yielded.
        started = AsyncStream.makeStream(bufferingPolicy: .unbounded)
    }

    func start(_ turn: WebhookTurn, runId: String) async throws -> Accepted {
        let prompt = "Webhook \(turn.name):\n" + UntrustedContent.wrap(turn.message, source: "webhook \(turn.name)")
        if turn.deliver {
            do {
                try await delivery.promise(
                    DeliveryIntent(runId: runId, agentId: turn.agentId, target: turn.channel, to: turn.to, accountId: nil, idempotencyKey: "hook:\(runId)"))
            } catch {
                throw StoreFailure.error(error, doing: "saving the webhook's delivery", logger: logger)
            }
        }
        let request = RunRequest(
            runId: runId, sessionKey: turn.sessionKey, agentId: turn.agentId, message: prompt, origin: .agent, connectionId: nil,
            timeoutMs: turn.timeoutMs ?? agent.config.timeoutSeconds * 1000, model: turn.model, extraSystemPrompt: nil)
        switch try await RunStarter.start(request, agent: agent, clock: clock) {
        case .started(let handle):
            logger.info("webhook turn accepted", metadata: ["sb.run": "\(runId)", "hook": "\(turn.name)"])
            started.continuation.yield((turn, handle))
            return Accepted(runId: runId, sessionKey: turn.sessionKey, duplicate: false)
        case .duplicate(let record):
            return Accepted(runId: record.runId, sessionKey: record.sessionKey, duplicate: true)
        }
    }

    func run() async throws {
        await withDiscardingTaskGroup { group in
            group.addTask {
                try? await gracefulShutdown()
                self.started.continuation.finish()
            }
            // Answers promised before the last stop (webhook turns and cron announces alike).
            group.addTask { await self.delivery.recover(agent: self.agent, logger: self.logger) }
            for await (turn, handle) in started.stream {
                group.addTask { await self.follow(turn, handle) }
            }
        }
    }

    private func follow(_ turn: WebhookTurn, _ handle: RunHandle) async {
        guard let result = await handle.waitForResult() else { return }
        let runId = handle.request.runId
        let text = result.text.trimmingCharacters(in: .whitespacesAndNewlines)
        var outcome = result.status == .ok ? "answered" : "failed: \(result.errorMessage ?? result.stopReason ?? "\(result.status)")"
        if turn.deliver {
            let intent = DeliveryIntent(runId: runId, agentId: turn.agentId, target: turn.channel, to: turn.to, accountId: nil, idempotencyKey: "hook:\(runId)")
            switch await delivery.fulfil(intent, text: result.status == .ok ? text : nil) {
            case .queued(let channel, let to, _)?: outcome += "; sent to \(channel) \(to)"
            case .noTarget(let reason)?, .failed(let reason)?, .storeFailed(let reason)?: outcome += "; not delivered (\(reason))"
            case nil: break
            }
        }
        logger.info("webhook turn finished", metadata: ["sb.run": "\(runId)", "hook": "\(turn.name)", "outcome": "\(outcome)"])
        guard let wakeMode = turn.wakeMode else { return }
        let summary = "Webhook \(turn.name) (\(turn.sessionKey)) \(outcome): \(text.prefix(Self.summaryChars))"
        do {
            _ = try await heartbeat.queue(summary, source: "webhook", wakeNow: wakeMode == "now", reason: "hook:\(turn.name)")
        } catch {
            logger.notice("webhook summary not queued for the heartbeat", metadata: ["sb.run": "\(runId)", "error": "\(error)"])
        }
    }
}
