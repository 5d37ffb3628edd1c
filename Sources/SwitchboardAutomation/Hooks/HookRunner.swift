public import Logging
public import ServiceLifecycle
public import SwitchboardPluginAPI
import SwitchboardProtocol
import Synchronization

/// A hook written in Swift: the seed's `@hook(EventType.SESSION_START)` decorator, as a value
/// registered with ``HookRunner/register(_:)``.
public struct InProcessHook: Sendable {
    public var name: String
    public var event: HookEventType
    public var priority: Int
    public var timeoutSeconds: Double
    public var handler: @Sendable (HookEvent) async throws -> Void

    public init(
        name: String, event: HookEventType, priority: Int = 0, timeoutSeconds: Double = HookDefinition.defaultTimeoutSeconds,
        handler: @escaping @Sendable (HookEvent) async throws -> Void
    ) {
        self.name = name
        self.event = event
        self.priority = priority
        self.timeoutSeconds = timeoutSeconds
        self.handler = handler
    }
}

/// Runs hooks off every request's path: ``emit(_:)`` only queues (and costs nothing when no
/// hook listens for the event); this service runs the queue with bounded concurrency, each
/// shell hook under its timeout, retries failed ones the hook asks for, and records every run.
///
/// Durable: a shell hook's run is stored in the queue (``HookQueueStoring``) before it starts
/// and removed when it is logged, so runs still waiting at a stop or a crash run after the next
/// start, and a run a crash cut off is logged as interrupted (not run twice). Stored in batches
/// by this service, never by the caller of ``emit(_:)``.
///
/// The queue is bounded: when it is full a new run is dropped (and counted), so a storm of
/// events or a stuck hook never grows memory. At shutdown, queued runs (the `gateway:shutdown`
/// hooks among them) get ``Configuration/shutdownGraceMs``; what has not started by then stays
/// queued for the next start.
public final class HookRunner: Service, Sendable {
    public struct Configuration: Sendable {
        /// Hook runs at once.
        public var maxConcurrent = 4
        /// Runs waiting to start; beyond it the oldest is dropped.
        public var maxQueued = 1000
        /// Output kept per run (its last bytes).
        public var maxOutputBytes = 16 * 1024
        /// Runs kept in the log.
        public var keepRuns = 500
        /// At shutdown, how long queued and running hooks get.
        public var shutdownGraceMs = 10_000
        /// Where shell hooks run unless they name a `working_dir` (Clara: the hooks directory).
        public var workingDirectory: String?
        /// The wait before a failed hook's first retry; it doubles per attempt (at most 5 minutes).
        public var retryBaseMs = 5_000

        public init() {}
    }

    /// One queued run: a hook and the event that fired it.
    private enum Pending: Sendable {
        /// `queueId`: its row in the durable queue (nil without a queue store); `attempts` made so far.
        case shell(HookDefinition, HookEvent, queueId: Int64?, attempts: Int)
        case swift(InProcessHook, HookEvent)
    }

    private struct State {
        var hooks: [HookDefinition] = []
        var inProcess: [InProcessHook] = []
        /// Shell runs not yet in the durable queue.
        var unsaved: [(HookDefinition, HookEvent)] = []
        /// Retries waiting for their time.
        var delayed: [(dueMs: Int64, run: Pending)] = []
        var queue: [Pending] = []
        var head = 0
        var active = 0
        var dropped = 0
        var stopping = false
    }

    private let state = Mutex(State())
    private let wake = WakeSignal()
    let configuration: Configuration
    let store: (any HookRunStoring)?
    let durable: (any HookQueueStoring)?
    let clock: @Sendable () -> Int64
    let logger: Logger
    let observe: @Sendable (HookRunRecord) -> Void

    /// `observe` hears of every finished run (for `status` and tests).
    /// `queue`: where shell runs wait durably (nil: in memory only).
    public init(
        hooks: [HookDefinition], store: (any HookRunStoring)?, queue: (any HookQueueStoring)? = nil, configuration: Configuration = Configuration(),
        logger: Logger, clock: @escaping @Sendable () -> Int64, observe: @escaping @Sendable (HookRunRecord) -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.store = store
        durable = queue
        self.logger = logger
        self.clock = clock
        self.observe = observe
        state.withLock { $0.hooks = hooks }
    }

    /// The shell hooks, as loaded (`hooks.list`).
    public var hooks: [HookDefinition] { state.withLock { $0.hooks } }

    /// The Swift hooks' names and events.
    public var inProcessHooks: [InProcessHook] { state.withLock { $0.inProcess } }

    /// Runs dropped because the queue was full, since start.
    public var droppedRuns: Int { state.withLock { $0.dropped } }

    /// Whether any hook listens for `type` (so the caller may skip building the event).
    public func listens(to type: HookEventType) -> Bool {
        state.withLock { state in
            state.hooks.contains { $0.enabled && $0.event == type } || state.inProcess.contains { $0.event == type }
        }
    }

    /// Replaces the shell hooks (a reload); queued runs keep the definition they were queued with.
    public func setHooks(_ hooks: [HookDefinition]) {
        state.withLock { $0.hooks = hooks }
    }

    public func register(_ hook: InProcessHook) {
        state.withLock { $0.inProcess.append(hook) }
    }

    /// Queues the runs `event` fires, highest priority first; returns at once.
    public func emit(_ event: HookEvent) {
        let queued = state.withLock { state -> Bool in
            guard !state.stopping || event.type == .gatewayShutdown else { return false }
            var runs: [(Int, Pending)] = []
            for hook in state.hooks where hook.enabled && hook.event == event.type { runs.append((hook.priority, .shell(hook, event, queueId: nil, attempts: 0))) }
            for hook in state.inProcess where hook.event == event.type { runs.append((hook.priority, .swift(hook, event))) }
            guard !runs.isEmpty else { return false }
            for (_, run) in runs.sorted(by: { $0.0 > $1.0 }) {
                guard state.queue.count - state.head + state.unsaved.count < configuration.maxQueued else {
                    state.dropped += 1
                    continue
                }
                if case .shell(let hook, let event, _, _) = run, durable != nil {
                    state.unsaved.append((hook, event))
                } else {
                    state.queue.append(run)
                }
            }
            return true
        }
        if queued { wake.signal() }
    }

    public func run() async throws {
        _ = try? await store?.prune(keep: configuration.keepRuns)
        await recover()
        await withDiscardingTaskGroup { group in
            group.addTask {
                try? await gracefulShutdown()
                self.state.withLock { $0.stopping = true }
                self.wake.signal()
            }
            var deadline: ContinuousClock.Instant?
            while true {
                await persistUnsaved()
                releaseDueRetries()
                let (next, stopping) = state.withLock { state -> (Pending?, Bool) in
                    guard state.active < configuration.maxConcurrent, state.head < state.queue.count else { return (nil, state.stopping) }
                    let run = state.queue[state.head]
                    state.head += 1
                    if state.head > 256 && state.head * 2 > state.queue.count {
                        state.queue.removeFirst(state.head)
                        state.head = 0
                    }
                    state.active += 1
                    return (run, state.stopping)
                }
                if let next {
                    group.addTask {
                        await self.execute(next)
                        self.state.withLock { $0.active -= 1 }
                        self.wake.signal()
                    }
                    continue
                }
                if stopping {
                    let idle = state.withLock { $0.active == 0 && $0.head >= $0.queue.count }
                    if idle { break }
                    let end = deadline ?? ContinuousClock.now + .milliseconds(configuration.shutdownGraceMs)
                    deadline = end
                    let left = end - ContinuousClock.now
                    guard left > .zero else {
                        let (running, waiting) = state.withLock { ($0.active, $0.queue.count - $0.head) }
                        logger.warning("stopping hooks still running at shutdown", metadata: ["running": "\(running)", "queued": "\(waiting)"])
                        group.cancelAll()
                        break
                    }
                    await wake.wait(timeoutMs: Int(left / .milliseconds(1)) + 1)
                    continue
                }
                if Task.isCancelled { break }
                let nextRetry = state.withLock { $0.delayed.map(\.dueMs).min() }
                await wake.wait(timeoutMs: nextRetry.map { Int(min(max(1, $0 - clock()), 60_000)) } ?? 60_000)
            }
        }
        // Runs queued during the last moments are stored for the next start.
        await persistUnsaved()
    }

    /// At start: runs a crash cut off are logged as interrupted; the others wait again.
    private func recover() async {
        guard let durable else { return }
        let rows: [QueuedHookRun]
        do {
            rows = try await durable.queuedHookRuns()
        } catch is CancellationError {
            // The start was called off (a busy port, a stop): the queue is read at the next start.
            return
        } catch {
            logger.error("could not read the hook queue", metadata: ["error": "\(error)"])
            return
        }
        var recovered: [Pending] = []
        var delayed: [(Int64, Pending)] = []
        for row in rows {
            guard let hook = HookDefinition(json: row.hook), let event = HookEvent(json: row.event) else {
                try? await durable.completeHookRun(
                    id: row.id,
                    record: HookRunRecord(hookName: row.hook["name"]?.stringValue ?? "?", event: row.event["type"]?.stringValue ?? "?", startedAtMs: Int(clock()),
                        durationMs: 0, status: "error", error: "the queued run could not be read back; not run", output: ""))
                continue
            }
            if row.running {
                let record = HookRunRecord(
                    hookName: hook.name, event: event.type.rawValue, startedAtMs: Int(clock()), durationMs: 0, status: "error",
                    error: "interrupted: the gateway stopped during this run; it is not run again", output: "")
                try? await durable.completeHookRun(id: row.id, record: record)
                observe(record)
                continue
            }
            let run = Pending.shell(hook, event, queueId: row.id, attempts: row.attempts)
            if Int64(row.nextAttemptAtMs) > clock() { delayed.append((Int64(row.nextAttemptAtMs), run)) } else { recovered.append(run) }
        }
        if !rows.isEmpty { logger.notice("hook runs queued before the last stop", metadata: ["resumed": "\(recovered.count + delayed.count)", "rows": "\(rows.count)"]) }
        state.withLock { state in
            state.queue.insert(contentsOf: recovered, at: state.head)
            state.delayed += delayed.map { (dueMs: $0.0, run: $0.1) }
        }
    }

    /// Stores the runs queued since the last pass, in one transaction, then lets them run. If
    /// the store fails they run anyway (not durable), rather than not at all.
    private func persistUnsaved() async {
        guard let durable else { return }
        let batch = state.withLock { state in
            defer { state.unsaved.removeAll() }
            return state.unsaved
        }
        guard !batch.isEmpty else { return }
        var ids: [Int64?] = Array(repeating: nil, count: batch.count)
        do {
            let runs = batch.map { ($0.0.json, $0.1.json) }
            let nowMs = Int(clock())
            let stored = try await uncancelled { try await durable.enqueueHookRuns(runs, nowMs: nowMs) }
            ids = stored.map { Optional($0) }
        } catch {
            logger.error("could not store hook runs; running them without the durable queue", metadata: ["error": "\(error)", "runs": "\(batch.count)"])
        }
        state.withLock { state in
            for (index, (hook, event)) in batch.enumerated() { state.queue.append(.shell(hook, event, queueId: ids[index], attempts: 0)) }
        }
    }

    private func releaseDueRetries() {
        let now = clock()
        state.withLock { state in
            guard state.delayed.contains(where: { $0.dueMs <= now }) else { return }
            state.queue += state.delayed.filter { $0.dueMs <= now }.map(\.run)
            state.delayed.removeAll { $0.dueMs <= now }
        }
    }

    /// The wait before attempt `attempt + 1`.
    func retryDelayMs(after attempt: Int) -> Int64 {
        min(Int64(configuration.retryBaseMs) << Int64(min(max(0, attempt - 1), 16)), 300_000)
    }

    private func execute(_ pending: Pending) async {
        let started = clock()
        var record: HookRunRecord
        var queueId: Int64?
        switch pending {
        case .shell(let hook, let event, let id, let attempts):
            queueId = id
            if let id, let durable { _ = try? await uncancelled { try await durable.markHookRunStarted(id: id, attempts: attempts + 1) } }
            let command = ShellCommand(
                command: hook.command, environment: event.environment, workingDirectory: hook.workingDirectory ?? configuration.workingDirectory,
                timeout: .milliseconds(Int64(hook.timeoutSeconds * 1000)), maxOutputBytes: configuration.maxOutputBytes)
            let result = await command.run()
            record = HookRunRecord(
                hookName: hook.name, event: event.type.rawValue, startedAtMs: Int(started), durationMs: result.durationMs,
                status: result.succeeded ? "ok" : "error", error: result.failure, output: result.output)
            if !result.succeeded, attempts < hook.retries, !Task.isCancelled {
                let due = clock() + retryDelayMs(after: attempts + 1)
                record.error = "attempt \(attempts + 1) of \(hook.retries + 1) failed (retrying in \((due - clock() + 999) / 1000) s): \(result.failure ?? "error")"
                logger.warning("hook failed; retrying", metadata: ["hook": "\(hook.name)", "attempt": "\(attempts + 1)", "error": "\(result.failure ?? "")"])
                do {
                    try await uncancelled { [record, store, durable] in
                        if let id, let durable { try await durable.retryHookRun(id: id, nextAttemptAtMs: Int(due)) }
                        try await store?.record(record)
                    }
                } catch {
                    logger.error("could not record a hook attempt", metadata: ["hook": "\(hook.name)", "error": "\(error)"])
                }
                state.withLock { $0.delayed.append((dueMs: due, run: .shell(hook, event, queueId: id, attempts: attempts + 1))) }
                observe(record)
                return
            }
        case .swift(let hook, let event):
            let error = await Self.runHandler(hook, event)
            record = HookRunRecord(
                hookName: hook.name, event: event.type.rawValue, startedAtMs: Int(started), durationMs: Int(clock() - started),
                status: error == nil ? "ok" : "error", error: error, output: "")
        }
        if record.status == "error" {
            logger.warning("hook failed", metadata: ["hook": "\(record.hookName)", "event": "\(record.event)", "error": "\(record.error ?? "")"])
        } else {
            logger.debug("hook ran", metadata: ["hook": "\(record.hookName)", "event": "\(record.event)", "ms": "\(record.durationMs)"])
        }
        let finished = record
        do {
            // Recorded even when shutdown stopped the hook (see ``uncancelled(_:)``).
            if let queueId, let durable {
                try await uncancelled { try await durable.completeHookRun(id: queueId, record: finished) }
            } else if let store {
                try await uncancelled { try await store.record(finished) }
            }
        } catch {
            logger.error("could not record a hook run", metadata: ["hook": "\(record.hookName)", "error": "\(error)"])
        }
        observe(record)
    }

    /// A Swift hook under its timeout; its error in words, or nil.
    private static func runHandler(_ hook: InProcessHook, _ event: HookEvent) async -> String? {
        await withTaskGroup(of: String?.self) { group in
            group.addTask {
                do {
                    try await hook.handler(event)
                    return nil
                } catch {
                    return "\(error)"
                }
            }
            group.addTask {
                do {
                    try await Task.sleep(for: .milliseconds(Int64(hook.timeoutSeconds * 1000)))
                    return "timed out after \(hook.timeoutSeconds) s (cancelled)"
                } catch {
                    return "stopped: the gateway is shutting down"
                }
            }
            defer { group.cancelAll() }
            return await group.next() ?? nil
        }
    }
}
