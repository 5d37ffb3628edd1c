import Foundation
public import Logging
public import ServiceLifecycle
public import SwitchboardPluginAPI
import Synchronization

/// Signal through signal-cli's JSON-RPC daemon: `receive` notifications for direct and group
/// messages, `send` for replies (split at 4,000 characters). The daemon is started and
/// supervised here when `cliPath` is set, else connected to; either way a lost connection is
/// retried with backoff, and `channels.status` shows the account and the daemon's state.
public final class SignalConnector: ChannelConnector {
    public let id = "signal"
    public let label = "Signal"
    public static let accountId = "default"

    let settings: SignalSettings
    let context: any ChannelContext
    let logger: Logger
    /// The daemon connection, a service that outlives this one at shutdown (replies drain).
    let link: SignalLink
    public var deliveryServices: [any Service] { [link] }
    private let tracker: ChannelStatusTracker

    public init(settings: SignalSettings, context: any ChannelContext, logger: Logger) {
        self.settings = settings
        self.context = context
        var logger = logger
        logger[metadataKey: "sb.channel"] = "signal"
        self.logger = logger
        self.link = SignalLink(settings: settings, logger: logger)
        self.tracker = ChannelStatusTracker(ChannelAccountStatus(accountId: Self.accountId, name: settings.account, configured: true))
    }

    public func status() -> [ChannelAccountStatus] {
        var status = tracker.snapshot
        let link = link.snapshot
        status.connected = link.connected
        status.lastError = link.lastError ?? (link.connected ? nil : "signal-cli daemon: \(link.daemon)")
        status.details["daemon"] = link.daemon
        return [status]
    }

    /// Receives while running: subscribed at start, unsubscribed first thing at shutdown.
    public func run() async throws {
        tracker.update {
            $0.running = true
            $0.lastStartAtMs = context.nowMs()
        }
        defer { tracker.update { $0.running = false } }
        await link.startReceiving { [self] envelope in await handle(envelope) }
        try? await gracefulShutdown()
        await link.stopReceiving()
    }

    private func handle(_ envelope: SignalEnvelope) async {
        guard let data = envelope.dataMessage, let sender = envelope.sender, sender != settings.account,
            let text = data.message?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty
        else { return }
        let group = data.groupInfo?.groupId
        let mentioned = data.mentions?.contains { $0.number == settings.account } == true
        let timestamp = data.timestamp ?? envelope.timestamp ?? 0
        let inbound = InboundMessage(
            connector: id, channel: "signal", accountId: Self.accountId, platformMessageId: "\(sender):\(timestamp)",
            chatId: group.map { "group:\($0)" } ?? sender, chatKind: group == nil ? .direct : .group, senderId: sender,
            senderName: envelope.sourceName, text: text, mentioned: mentioned, cursor: nil
        )
        tracker.update { $0.lastInboundAtMs = context.nowMs() }
        if case .failed(let reason) = await context.receive(inbound) {
            logger.error("could not journal a Signal message", metadata: ["error": "\(reason)"])
        }
    }

    public func deliver(_ message: OutboxRecord) async throws(DeliveryFailure) -> DeliveryReceipt {
        let parts = MessageSplitter.split(message.text, limit: SignalSettings.maxMessageLength)
        var delivered = message.deliveredParts
        for (index, part) in parts.enumerated() where index >= delivered.count {
            var params: [String: any Sendable] = ["message": part]
            if message.target.hasPrefix("group:") {
                params["groupId"] = String(message.target.dropFirst("group:".count))
            } else {
                params["recipient"] = [message.target]
            }
            do {
                let answer = try await link.call("send", params)
                delivered.append(String(answer.result?.timestamp ?? 0))
            } catch let failure as SignalRPCConnection.Failure {
                // signal-cli's -32602 and friends: a bad recipient will not get better.
                let permanent = (failure.code ?? 0) <= -32600 && (failure.code ?? 0) >= -32603
                throw DeliveryFailure("signal-cli: \(failure.description)", retryable: !permanent, deliveredParts: delivered)
            } catch {
                throw DeliveryFailure("signal-cli: \(error)", retryable: true, deliveredParts: delivered)
            }
        }
        tracker.update { $0.lastOutboundAtMs = context.nowMs() }
        return DeliveryReceipt(parts: delivered)
    }
}
