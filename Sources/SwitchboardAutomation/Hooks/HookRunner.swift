public import Logging
public import ServiceLifecycle
public import SwitchboardPluginAPI
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
/// shell hook under its timeout, and records every run.
///
/// The queue is bounded: when it is full the oldest waiting run is dropped (and counted), so a
/// storm of events or a stuck hook never grows memory. At shutdown, queued runs (the
/// `gateway:shutdown` hooks among them) get ``Configuration/shutdownGraceMs`` to finish.
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

        public init() {}
    }

    /// One queued run: a hook and the event that fired it.
    private enum Pending: Sendable {
        case shell(HookDefinition, HookEvent)
        case swift(InProcessHook, HookEvent)

        var name: String {
            switch self {
            case .shell(let hook, _): hook.name
            case .swift(let hook, _): hook.name
            }
        }
    }

    private struct State {
        var hooks: [HookDefinition] = []
        var inProcess: [InProcessHook] = []
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
    let clock: @Sendable () -> Int64
    let logger: Logger
    let observe: @Sendable (HookRunRecord) -> Void

    /// `observe` hears of every finished run (for `status` and tests).
    public init(
        hooks: [HookDefinition], store: (any HookRunStoring)?, configuration: Configuration = Configuration(), logger: Logger,
        clock: @escaping @Sendable () -> Int64, observe: @escaping @Sendable (HookRunRecord) -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.store = store
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
            for hook in state.hooks where hook.enabled && hook.event == event.type { runs.append((hook.priority, .shell(hook, event))) }
            for hook in state.inProcess where hook.event == event.type { runs.append((hook.priority, .swift(hook, event))) }
            guard !runs.isEmpty else { return false }
            for (_, run) in runs.sorted(by: { $0.0 > $1.0 }) {
                if state.queue.count - state.head >= configuration.maxQueued {
                    state.head += 1
                    state.dropped += 1
                }
                state.queue.append(run)
            }
            return true
        }
        if queued { wake.signal() }
    }

    public func run() async throws {
        _ = try? await store?.prune(keep: configuration.keepRuns)
        await withDiscardingTaskGroup { group in
            group.addTask {
                try? await gracefulShutdown()
                self.state.withLock { $0.stopping = true }
                self.wake.signal()
            }
            var deadline: ContinuousClock.Instant?
            while true {
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
                await wake.wait(timeoutMs: 60_000)
            }
        }
    }

    private func execute(_ pending: Pending) async {
        let started = clock()
        let record: HookRunRecord
        switch pending {
        case .shell(let hook, let event):
            let command = ShellCommand(
                command: hook.command, environment: event.environment, workingDirectory: hook.workingDirectory ?? configuration.workingDirectory,
                timeout: .milliseconds(Int64(hook.timeoutSeconds * 1000)), maxOutputBytes: configuration.maxOutputBytes)
            let result = await command.run()
            record = HookRunRecord(
                hookName: hook.name, event: event.type.rawValue, startedAtMs: Int(started), durationMs: result.durationMs,
                status: result.succeeded ? "ok" : "error", error: result.failure, output: result.output)
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
        do {
            // Recorded even when shutdown stopped the hook (the task is cancelled, and the
            // database refuses work from a cancelled task): an owned task, awaited here.
            if let store {
                try await Task { try await store.record(record) }.value  // owned: awaited here
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
