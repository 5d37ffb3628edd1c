public import AsyncHTTPClient
import Foundation
public import Logging
import ServiceLifecycle
public import SwitchboardPluginAPI
import Synchronization

/// Telegram through the Bot API: long-polls `getUpdates` (the offset is journaled with each
/// message, so a restart never processes an update twice) and delivers replies with
/// `sendMessage`, split at 4096 characters and rendered to escaped HTML.
public final class TelegramConnector: ChannelConnector {
    public let id = "telegram"
    public let label = "Telegram"
    /// One bot per gateway for now.
    public static let accountId = "default"

    let settings: TelegramSettings
    let api: TelegramBotAPI
    let context: any ChannelContext
    let logger: Logger
    private let tracker: ChannelStatusTracker
    private let bot = Mutex<TelegramUser?>(nil)

    public init(settings: TelegramSettings, client: HTTPClient, context: any ChannelContext, logger: Logger) {
        self.settings = settings
        self.api = TelegramBotAPI(client: client, baseURL: settings.apiBaseURL.trimmingCharacters(in: CharacterSet(charactersIn: "/")), token: settings.botToken)
        self.context = context
        var logger = logger
        logger[metadataKey: "sb.channel"] = "telegram"
        self.logger = logger
        self.tracker = ChannelStatusTracker(ChannelAccountStatus(accountId: Self.accountId, configured: true))
    }

    public func status() -> [ChannelAccountStatus] {
        var status = tracker.snapshot
        status.name = bot.withLock { $0?.username.map { "@\($0)" } }
        return [status]
    }

    public func run() async throws {
        await tracker.running(startedAtMs: context.nowMs()) {
            await cancelWhenGracefulShutdown {
                await self.poll()
            }
        }
    }

    /// Polls until cancelled; every failure is logged, shown in status, and retried with backoff.
    private func poll() async {
        var failures = 0
        var offset: Int? = await context.cursor(connector: id, accountId: Self.accountId).flatMap { Int($0) }
        while !Task.isCancelled {
            do throws(TelegramBotAPI.Failure) {
                let me = try await identity()
                let updates = try await api.getUpdates(offset: offset, timeoutSeconds: settings.pollTimeoutSeconds, limit: settings.pollLimit)
                failures = 0
                tracker.update {
                    $0.connected = true
                    $0.lastError = nil
                }
                for update in updates {
                    guard await handle(update, bot: me) else {
                        // Storage failed: fetch the same updates again after a pause.
                        throw TelegramBotAPI.Failure(kind: .transport, code: nil, description: "could not store incoming messages; see the gateway log")
                    }
                    offset = update.updateId + 1
                }
            } catch {
                if Task.isCancelled { return }
                failures += 1
                let waitMs = error.retryAfterSeconds.map { $0 * 1000 } ?? settings.retry.delayMs(afterAttempt: failures)
                let message = Self.explain(error)
                tracker.update {
                    $0.connected = false
                    $0.lastError = message
                }
                logger.warning("Telegram poll failed", metadata: ["error": "\(message)", "sb.retry.ms": "\(waitMs)"])
                do { try await Task.sleep(for: .milliseconds(waitMs)) } catch { return }
            }
        }
    }

    private func identity() async throws(TelegramBotAPI.Failure) -> TelegramUser {
        if let me = bot.withLock({ $0 }) { return me }
        let me = try await api.getMe()
        bot.withLock { $0 = me }
        logger.notice("Telegram bot connected", metadata: ["sb.telegram.bot": "\(me.username ?? "\(me.id)")"])
        return me
    }

    /// Hands one update to the gateway; false when it could not be journaled (poll it again later).
    private func handle(_ update: TelegramUpdate, bot me: TelegramUser) async -> Bool {
        let cursor = ChannelCursor(connector: id, accountId: Self.accountId, value: String(update.updateId + 1))
        guard let message = update.message, let from = message.from, from.isBot != true, let text = message.text ?? message.caption,
            message.chat.type != "channel"
        else {
            await context.skip(cursor: cursor)
            return true
        }
        let isGroup = message.chat.type != "private"
        let inbound = InboundMessage(
            connector: id, channel: "telegram", accountId: Self.accountId, platformMessageId: "\(message.chat.id):\(message.messageId)",
            chatId: String(message.chat.id), chatKind: isGroup ? .group : .direct, senderId: String(from.id), senderName: from.displayName,
            text: isGroup ? Self.removingMention(of: me, from: text) : text, mentioned: isGroup && Self.addresses(message, bot: me, text: text),
            cursor: cursor
        )
        tracker.update { $0.lastInboundAtMs = context.nowMs() }
        if case .failed(let reason) = await context.receive(inbound) {
            logger.error("could not journal a Telegram message; it will be fetched again", metadata: ["error": "\(reason)"])
            return false
        }
        return true
    }

    public func deliver(_ message: OutboxRecord) async throws(DeliveryFailure) -> DeliveryReceipt {
        let parts = MessageSplitter.split(message.text, limit: TelegramSettings.maxMessageLength)
        var delivered = message.deliveredParts
        let replyTo = message.replyTo.flatMap { $0.split(separator: ":").last.flatMap { Int($0) } }
        for (index, part) in parts.enumerated() where index >= delivered.count {
            do {
                let sent = try await send(part, chatId: message.target, replyTo: index == 0 ? replyTo : nil)
                delivered.append(String(sent.messageId))
            } catch {
                throw DeliveryFailure(
                    Self.explain(error), retryable: error.isRetryable, retryAfterMs: error.retryAfterSeconds.map { $0 * 1000 }, deliveredParts: delivered
                )
            }
        }
        tracker.update { $0.lastOutboundAtMs = context.nowMs() }
        return DeliveryReceipt(parts: delivered)
    }

    /// Sends as HTML; if Telegram cannot parse the markup, sends the plain text instead.
    private func send(_ part: String, chatId: String, replyTo: Int?) async throws(TelegramBotAPI.Failure) -> TelegramSentMessage {
        do {
            return try await api.sendMessage(chatId: chatId, text: TelegramHTML.render(part), html: true, replyTo: replyTo)
        } catch where error.code == 400 && error.description.localizedCaseInsensitiveContains("parse entities") {
            logger.info("Telegram refused the HTML markup; sending plain text")
            return try await api.sendMessage(chatId: chatId, text: part, html: false, replyTo: replyTo)
        }
    }

    /// True when a group message is meant for the bot: an @mention, a reply to it, or a command.
    static func addresses(_ message: TelegramMessage, bot: TelegramUser, text: String) -> Bool {
        if message.replyToMessage?.from?.id == bot.id { return true }
        if text.hasPrefix("/") { return true }
        guard let username = bot.username else { return false }
        return text.range(of: "@\(username)", options: .caseInsensitive) != nil
    }

    static func removingMention(of bot: TelegramUser, from text: String) -> String {
        guard let username = bot.username else { return text }
        return text.replacingOccurrences(of: "@\(username)", with: "", options: .caseInsensitive).trimmingWhitespace
    }

    /// A failure phrased for status and logs: what happened and what to check.
    static func explain(_ failure: TelegramBotAPI.Failure) -> String {
        switch failure.code {
        case 401: "unauthorized: Telegram rejected the bot token (check channels.telegram.botToken or TELEGRAM_BOT_TOKEN)"
        case 403: "forbidden: \(failure.description) (the user blocked the bot or it was removed from the chat)"
        case 409: "conflict: \(failure.description) (another process polls this bot, or a webhook is set)"
        case 429: "rate limited by Telegram; retrying after \(failure.retryAfterSeconds ?? 1) s"
        default: failure.description
        }
    }
}
