import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import SwitchboardAgent
import SwitchboardChannels
import SwitchboardPluginAPI

/// Delivers the durable outbox. Every outbound channel message is a row before its first
/// attempt; it is marked delivered only after the platform acknowledged it, and retried with
/// backoff (across restarts) until then. Messages to one chat go out in order; different
/// chats are served concurrently.
final class OutboxDispatcher: Service, Sendable {
    let store: any ChannelStoring
    let settings: ChannelConfiguration.Outbox
    let directory: ConnectorDirectory
    let clock: GatewayClock
    let logger: Logger
    /// Longest idle wait between scans (also the safety net for a missed wake-up).
    static let idleScanMs = 30_000
    static let batchSize = 64
    /// How often old journal and outbox rows are pruned.
    static let pruneIntervalMs = 3_600_000

    private let wake = WakeSignal()
    private let inFlight = Mutex(InFlight())

    /// Rows being delivered, and how many deliveries have ended: a scan taken before one ended
    /// may show a row as pending that was just delivered, so such a scan is taken again
    /// rather than each row read once more before its send.
    private struct InFlight {
        var ids: Set<Int64> = []
        var ended = 0
    }
    private let outcomeWaiters = Mutex<[Int64: [OneShotSignal]]>([:])
    private let attemptWatchers = Mutex<[UUID: AsyncStream<DeliveryAttempt>.Continuation]>([:])

    /// One finished delivery attempt: the outbox row and whether it now counts as delivered.
    struct DeliveryAttempt: Sendable, Hashable {
        var id: Int64
        var delivered: Bool
    }

    /// Every delivery attempt from now on, as it finishes (newest 10,000 kept for a slow reader).
    func attempts() -> AsyncStream<DeliveryAttempt> {
        let (stream, continuation) = AsyncStream.makeStream(of: DeliveryAttempt.self, bufferingPolicy: .bufferingNewest(10_000))
        let key = UUID()
        attemptWatchers.withLock { $0[key] = continuation }
        continuation.onTermination = { [weak self] _ in self?.attemptWatchers.withLock { _ = $0.removeValue(forKey: key) } }
        return stream
    }

    private func attempted(_ id: Int64, delivered: Bool) {
        for watcher in attemptWatchers.withLock({ Array($0.values) }) { watcher.yield(DeliveryAttempt(id: id, delivered: delivered)) }
    }
    private let slots: AsyncSemaphore

    init(store: any ChannelStoring, settings: ChannelConfiguration.Outbox, directory: ConnectorDirectory, clock: GatewayClock, logger: Logger) {
        self.store = store
        self.settings = settings
        self.directory = directory
        self.clock = clock
        self.logger = logger
        self.slots = AsyncSemaphore(permits: settings.concurrency)
    }

    private let retryConnectors = Mutex<Set<String>>([])
    private let stopping = Atomic<Bool>(false)

    /// New rows exist: scan now.
    func poke() {
        wake.signal()
    }

    /// A connector can deliver again (an adapter re-registered): its waiting messages are due now.
    func retryNow(connector: String) {
        retryConnectors.withLock { _ = $0.insert(connector) }
        wake.signal()
    }

    /// Scans until shutdown; deliveries already under way finish (a cut-off send could
    /// reach the platform without being recorded, and be sent again after the restart).
    /// Rescan period while deliveries are in flight.
    static let inFlightRescanMs = 250

    func run() async throws {
        await withDiscardingTaskGroup { group in
            group.addTask {
                try? await gracefulShutdown()
                self.stopping.store(true, ordering: .relaxed)
                self.wake.signal()
            }
            var nextPruneAtMs = 0
            while !stopping.load(ordering: .relaxed) {
                if clock.nowMs() >= nextPruneAtMs {
                    nextPruneAtMs = clock.nowMs() + Self.pruneIntervalMs
                    await prune()
                }
                for connector in retryConnectors.withLock({ set in defer { set.removeAll() }; return set }) {
                    try? await store.rescheduleOutbox(connector: connector, nowMs: clock.nowMs())
                }
                let due: [OutboxRecord]
                let next: Int?
                let scannedAfter = inFlight.withLock { $0.ended }
                do {
                    (due, next) = try await store.dueOutbox(nowMs: clock.nowMs(), limit: Self.batchSize)
                } catch is CancellationError {
                    // Stopping: the service's task was cancelled, nothing is wrong with the store.
                    break
                } catch {
                    logger.error("could not read the outbox", metadata: ["error.type": "\(type(of: error))"])
                    await wake.wait(timeoutMs: 1000)
                    continue
                }
                guard let chats = claim(due, scannedAfter: scannedAfter) else { continue }
                for chat in chats {
                    group.addTask { await self.deliver(chat) }
                }
                let waitMs = next.map { min(max($0 - clock.nowMs(), 0), Self.idleScanMs) } ?? Self.idleScanMs
                // When everything due is already in flight, wait for the delivery's wake-up rather
                // than spin, but look again soon: a lost wake-up must not hold a retry for the
                // whole idle scan (seen once under load: a retry due in 36 ms waited 30 s).
                await wake.wait(timeoutMs: waitMs == 0 ? Self.inFlightRescanMs : waitMs)
            }
        }
    }

    /// Keeps the channel tables bounded: rows older than `retentionHours` are deleted.
    private func prune() async {
        do {
            let removed = try await store.pruneChannelHistory(beforeMs: clock.nowMs() - settings.retentionHours * 3_600_000)
            if removed > 0 { logger.info("pruned old channel messages", metadata: ["sb.rows": "\(removed)"]) }
        } catch {
            logger.error("could not prune old channel messages", metadata: ["error.type": "\(type(of: error))"])
        }
    }

    /// Groups due rows by chat (keeping order) and marks them in flight; nil when a delivery
    /// ended after the scan began (scan again). Otherwise every row claimed is as scanned: only
    /// a delivery changes a row's state, and none had this row.
    private func claim(_ rows: [OutboxRecord], scannedAfter ended: Int) -> [[OutboxRecord]]? {
        inFlight.withLock { state in
            guard state.ended == ended else { return nil }
            var chats: [String: [OutboxRecord]] = [:]
            var order: [String] = []
            var busyChats = Set<String>()
            for row in rows {
                let chat = "\(row.connector)\u{1}\(row.accountId)\u{1}\(row.target)"
                if state.ids.contains(row.id) {
                    busyChats.insert(chat)
                    continue
                }
                // A chat with a message still in flight waits, so its messages stay in order.
                if busyChats.contains(chat) { continue }
                if chats[chat] == nil { order.append(chat) }
                chats[chat, default: []].append(row)
                state.ids.insert(row.id)
            }
            return order.compactMap { chats[$0] }
        }
    }

    private func deliver(_ chat: [OutboxRecord]) async {
        let acquired = await slots.acquire()
        defer {
            if acquired { slots.release() }
            inFlight.withLock { state in
                for row in chat { state.ids.remove(row.id) }
                state.ended += 1
            }
            wake.signal()
        }
        for row in chat {
            guard await deliver(row) else { return }
        }
    }

    /// One attempt; false when the chat's later messages must wait. `row` is as stored: see
    /// ``claim(_:scannedAfter:)``.
    private func deliver(_ row: OutboxRecord) async -> Bool {
        var logger = self.logger
        logger[metadataKey: "sb.outbox.id"] = "\(row.id)"
        logger[metadataKey: "sb.channel"] = "\(row.channel)"
        guard let connector = directory.connector(row.connector) else {
            await failed(row, DeliveryFailure("connector \(row.connector) is not running (check channels.\(row.connector).enabled)", retryable: true), logger: logger)
            return false
        }
        do {
            let receipt = try await connector.deliver(row)
            try await store.markDelivered(id: row.id, parts: receipt.parts, nowMs: clock.nowMs())
            logger.debug("delivered", metadata: ["sb.parts": "\(receipt.parts.count)"])
            finished(row.id)
            attempted(row.id, delivered: true)
            return true
        } catch let failure as DeliveryFailure {
            await failed(row, failure, logger: logger)
            attempted(row.id, delivered: false)
            return false
        } catch {
            logger.error("could not record a delivery", metadata: ["error.type": "\(type(of: error))"])
            return false
        }
    }

    private func failed(_ row: OutboxRecord, _ failure: DeliveryFailure, logger: Logger) async {
        let attempts = row.attempts + 1
        var next: Int?
        if failure.retryable && attempts < settings.maxAttempts {
            let backoff = Backoff(baseMs: settings.retryBaseMs, maxMs: settings.retryMaxMs).delayMs(afterAttempt: attempts)
            next = clock.nowMs() + max(backoff, failure.retryAfterMs ?? 0)
        }
        do {
            if failure.deliveredParts.count > row.deliveredParts.count {
                try await store.recordDeliveredParts(id: row.id, parts: failure.deliveredParts)
            }
            try await store.markAttemptFailed(id: row.id, error: failure.message, nextAttemptAtMs: next)
        } catch {
            logger.error("could not record a failed delivery", metadata: ["error.type": "\(type(of: error))"])
        }
        if let next {
            logger.warning("delivery failed; will retry", metadata: ["error": "\(failure.message)", "sb.attempt": "\(attempts)", "sb.retry.in.ms": "\(next - clock.nowMs())"])
        } else {
            logger.error("delivery failed for good", metadata: ["error": "\(failure.message)", "sb.attempt": "\(attempts)"])
            finished(row.id)
        }
    }

    /// Waits until message `id` is delivered or failed for good, or `timeoutMs` passes.
    func waitForOutcome(id: Int64, timeoutMs: Int) async -> OutboxRecord? {
        let signal = OneShotSignal()
        outcomeWaiters.withLock { $0[id, default: []].append(signal) }
        defer { outcomeWaiters.withLock { $0[id]?.removeAll { $0 === signal } } }
        if let row = try? await store.outbox(id: id), row.state != .pending { return row }
        await waitAtMost(.milliseconds(timeoutMs)) { await signal.wait() }
        return try? await store.outbox(id: id)
    }

    private func finished(_ id: Int64) {
        let signals = outcomeWaiters.withLock { $0.removeValue(forKey: id) } ?? []
        for signal in signals { signal.raise() }
    }
}

/// Connectors by id, filled once at start (the outbox and router are built before them).
final class ConnectorDirectory: Sendable {
    private let connectors = Mutex<[String: any ChannelConnector]>([:])

    func add(_ connector: any ChannelConnector) {
        connectors.withLock { $0[connector.id] = connector }
    }

    func connector(_ id: String) -> (any ChannelConnector)? {
        connectors.withLock { $0[id] }
    }

    var all: [any ChannelConnector] {
        connectors.withLock { Array($0.values) }.sorted { $0.id > $1.id }
    }
}
