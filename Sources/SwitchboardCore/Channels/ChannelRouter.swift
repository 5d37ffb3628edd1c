import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import SwitchboardAgent
import SwitchboardChannels
import SwitchboardPluginAPI
import SwitchboardProtocol

/// Where connectors hand inbound messages (the gateway's ``ChannelContext``): access control,
/// the durable inbound journal, one worker per session that runs its messages in order, and
/// the reply into the outbox.
///
/// A message stays `pending` in the journal until its reply is in the outbox (one
/// transaction), so a crash or restart mid-run runs it again rather than losing it.
final class ChannelRouter: ChannelContext, Service {
    let store: any ChannelStoring
    let runs: AgentRunService
    let outbox: OutboxDispatcher
    let directory: ConnectorDirectory
    let live: LiveConfiguration
    let clock: GatewayClock
    let logger: Logger

    private struct State {
        var accepting = true
        /// Sessions with a worker.
        var busy: Set<String> = []
        /// Busy sessions that were sent more work while their worker ran: it looks again
        /// before it stops.
        var dirty: Set<String> = []
        /// Inbound id → its run, while running.
        var running: [Int64: RunHandle] = [:]
        /// Inbound ids a worker has taken (from before its last state check until it is done).
        var claimed: Set<Int64> = []
        /// Claimed ids cancelled by the platform (complete them without a reply).
        var cancelled: Set<Int64> = []
    }

    private let state = Mutex(State())
    /// Raised when shutdown begins.
    private let stopping = OneShotSignal()
    private let work: AsyncStream<String>
    private let workContinuation: AsyncStream<String>.Continuation

    init(
        store: any ChannelStoring, runs: AgentRunService, outbox: OutboxDispatcher, directory: ConnectorDirectory, live: LiveConfiguration,
        clock: GatewayClock, logger: Logger
    ) {
        self.store = store
        self.runs = runs
        self.outbox = outbox
        self.directory = directory
        self.live = live
        self.clock = clock
        self.logger = logger
        (work, workContinuation) = AsyncStream.makeStream(of: String.self)
    }

    /// Access rules and pairing limits are hot: read per message.
    var config: ChannelConfiguration { live.current.channels }
    /// How long shutdown waits for runs answering channel messages (`gateway.shutdownDrainMs`).
    var drainMs: Int { live.current.gateway.shutdownDrainMs }

    // MARK: ChannelContext

    func nowMs() -> Int { clock.nowMs() }

    func cursor(connector: String, accountId: String) async -> String? {
        try? await store.cursor(connector: connector, accountId: accountId)
    }

    func skip(cursor: ChannelCursor) async {
        do { try await store.saveCursor(cursor) } catch {
            logger.error("could not save a channel cursor", metadata: ["error.type": "\(type(of: error))"])
        }
    }

    func deliveryPossible(connector: String) {
        outbox.retryNow(connector: connector)
    }

    func adapterLinked(nodeId: String, platform: String, linked: Bool) {
        let type: HookEventType = linked ? .adapterConnected : .adapterDisconnected
        runs.activity.emit(type) { HookEvent(type, timestampMs: Int64(clock.nowMs()), nodeId: nodeId, platform: platform) }
    }

    func receive(_ message: InboundMessage) async -> InboundDisposition {
        let access = config.access(for: message.connector)
        let approved: Bool
        do {
            approved = try await store.isApproved(channel: message.channel, senderId: message.senderId)
        } catch {
            return .failed(reason: "storage unavailable; retry shortly")
        }
        switch AccessPolicy(channelKey: message.connector, access: access).decide(message, approved: approved) {
        case .deny(let reason):
            logger.debug("ignored a channel message", metadata: ["sb.channel": "\(message.channel)", "sb.reason": "\(reason)"])
            if let cursor = message.cursor { await skip(cursor: cursor) }
            return .denied(reason: reason)
        case .pair:
            return await requestPairing(message)
        case .allow:
            return await accept(message)
        }
    }

    func cancel(connector: String, channel: String, platformMessageId: String) async -> Bool {
        guard let record = try? await store.inbound(connector: connector, channel: channel, platformMessageId: platformMessageId),
            record.state == .pending
        else { return false }
        enum Action { case abort(RunHandle), flagged, complete }
        let action = state.withLock { state -> Action in
            if let handle = state.running[record.id] {
                state.cancelled.insert(record.id)
                return .abort(handle)
            }
            // A worker holds it: it checks the flag before and after running.
            if state.claimed.contains(record.id) {
                state.cancelled.insert(record.id)
                return .flagged
            }
            return .complete
        }
        switch action {
        case .abort(let handle): handle.abort(reason: "cancel")
        case .flagged: break
        case .complete: try? await store.completeInbound(id: record.id, reply: nil, answer: nil, usage: nil, nowMs: clock.nowMs())
        }
        directory.connector(record.connector)?.finished(record, replied: false)
        return true
    }

    // MARK: intake

    private func accept(_ message: InboundMessage) async -> InboundDisposition {
        let sessionKey = Self.sessionKey(agentId: config.agentId, message: message)
        var record = InboundRecord(
            id: 0, connector: message.connector, channel: message.channel, accountId: message.accountId, platformMessageId: message.platformMessageId,
            sessionKey: sessionKey, target: message.chatId, senderId: message.senderId, senderName: message.senderName, text: message.text,
            receivedAtMs: clock.nowMs(), state: .pending
        )
        record.images = message.images
        let stored: (record: InboundRecord, ahead: Int)?
        do {
            stored = try await store.recordInbound(record, cursor: message.cursor)
        } catch {
            logger.error("could not journal a channel message", metadata: ["error.type": "\(type(of: error))"])
            return .failed(reason: "storage unavailable; retry shortly")
        }
        guard let stored else { return .duplicate }
        runs.activity.messageReceived(
            runId: nil, text: message.text, sessionKey: sessionKey, agentId: config.agentId, atMs: record.receivedAtMs, platform: message.channel,
            userId: message.senderId, channelId: message.chatId)
        workContinuation.yield(sessionKey)
        return .accepted(position: stored.ahead)
    }

    private func requestPairing(_ message: InboundMessage) async -> InboundDisposition {
        let now = clock.nowMs()
        let request = ChannelPairingRequest(
            channel: message.channel, code: AccessPolicy.newCode(), senderId: message.senderId, senderName: message.senderName, target: message.chatId,
            accountId: message.accountId, connector: message.connector, createdAtMs: now, expiresAtMs: now + config.pairing.codeTtlMs
        )
        do {
            let outcome = try await store.requestPairing(request, maxPending: config.pairing.maxPendingPerChannel, nowMs: now)
            if let cursor = message.cursor { try await store.saveCursor(cursor) }
            switch outcome {
            case .full:
                logger.notice("pairing request ignored: too many pending codes", metadata: ["sb.channel": "\(message.channel)"])
                return .denied(reason: "too many pending pairing requests on \(message.channel) (channels.pairing.maxPendingPerChannel)")
            case .created(let live), .existing(let live):
                let text = """
                    I don't know you yet. Ask the owner of this assistant to approve you with:
                    switchboard pairing approve \(live.channel) \(live.code)
                    (code valid until \(Self.time(live.expiresAtMs)) UTC)
                    """
                let reply = NewOutboxMessage(
                    idempotencyKey: "pairing:\(message.connector):\(message.channel):\(message.platformMessageId)", connector: message.connector,
                    channel: message.channel, accountId: message.accountId, target: message.chatId, text: text, replyTo: message.platformMessageId
                )
                _ = try await store.enqueueOutbox(reply, nowMs: now)
                outbox.poke()
                logger.info("pairing code issued", metadata: ["sb.channel": "\(message.channel)", "sb.sender": "\(message.senderId)"])
                return .pairingRequired
            }
        } catch {
            return .failed(reason: "storage unavailable; retry shortly")
        }
    }

    static func sessionKey(agentId: String, message: InboundMessage) -> String {
        switch message.chatKind {
        case .direct: "agent:\(agentId):\(message.channel):\(message.senderId)"
        case .group: "agent:\(agentId):\(message.channel):group:\(message.chatId)"
        }
    }

    private static func time(_ ms: Int) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm"
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
    }

    // MARK: workers

    func run() async throws {
        await withDiscardingTaskGroup { group in
            group.addTask {
                try? await gracefulShutdown()
                self.state.withLock { $0.accepting = false }
                self.stopping.raise()
                self.workContinuation.finish()
            }
            do {
                for key in try await store.sessionsWithPendingInbound() { workContinuation.yield(key) }
            } catch is CancellationError {
                // The start was called off (a busy port, a stop): they are read at the next start.
            } catch {
                logger.error("could not read pending channel messages", metadata: ["error.type": "\(type(of: error))"])
            }
            for await sessionKey in work {
                guard claim(sessionKey) else { continue }
                group.addTask { await self.drain(sessionKey) }
            }
        }
    }

    /// Takes the session for a worker; false when one has it (it is then told to look again).
    private func claim(_ sessionKey: String) -> Bool {
        state.withLock { state in
            guard state.accepting else { return false }
            if state.busy.insert(sessionKey).inserted { return true }
            state.dirty.insert(sessionKey)
            return false
        }
    }

    /// Answers a session's pending messages one at a time, oldest first.
    ///
    /// A message is journaled before its session is claimed, so a worker that found nothing
    /// either sees the claim's `dirty` mark and looks again, or has left before the claim,
    /// which then starts a new worker: nothing is stranded, without another read per message.
    private func drain(_ sessionKey: String) async {
        while true {
            var stopped = false
            while state.withLock({ $0.accepting }), let next = try? await store.nextPendingInbound(sessionKey: sessionKey) {
                state.withLock { _ = $0.dirty.remove(sessionKey) }
                guard await process(next) else {
                    stopped = true
                    break
                }
            }
            let again = state.withLock { state -> Bool in
                if state.accepting, state.dirty.remove(sessionKey) != nil { return true }
                state.busy.remove(sessionKey)
                state.dirty.remove(sessionKey)
                return false
            }
            if again { continue }
            // A message left pending by a failed step is taken up again, as before.
            guard stopped, state.withLock({ $0.accepting }), (try? await store.nextPendingInbound(sessionKey: sessionKey)) != nil, claim(sessionKey) else {
                return
            }
        }
    }

    /// Runs one message and stores its reply; false when the worker must stop (shutdown).
    private func process(_ inbound: InboundRecord) async -> Bool {
        state.withLock { _ = $0.claimed.insert(inbound.id) }
        defer {
            state.withLock { state in
                state.claimed.remove(inbound.id)
                state.cancelled.remove(inbound.id)
            }
        }
        // A cancel that came before the claim completed it already.
        guard let current = try? await store.inbound(connector: inbound.connector, channel: inbound.channel, platformMessageId: inbound.platformMessageId),
            current.state == .pending
        else { return true }
        if state.withLock({ $0.cancelled.contains(inbound.id) }) {
            try? await store.completeInbound(id: inbound.id, reply: nil, answer: nil, usage: nil, nowMs: clock.nowMs())
            return true
        }
        var request = RunRequest(
            runId: "channel-\(inbound.id)-\(UUID().uuidString.prefix(8).lowercased())", sessionKey: inbound.sessionKey, agentId: config.agentId,
            message: inbound.text, origin: .channel, connectionId: nil, timeoutMs: runs.config.timeoutSeconds * 1000, model: nil,
            extraSystemPrompt: Self.context(for: inbound), observer: directory.connector(inbound.connector)?.observer(for: inbound)
        )
        request.handsOverAnswer = true
        do {
            try await persistUserMessage(inbound, runId: request.runId)
        } catch {
            logger.error("could not save a channel message to its session; will retry", metadata: ["error.type": "\(type(of: error))"])
            return false
        }
        guard let handle = await start(request) else { return false }
        let cancelledEarly = state.withLock { state in
            state.running[inbound.id] = handle
            return state.cancelled.contains(inbound.id)
        }
        if cancelledEarly { handle.abort(reason: "cancel") }
        let result = await waitForRun(handle)
        let cancelled = state.withLock { state in
            state.running[inbound.id] = nil
            return state.cancelled.contains(inbound.id)
        }
        guard let result else { return false }
        if result.status == .aborted && result.stopReason == "shutdown" { return false }
        let text = cancelled ? nil : Self.replyText(result)
        let reply = text.map {
            NewOutboxMessage(
                idempotencyKey: "reply:\(inbound.connector):\(inbound.channel):\(inbound.platformMessageId)", connector: inbound.connector,
                channel: inbound.channel, accountId: inbound.accountId, target: inbound.target, text: $0, replyTo: inbound.platformMessageId
            )
        }
        do {
            // The answer (held back by the run), its tokens, the message's completion and the
            // reply to send: one commit.
            try await store.completeInbound(
                id: inbound.id, reply: reply, answer: result.handedOver?.reply, usage: result.handedOver?.usage, nowMs: clock.nowMs()
            )
        } catch {
            logger.error("could not store a channel reply; the message will be answered again", metadata: ["error.type": "\(type(of: error))"])
            return false
        }
        if reply != nil {
            outbox.poke()
        } else {
            directory.connector(inbound.connector)?.finished(inbound, replied: false)
        }
        return true
    }

    /// Appends the user's message to the session transcript once, even when the message is
    /// run again after a restart (its transcript id is derived from the journal id).
    private func persistUserMessage(_ inbound: InboundRecord, runId: String) async throws {
        let sessions = runs.sessions
        var message = ChatMessage.text(inbound.text, role: "user", timestamp: inbound.receivedAtMs)
        if inbound.text.isEmpty { message.content = [] }
        message.content += inbound.images
        message.id = "inbound-\(inbound.id)"
        message.runId = runId
        if let name = inbound.senderName { message.label = name }
        // One transaction: the session, the check for an earlier copy, and the append.
        _ = try await sessions.appendUnlessPresent(key: inbound.sessionKey, agentId: config.agentId, message: message, within: 20, nowMs: clock.nowMs())
    }

    /// Starts the run, waiting while the session's lane is full; nil when stopping.
    private func start(_ request: RunRequest) async -> RunHandle? {
        var attempt = 0
        while state.withLock({ $0.accepting }) {
            do {
                return try runs.start(request)
            } catch {
                attempt += 1
                let wait = Backoff(baseMs: 250, maxMs: 5_000).delayMs(afterAttempt: attempt)
                logger.debug("session busy; channel message waits", metadata: ["sb.session": "\(request.sessionKey)", "sb.retry.ms": "\(wait)"])
                do { try await Task.sleep(for: .milliseconds(wait)) } catch { return nil }
            }
        }
        return nil
    }

    /// The run's result; nil when shutdown gave up waiting (the message stays pending).
    private func waitForRun(_ handle: RunHandle) async -> RunResult? {
        await withTaskGroup(of: RunResult?.self) { group in
            group.addTask { await handle.waitForResult() }
            group.addTask {
                await self.stopping.wait()
                try? await Task.sleep(for: .milliseconds(self.drainMs))
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    /// What the user sees: the answer, or a short apology naming the problem.
    static func replyText(_ result: RunResult) -> String? {
        switch result.status {
        case .ok:
            let text = result.text.trimmingCharacters(in: .whitespacesAndNewlines)
            return text.isEmpty ? nil : text
        case .error:
            return "Sorry, I could not answer that: \(result.errorMessage ?? "the run failed")."
        case .aborted:
            return result.stopReason == "timeout" ? "Sorry, that took too long and was stopped." : nil
        }
    }

    /// Tells the model who is speaking and where.
    static func context(for inbound: InboundRecord) -> String {
        let who = inbound.senderName.map { "\($0) (id \(inbound.senderId))" } ?? "id \(inbound.senderId)"
        let place = inbound.sessionKey.contains(":group:") ? "a group chat (\(inbound.target))" : "a direct chat"
        return "This message arrived through \(inbound.channel) from \(who) in \(place). Reply in plain text with light Markdown."
    }
}
