import Foundation
public import Logging
import ServiceLifecycle
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
    private let tracker: ChannelStatusTracker
    private let live = Mutex<SignalRPCConnection?>(nil)
    private let daemon = Mutex<String>("not started")

    public init(settings: SignalSettings, context: any ChannelContext, logger: Logger) {
        self.settings = settings
        self.context = context
        var logger = logger
        logger[metadataKey: "sb.channel"] = "signal"
        self.logger = logger
        self.tracker = ChannelStatusTracker(ChannelAccountStatus(accountId: Self.accountId, name: settings.account, configured: true))
        if settings.cliPath == nil { daemon.withLock { $0 = "external at \(settings.daemonHost):\(settings.daemonPort)" } }
    }

    public func status() -> [ChannelAccountStatus] {
        var status = tracker.snapshot
        let state = daemon.withLock { $0 }
        status.details["daemon"] = state
        if status.lastError == nil, !status.connected { status.lastError = "signal-cli daemon: \(state)" }
        return [status]
    }

    /// The daemon's state for `channels.status` (`running (pid N)`, `exited (…)`, `external …`).
    public var daemonState: String { daemon.withLock { $0 } }

    public func run() async throws {
        tracker.update {
            $0.running = true
            $0.lastStartAtMs = context.nowMs()
        }
        defer {
            tracker.update {
                $0.running = false
                $0.connected = false
            }
        }
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                if let cliPath = self.settings.cliPath {
                    let supervisor = SignalDaemonSupervisor(settings: self.settings, cliPath: cliPath, logger: self.logger) { [self] running, pid, exit in
                        self.daemon.withLock { $0 = running ? "running (pid \(pid ?? 0))" : (exit ?? "stopped") }
                    }
                    group.addTask { await supervisor.run() }
                }
                group.addTask { await self.connectLoop() }
                await group.next()
                group.cancelAll()
            }
        }
    }

    private func connectLoop() async {
        var failures = 0
        while !Task.isCancelled {
            let startedAt = ContinuousClock.now
            do {
                try await SignalRPCConnection.connect(
                    host: settings.daemonHost, port: settings.daemonPort,
                    onNotification: { [self] method, params in
                        if method == "receive", let envelope = params.envelope { await handle(envelope) }
                    }
                ) { [self] connection in
                    // Messages are fetched from Signal only while someone listens (with the
                    // daemon's --receive-mode manual), so none are received into the void.
                    do {
                        _ = try await connection.call("subscribeReceive", [:], timeout: .seconds(10))
                    } catch let failure as SignalRPCConnection.Failure where failure.code != nil {
                        // A daemon that receives on its own (on-start) may refuse; it delivers anyway.
                        logger.debug("signal-cli refused subscribeReceive", metadata: ["error": "\(failure.description)"])
                    }
                    live.withLock { $0 = connection }
                    tracker.update {
                        $0.connected = true
                        $0.lastError = nil
                    }
                    logger.notice("Signal connected to signal-cli", metadata: ["sb.signal.daemon": "\(settings.daemonHost):\(settings.daemonPort)"])
                    // Held open until the daemon closes the socket (the reader ends the group).
                    try await Task.sleep(for: .seconds(86_400 * 365))
                }
            } catch {
                if Task.isCancelled { return }
                tracker.update { $0.lastError = "cannot reach signal-cli at \(settings.daemonHost):\(settings.daemonPort) (\(type(of: error)))" }
            }
            live.withLock { $0 = nil }
            tracker.update { $0.connected = false }
            if Task.isCancelled { return }
            failures = ContinuousClock.now - startedAt > .seconds(60) ? 1 : failures + 1
            let waitMs = settings.retry.delayMs(afterAttempt: failures)
            logger.info("Signal connection ended; retrying", metadata: ["sb.retry.ms": "\(waitMs)"])
            do { try await Task.sleep(for: .milliseconds(waitMs)) } catch { return }
        }
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
        guard let connection = live.withLock({ $0 }) else {
            throw DeliveryFailure("signal-cli is not connected (\(daemonState))", retryable: true, deliveredParts: message.deliveredParts)
        }
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
                let answer = try await connection.call("send", params)
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
