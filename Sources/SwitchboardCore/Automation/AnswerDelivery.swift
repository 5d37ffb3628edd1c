import SwitchboardChannels
import SwitchboardPluginAPI
import SwitchboardProtocol

/// Sends an answer the agent produced on its own (a heartbeat alert, a cron job's announce, a
/// `POST /hooks/agent` turn) to a chat, through the durable outbox: queued once under its
/// idempotency key, delivered with retries, never twice.
struct AnswerDelivery: Sendable {
    let channels: ChannelRuntime
    let clock: GatewayClock

    enum Outcome: Equatable {
        /// In the outbox for `channel`/`to`.
        case queued(channel: String, to: String, accountId: String)
        /// Nowhere to send it (`none`, no chat yet for `last`, a channel without `to`).
        case noTarget(String)
        case failed(String)
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
                return .failed("could not read the last chat: \(error)")
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
            return .failed("could not queue the message: \(error)")
        }
    }
}
