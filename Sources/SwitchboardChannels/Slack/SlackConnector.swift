public import AsyncHTTPClient
import Foundation
public import Logging
import ServiceLifecycle
public import SwitchboardPluginAPI
import Synchronization

/// Slack through Socket Mode (no public URL): `message` and `app_mention` events from DMs,
/// channels and threads; replies with `chat.postMessage` in the same thread, Markdown turned
/// into mrkdwn, split at 4,000 characters with code fences kept.
public final class SlackConnector: ChannelConnector {
    public let id = "slack"
    public let label = "Slack"
    public static let accountId = "default"

    let settings: SlackSettings
    let api: SlackWebAPI
    let context: any ChannelContext
    let logger: Logger
    private let tracker: ChannelStatusTracker
    private let botUserId = Mutex<String?>(nil)

    public init(settings: SlackSettings, client: HTTPClient, context: any ChannelContext, logger: Logger) {
        self.settings = settings
        var base = settings.apiBaseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.api = SlackWebAPI(client: client, baseURL: base, appToken: settings.appToken, botToken: settings.botToken)
        self.context = context
        var logger = logger
        logger[metadataKey: "sb.channel"] = "slack"
        self.logger = logger
        self.tracker = ChannelStatusTracker(ChannelAccountStatus(accountId: Self.accountId, configured: true))
    }

    public func status() -> [ChannelAccountStatus] {
        var status = tracker.snapshot
        status.name = botUserId.withLock { $0 }
        return [status]
    }

    public func run() async throws {
        await tracker.running(startedAtMs: context.nowMs()) {
            await cancelWhenGracefulShutdown {
                await self.connectLoop()
            }
        }
    }

    /// Opens Socket Mode connections until cancelled; a refresh reconnects at once, failures
    /// back off, and refused tokens wait longer (they are shown in `channels.status`).
    private func connectLoop() async {
        var failures = 0
        let session = SlackSocketSession(
            logger: logger,
            onHello: { [tracker] in
                tracker.update {
                    $0.connected = true
                    $0.lastError = nil
                }
            },
            onEvent: { [self] event in await handle(event) }
        )
        while !Task.isCancelled {
            do throws(SlackWebAPI.Failure) {
                if botUserId.withLock({ $0 }) == nil {
                    let id = try await api.botUserId()
                    botUserId.withLock { $0 = id }
                    logger.notice("Slack bot connected", metadata: ["sb.slack.bot": "\(id)"])
                }
                let url = try await api.openConnection()
                let ending = await session.run(url: url)
                tracker.update { $0.connected = false }
                if ending == .reconnect {
                    failures = 0
                    continue
                }
                failures += 1
            } catch {
                failures += 1
                let message = error.isAuth
                    ? "Slack refused a token (\(error.error ?? "")): check channels.slack.appToken (xapp-…, connections:write) and botToken (xoxb-…, chat:write)"
                    : error.description
                tracker.update {
                    $0.connected = false
                    $0.lastError = message
                }
                logger.warning("Slack connection failed", metadata: ["error": "\(message)"])
            }
            if Task.isCancelled { return }
            let waitMs = settings.retry.delayMs(afterAttempt: failures)
            do { try await Task.sleep(for: .milliseconds(waitMs)) } catch { return }
        }
    }

    /// Journals one event's message; false when it could not be stored (it is then not
    /// acknowledged, so Slack sends it again).
    private func handle(_ event: SlackEvent) async -> Bool {
        guard event.type == "message" || event.type == "app_mention", event.subtype == nil || event.subtype == "thread_broadcast",
            event.botId == nil, let user = event.user, let channel = event.channel, let ts = event.ts,
            let me = botUserId.withLock({ $0 }), user != me
        else { return true }
        let text = (event.text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return true }
        let direct = event.channelType == "im" || (event.channelType == nil && channel.hasPrefix("D"))
        let mentioned = event.type == "app_mention" || text.contains("<@\(me)>")
        // Replies stay in the thread; a channel message starts one; DMs stay flat.
        let thread = event.threadTs ?? (direct ? nil : ts)
        let inbound = InboundMessage(
            connector: id, channel: "slack", accountId: Self.accountId, platformMessageId: "\(channel):\(ts)",
            chatId: thread.map { "\(channel):\($0)" } ?? channel, chatKind: direct ? .direct : .group, senderId: user, senderName: nil,
            text: direct ? text : text.replacingOccurrences(of: "<@\(me)>", with: "").trimmingCharacters(in: .whitespacesAndNewlines), mentioned: mentioned,
            cursor: nil
        )
        tracker.update { $0.lastInboundAtMs = context.nowMs() }
        if case .failed(let reason) = await context.receive(inbound) {
            logger.error("could not journal a Slack message; Slack will send it again", metadata: ["error": "\(reason)"])
            return false
        }
        return true
    }

    public func deliver(_ message: OutboxRecord) async throws(DeliveryFailure) -> DeliveryReceipt {
        // The target is `channel` or `channel:thread_ts`.
        let target = message.target.split(separator: ":", maxSplits: 1).map(String.init)
        let channel = target[0]
        let thread = target.count > 1 ? target[1] : nil
        let parts = MessageSplitter.split(message.text, limit: SlackSettings.maxMessageLength)
        var delivered = message.deliveredParts
        for (index, part) in parts.enumerated() where index >= delivered.count {
            do {
                delivered.append(try await api.postMessage(channel: channel, text: SlackMrkdwn.render(part), threadTs: thread))
            } catch {
                throw DeliveryFailure(error.description, retryable: error.isRetryable, retryAfterMs: error.retryAfterMs, deliveredParts: delivered)
            }
        }
        tracker.update { $0.lastOutboundAtMs = context.nowMs() }
        return DeliveryReceipt(parts: delivered)
    }
}
