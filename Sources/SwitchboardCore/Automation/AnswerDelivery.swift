import Foundation
import Logging
import SwitchboardAutomation
import SwitchboardChannels
import SwitchboardPluginAPI
import SwitchboardProtocol

/// Sends an answer the agent produced on its own (a heartbeat alert, a cron job's announce, a
/// `POST /hooks/agent` turn) to a chat, through the durable outbox: queued once under its
/// idempotency key, delivered with retries, never twice.
///
/// An answer promised before its run starts (``promise(_:)``) survives a crash between the run's
/// end and the delivery: ``recover(agent:logger:)`` finishes it at the next start.
struct AnswerDelivery: Sendable {
    let channels: ChannelRuntime
    let clock: GatewayClock
    let intents: (any DeliveryIntentStoring)?

    enum Outcome: Equatable {
        /// In the outbox for `channel`/`to`.
        case queued(channel: String, to: String, accountId: String)
        /// Nowhere to send it (`none`, no chat yet for `last`, a channel without `to`).
        case noTarget(String)
        /// The chat cannot take it (an unknown channel, a missing adapter).
        case failed(String)
        /// The database could not be read or written: worth trying again later.
        case storeFailed(String)
    }

    /// - Parameters:
    ///   - target: `none`, `last` (the chat that last wrote to `agentId`), or a channel name.
    ///   - to: the chat on a named channel.
    func deliver(_ text: String, target: String, to: String?, accountId: String?, agentId: String, idempotencyKey: String) async -> Outcome {
        let message: NewOutboxMessage
        switch target {
        case "none", "":
            return .noTarget("no-target")
        case "last":
            let last: InboundRecord?
            do {
                last = try await channels.store.lastInbound(agentId: agentId)
            } catch {
                return .storeFailed("could not read the last chat: \(error)")
            }
            guard let last else { return .noTarget("no chat has written to the agent yet (target last)") }
            message = NewOutboxMessage(
                idempotencyKey: idempotencyKey, connector: last.connector, channel: last.channel, accountId: last.accountId, target: last.target, text: text,
                replyTo: nil)
        default:
            guard let to, !to.isEmpty else { return .noTarget("target \(target) needs a chat id (to)") }
            do {
                let route = try ChannelMethods.route(channel: target, accountId: accountId, channels: channels)
                message = NewOutboxMessage(
                    idempotencyKey: idempotencyKey, connector: route.connector, channel: route.channel, accountId: route.accountId, target: to, text: text,
                    replyTo: nil)
            } catch let error as GatewayError {
                return .failed(error.message)
            } catch {
                return .failed("\(error)")
            }
        }
        do {
            let (record, created) = try await channels.store.enqueueOutbox(message, nowMs: clock.nowMs())
            if created { channels.outbox.poke() }
            return .queued(channel: record.channel, to: record.target, accountId: record.accountId)
        } catch {
            return .storeFailed("could not queue the message: \(error)")
        }
    }

    /// Stores the promise before the run starts; a failure means the run must not be accepted.
    func promise(_ intent: DeliveryIntent) async throws {
        try await intents?.saveIntent(intent, nowMs: clock.nowMs())
    }

    /// Delivers a finished run's answer as promised (nothing for an empty, `NO_REPLY` or
    /// `HEARTBEAT_OK` answer, or a failed run: `text` nil) and forgets the promise.
    func fulfil(_ intent: DeliveryIntent, text: String?) async -> Outcome? {
        var outcome: Outcome?
        if let text = Self.deliverable(text) {
            outcome = await deliver(
                text, target: intent.target, to: intent.to, accountId: intent.accountId, agentId: intent.agentId, idempotencyKey: intent.idempotencyKey)
            // A store failure keeps the promise for the next start.
            if case .storeFailed? = outcome { return outcome }
        }
        try? await intents?.removeIntent(runId: intent.runId)
        return outcome
    }

    /// The text worth sending, or nil.
    static func deliverable(_ text: String?) -> String? {
        guard let trimmed = text?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty, trimmed != BootFile.silentReplyToken,
            HeartbeatReply.classify(trimmed, ackMaxChars: 0) != .acknowledged
        else { return nil }
        return trimmed
    }

    /// At start: promises whose run finished while the gateway went down are delivered now;
    /// runs the last stop left queued are waited for (they were resumed before this runs); the
    /// promises of runs that were cut off are dropped.
    func recover(agent: AgentRuntime, logger: Logger) async {
        guard let intents, let pending = try? await intents.intents(), !pending.isEmpty else { return }
        for intent in pending {
            var text: String?
            if let handle = agent.runs.run(intent.runId) {
                guard let result = await handle.waitForResult() else { return }
                text = result.status == .ok ? result.text : nil
            } else if let record = try? await agent.runs.journal.run(id: intent.runId), record.state == .done, record.outcome == "ok" {
                text = await Self.answer(of: record, sessions: agent.sessions) ?? record.summary
            }
            let outcome = await fulfil(intent, text: text)
            logger.notice("answer promised before the last stop", metadata: ["sb.run": "\(intent.runId)", "outcome": "\(outcome.map { "\($0)" } ?? "nothing to send")"])
        }
    }

    /// The run's final answer from its session's transcript (the journal keeps only a summary).
    static func answer(of record: RunRecord, sessions: any SessionStoring) async -> String? {
        guard let session = try? await sessions.session(key: record.sessionKey),
            let entries = try? await sessions.transcript(sessionId: session.sessionId, limit: 200)
        else { return nil }
        return entries.last { $0.message.runId == record.runId && $0.message.role == "assistant" }?.message.text
    }
}
