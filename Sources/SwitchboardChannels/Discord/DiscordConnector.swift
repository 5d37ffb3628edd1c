public import AsyncHTTPClient
import Foundation
public import Logging
import ServiceLifecycle
public import SwitchboardPluginAPI
import Synchronization

/// Discord through a bot: the gateway WebSocket for incoming messages (DMs, and guild channels
/// filtered by `guilds`/`channels`/`roles`; mention gating and DM pairing are the channel's
/// access policy), and the REST API for replies, split at 2,000 characters with code fences
/// kept, under Discord's rate limits, with "typing…" shown while the agent writes.
public final class DiscordConnector: ChannelConnector {
    public let id = "discord"
    public let label = "Discord"
    public static let accountId = "default"

    let settings: DiscordSettings
    let rest: DiscordREST
    let context: any ChannelContext
    let logger: Logger
    private let tracker: ChannelStatusTracker
    private let bot = Mutex<DiscordUser?>(nil)
    /// Channels to show "typing…" in, sent by ``run()``'s typing task (a few at most wait).
    private let typing = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(16))
    /// Answers streamed into one edited message (`streamEdits`).
    private let streaming = DiscordStreamingReplies()

    public init(settings: DiscordSettings, client: HTTPClient, context: any ChannelContext, logger: Logger) {
        self.settings = settings
        var base = settings.apiBaseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.rest = DiscordREST(client: client, baseURL: base, token: settings.botToken, limiter: DiscordRateLimiter())
        self.context = context
        var logger = logger
        logger[metadataKey: "sb.channel"] = "discord"
        self.logger = logger
        self.tracker = ChannelStatusTracker(ChannelAccountStatus(accountId: Self.accountId, configured: true))
    }

    public func status() -> [ChannelAccountStatus] {
        var status = tracker.snapshot
        status.name = bot.withLock { $0?.username }
        return [status]
    }

    public func run() async throws {
        await tracker.running(startedAtMs: context.nowMs()) {
            await cancelWhenGracefulShutdown {
                await withTaskGroup(of: Void.self) { group in
                    group.addTask { await self.connectLoop() }
                    group.addTask {
                        for await channelId in self.typing.stream {
                            try? await self.rest.triggerTyping(channelId: channelId)
                        }
                    }
                    group.addTask {
                        for await key in self.streaming.pending.stream {
                            await self.streaming.work(key, rest: self.rest, nowMs: DiscordREST.nowMs())
                        }
                    }
                    // The connection loop ends only at shutdown; typing ends with it.
                    await group.next()
                    group.cancelAll()
                }
            }
        }
    }

    /// Connects until cancelled: resumes the session after a drop, identifies anew when it is
    /// gone, waits with backoff between failures, and stops on a refused token or intents.
    private func connectLoop() async {
        // The session stored with the last journaled message: a restart resumes it.
        var resumable = DiscordGatewaySession.Resumable.decode(await context.cursor(connector: id, accountId: Self.accountId))
        if let user = resumable?.user { bot.withLock { $0 = user } }
        var failures = 0
        let session = DiscordGatewaySession(
            settings: settings, logger: logger,
            onReady: { [self] user in
                bot.withLock { $0 = user }
                tracker.update {
                    $0.connected = true
                    $0.lastError = nil
                }
                logger.notice("Discord bot connected", metadata: ["sb.discord.bot": "\(user.username ?? user.id)"])
            },
            onMessage: { [self] message, session in await handle(message, session: session) }
        )
        while !Task.isCancelled {
            let startedAt = ContinuousClock.now
            let (ending, next) = await session.run(resume: resumable)
            resumable = next
            tracker.update { $0.connected = false }
            if Task.isCancelled { return }
            if case .fatal(let reason) = ending {
                tracker.update { $0.lastError = reason }
                logger.error("Discord connector stopped", metadata: ["error": "\(reason)"])
                // Idle until the gateway stops: the rest of it keeps running.
                try? await gracefulShutdown()
                return
            }
            // A connection that lasted a while was healthy: start the backoff over.
            failures = ContinuousClock.now - startedAt > .seconds(60) ? 1 : failures + 1
            let waitMs = ending == .resume && failures == 1 ? 0 : settings.retry.delayMs(afterAttempt: failures)
            logger.info("Discord gateway disconnected", metadata: ["sb.next": "\(ending == .resume ? "resume" : "identify")", "sb.retry.ms": "\(waitMs)"])
            if waitMs > 0 {
                do { try await Task.sleep(for: .milliseconds(waitMs)) } catch { return }
            }
        }
    }

    /// One `MESSAGE_CREATE`: the bot's own and other bots' messages, and guild messages outside
    /// `guilds`/`channels`/`roles`, are ignored; the rest goes to the gateway's journal.
    private func handle(_ message: DiscordMessage, session: DiscordGatewaySession.Resumable?) async {
        let cursor = session.map { ChannelCursor(connector: id, accountId: Self.accountId, value: $0.encoded) }
        guard let me = bot.withLock({ $0 }), message.author.id != me.id, message.author.bot != true, accepts(message) else {
            if let cursor { await context.skip(cursor: cursor) }
            return
        }
        let text = message.content.trimmingCharacters(in: .whitespacesAndNewlines)
        let mentioned = Self.addresses(message, bot: me)
        let inbound = InboundMessage(
            connector: id, channel: "discord", accountId: Self.accountId, platformMessageId: "\(message.channelId):\(message.id)",
            chatId: message.channelId, chatKind: message.guildId == nil ? .direct : .group, senderId: message.author.id,
            senderName: message.author.displayName, text: message.guildId == nil ? text : Self.removingMention(of: me, from: text), mentioned: mentioned,
            cursor: cursor
        )
        tracker.update { $0.lastInboundAtMs = context.nowMs() }
        if case .failed(let reason) = await context.receive(inbound) {
            logger.error("could not journal a Discord message", metadata: ["error": "\(reason)"])
        }
    }

    /// Text, and within the guild/channel/role allowlists when in a guild.
    private func accepts(_ message: DiscordMessage) -> Bool {
        guard !message.content.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return false }
        guard let guild = message.guildId else { return true }
        guard settings.guilds.isEmpty || settings.guilds.contains(guild) else { return false }
        guard settings.channels.isEmpty || settings.channels.contains(message.channelId) else { return false }
        return settings.roles.isEmpty || !Set(message.member?.roles ?? []).isDisjoint(with: settings.roles)
    }

    public func deliver(_ message: OutboxRecord) async throws(DeliveryFailure) -> DeliveryReceipt {
        let parts = MessageSplitter.split(message.text, limit: DiscordSettings.maxMessageLength)
        var delivered = message.deliveredParts
        let replyTo = message.replyTo.flatMap { $0.split(separator: ":").last.map(String.init) }
        // A streamed answer's live message becomes its first part.
        var live: String?
        if settings.streamEdits, delivered.isEmpty, let key = message.replyTo { live = await streaming.finish(key) }
        for (index, part) in parts.enumerated() where index >= delivered.count {
            do {
                if index == 0, let live {
                    try await rest.editMessage(channelId: message.target, messageId: live, content: part)
                    delivered.append(live)
                    continue
                }
                let sent = try await rest.createMessage(channelId: message.target, content: part, replyTo: index == 0 ? replyTo : nil)
                delivered.append(sent.id)
            } catch {
                throw DeliveryFailure(Self.explain(error), retryable: error.isRetryable, retryAfterMs: error.retryAfterMs, deliveredParts: delivered)
            }
        }
        tracker.update { $0.lastOutboundAtMs = context.nowMs() }
        return DeliveryReceipt(parts: delivered)
    }

    public func observer(for inbound: InboundRecord) -> (any ChannelRunObserver)? {
        if settings.streamEdits, let messageId = inbound.platformMessageId.split(separator: ":").last.map(String.init) {
            return streaming.observer(key: inbound.platformMessageId, channelId: inbound.target, messageId: messageId)
        }
        guard settings.typing else { return nil }
        let continuation = typing.continuation
        return DiscordTypingObserver(channelId: inbound.target) { channelId in continuation.yield(channelId) }
    }

    public func finished(_ inbound: InboundRecord, replied: Bool) {
        if !replied { streaming.drop(inbound.platformMessageId) }
    }

    /// A guild message is for the bot when it mentions it or replies to it.
    static func addresses(_ message: DiscordMessage, bot: DiscordUser) -> Bool {
        if message.mentions?.contains(where: { $0.id == bot.id }) == true { return true }
        if message.referencedMessage?.author?.id == bot.id { return true }
        return message.content.contains("<@\(bot.id)>") || message.content.contains("<@!\(bot.id)>")
    }

    static func removingMention(of bot: DiscordUser, from text: String) -> String {
        text.replacingOccurrences(of: "<@\(bot.id)>", with: "").replacingOccurrences(of: "<@!\(bot.id)>", with: "").trimmingWhitespace
    }

    static func explain(_ failure: DiscordREST.Failure) -> String {
        switch failure.status {
        case 401: "unauthorized: Discord rejected the bot token (check channels.discord.botToken or DISCORD_BOT_TOKEN)"
        case 403: "forbidden: \(failure.description) (the bot lacks Send Messages in that channel, or the user does not accept DMs)"
        case 404: "not found: \(failure.description) (the channel is gone or the bot cannot see it)"
        default: failure.description
        }
    }
}

/// Shows "typing…" in the channel while a run streams: once when it starts and again every
/// 8 s of output (Discord clears it after about 10 s). The calls are made by the connector's
/// own typing task; this only asks for them.
final class DiscordTypingObserver: ChannelRunObserver {
    let channelId: String
    let request: @Sendable (String) -> Void
    private let lastSentMs = Mutex<Int>(0)

    init(channelId: String, request: @escaping @Sendable (String) -> Void) {
        self.channelId = channelId
        self.request = request
    }

    func runStarted(runId: String) { pulse() }
    func textDelta(_ delta: String, accumulated: String) { pulse() }
    func toolStarted(name: String, step: Int) { pulse() }
    func toolFinished(name: String, success: Bool, preview: String, durationMs: Int) {}

    private func pulse() {
        let now = DiscordREST.nowMs()
        let due = lastSentMs.withLock { last in
            guard now - last >= 8000 else { return false }
            last = now
            return true
        }
        if due { request(channelId) }
    }
}
