import Foundation
public import Logging
public import ServiceLifecycle
import Synchronization

/// The gateway process's one long-lived service. It runs gateway generations one after
/// another: a restart (SIGUSR1, an edited restart-required key, `config.apply`) stops the
/// current generation gracefully and starts the next in the same process with the new
/// configuration. It owns what must outlive a generation: the log file writer, the
/// config watcher and reloader, metrics, and the readiness reports to systemd and the
/// lock file.
public final class GatewaySupervisor: Service, Sendable {
    /// How long a restarted generation keeps trying to bind while the old sockets close.
    static let rebindWindow: Duration = .seconds(10)

    public let metrics: GatewayMetrics
    let launch: GatewayLaunch
    let logging: GatewayLogging
    let logger: Logger
    let clock: GatewayClock
    let notifier: SystemdNotifier?
    let lock: InstanceLock?
    let reloader: ConfigReloader
    public let board = ListeningBoard()

    private let current = Mutex<(application: GatewayApplication, host: GatewayHost)?>(nil)

    /// - Parameters:
    ///   - launch: how to load the configuration again (paths, environment, flags).
    ///   - loaded: the configuration already loaded and validated from `launch`.
    ///   - notifier: sd_notify target, when started by systemd or `gateway start`.
    ///   - lock: the state dir's lock; its record learns the port and generation.
    public init(
        launch: GatewayLaunch, loaded: LoadedConfiguration, logging: GatewayLogging, logger: Logger, clock: GatewayClock = .system,
        notifier: SystemdNotifier? = nil, lock: InstanceLock? = nil
    ) {
        let metrics = GatewayMetrics()
        self.metrics = metrics
        self.launch = launch
        self.logging = logging
        self.logger = logger
        self.clock = clock
        self.notifier = notifier
        self.lock = lock
        reloader = ConfigReloader(launch: launch, initial: loaded, logLevel: logging.level, metrics: metrics, logger: logger)
    }

    /// The running generation (nil between generations and before the first).
    public var application: GatewayApplication? { current.withLock { $0?.application } }

    /// Waits until generation `generation` (1 = the first start) or a later one listens.
    /// - Returns: nil when the supervisor stopped first.
    public func waitUntilListening(generation: Int = 1) async -> ListeningBoard.Listening? {
        await board.wait(atLeast: generation)
    }

    /// Asks for an in-process restart; ignored while one is already under way.
    public func requestRestart(reason: String) {
        guard let host = current.withLock({ $0?.host }) else { return }
        if host.restart.request(RestartRequest(reason: reason)) {
            logger.notice("restart requested", metadata: ["sb.reason": "\(reason)"])
        }
    }

    /// Reads the config file again now, as the watcher would after an edit.
    @discardableResult
    public func reloadConfiguration(reason: String) -> ConfigReloadOutcome {
        reloader.reloadFromDisk(reason: reason)
    }

    public func run() async throws {
        let reloader = reloader
        // A config write cut short by a crash leaves its temporary file; the file itself is whole.
        let leftovers = DurableFile.removeLeftovers(of: launch.paths.configPath)
        if !leftovers.isEmpty { logger.notice("removed leftovers of an interrupted config write", metadata: ["sb.files": "\(leftovers)"]) }
        let writer = LogFileWriter(sink: logging.sink) {
            let loaded = reloader.lastGood
            return LogFileSettings(path: loaded.logFile, maxBytes: loaded.configuration.logging.maxFileBytes, maxFiles: loaded.configuration.logging.maxFiles)
        }
        let reload = reloader.lastGood.configuration.gateway.reload
        let watcher = ConfigWatcher(path: launch.paths.configPath, debounceMs: reload.debounceMs, pollIntervalMs: reload.pollIntervalMs)
        try await withThrowingTaskGroup(of: Void.self) { outer in
            outer.addTask { await writer.run() }
            let result: Result<Void, any Error>
            do {
                try await withThrowingTaskGroup(of: Void.self) { inner in
                    if reload.watch {
                        inner.addTask { await watcher.run { reloader.reloadFromDisk(reason: "config file changed") } }
                    }
                    try await withGracefulShutdownHandler {
                        try await self.runGenerations()
                    } onGracefulShutdown: {
                        self.notifier?.stopping(status: "stopping")
                    }
                    inner.cancelAll()
                }
                result = .success(())
            } catch {
                result = .failure(error)
            }
            board.finish()
            logger.notice("gateway stopped")
            logging.sink.finish()
            try await outer.waitForAll()
            try result.get()
        }
    }

    private func runGenerations() async throws {
        var loaded = reloader.lastGood
        var generation = 1
        var rebindDeadline: ContinuousClock.Instant?
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let host = GatewayHost(live: LiveConfiguration(loaded.configuration), restart: RestartTrigger(), metrics: metrics, reloader: reloader)
            let application = try GatewayApplication(loaded: loaded, host: host, logger: logger, clock: clock)
            reloader.attach(live: host.live, trigger: host.restart, bus: application.runtime.bus)
            current.withLock { $0 = (application, host) }
            do {
                try await runGeneration(application, number: generation, bind: loaded.configuration.bindHost)
            } catch where GatewayStartError.isAddressNotAvailable(error) {
                // An address this machine does not have: a restart cannot fix that (exit 78).
                throw GatewayStartError.addressNotAvailable(host: loaded.configuration.bindHost)
            } catch where GatewayStartError.isAddressInUse(error) {
                // A restart can meet its predecessor's sockets still closing: try again for a while.
                guard let deadline = rebindDeadline, ContinuousClock.now < deadline, !Task.isShuttingDownGracefully else {
                    throw GatewayStartError.portInUse(
                        host: loaded.configuration.bindHost, port: loaded.configuration.gateway.port,
                        holder: PortHolder.find(port: loaded.configuration.gateway.port)
                    )
                }
                try await Task.sleep(for: .milliseconds(100))
                continue
            }
            current.withLock { $0 = nil }
            guard let request = host.restart.requested, !Task.isShuttingDownGracefully else { return }
            metrics.recordRestart()
            notifier?.reloading(status: "restarting: \(request.reason)")
            let previousPort = board.latest?.port
            loaded = reloader.configurationForRestart()
            // "Any free port" keeps the port it got, so clients reconnect to the same address.
            if loaded.configuration.gateway.port == 0, let previousPort { loaded.configuration.gateway.port = previousPort }
            generation += 1
            rebindDeadline = .now + Self.rebindWindow
        }
    }

    /// Runs one generation; reports readiness once it listens.
    private func runGeneration(_ application: GatewayApplication, number: Int, bind: String) async throws {
        try await withThrowingTaskGroup(of: Bool.self) { tasks in
            tasks.addTask {
                try await application.run()
                return true
            }
            tasks.addTask {
                guard let port = await application.waitUntilListening() else { return false }
                self.board.publish(.init(generation: number, port: port))
                let nowMs = self.clock.nowMs()
                let tls = application.servesTLS
                self.lock?.update {
                    $0.port = port
                    $0.tls = tls
                    $0.bind = bind
                    $0.generation = number
                    $0.readyAtMs = nowMs
                }
                self.notifier?.ready(status: "listening on \(bind):\(port)")
                return false
            }
            while let finished = try await tasks.next() {
                if finished { tasks.cancelAll() }
            }
        }
    }
}

/// Why the gateway could not start serving.
public enum GatewayStartError: Error, CustomStringConvertible {
    case portInUse(host: String, port: Int, holder: PortHolder.Holder?)
    /// The database file is not a readable SQLite database (the text names it and the next step).
    case databaseUnreadable(String)
    /// `gateway.bind` names an address no interface of this machine has.
    case addressNotAvailable(host: String)
    /// `gateway.tls` is on but its certificate or key cannot be used (the text names the file and the fix).
    case tlsUnavailable(String)

    public var description: String {
        switch self {
        case .portInUse(let host, let port, let holder):
            "port \(port) on \(host) is already in use" + (holder.map { " by \($0)" } ?? "")
                + "; stop that process, or choose another port with --port or gateway.port"
        case .databaseUnreadable(let text), .tlsUnavailable(let text):
            text
        case .addressNotAvailable(let host):
            "cannot listen on \(host): no network interface of this machine has that address; set gateway.bind to loopback, lan or one of its addresses"
        }
    }

    static func isAddressNotAvailable(_ error: any Error) -> Bool {
        let text = String(describing: error)
        return text.contains("Cannot assign requested address") || text.contains("EADDRNOTAVAIL") || text.contains("errno: 99")
    }

    static func isAddressInUse(_ error: any Error) -> Bool {
        let text = String(describing: error)
        return text.contains("Address already in use") || text.contains("EADDRINUSE") || text.contains("errno: 98")
    }
}

/// Which generation listens on which port; waiters are woken as generations come up.
public final class ListeningBoard: Sendable {
    public struct Listening: Sendable, Hashable {
        public var generation: Int
        public var port: Int
    }

    private struct State {
        var latest: Listening?
        var finished = false
        var waiters: [(atLeast: Int, continuation: CheckedContinuation<Listening?, Never>)] = []
    }

    private let state = Mutex(State())

    func publish(_ listening: Listening) {
        let ready = state.withLock { state in
            state.latest = listening
            let ready = state.waiters.filter { $0.atLeast <= listening.generation }
            state.waiters.removeAll { $0.atLeast <= listening.generation }
            return ready.map(\.continuation)
        }
        for waiter in ready { waiter.resume(returning: listening) }
    }

    func finish() {
        let waiters = state.withLock { state in
            state.finished = true
            defer { state.waiters = [] }
            return state.waiters.map(\.continuation)
        }
        for waiter in waiters { waiter.resume(returning: nil) }
    }

    public var latest: Listening? { state.withLock { $0.latest } }

    func wait(atLeast generation: Int) async -> Listening? {
        await withCheckedContinuation { continuation in
            let immediate: Listening?? = state.withLock { state in
                if let latest = state.latest, latest.generation >= generation { return .some(latest) }
                if state.finished { return .some(nil) }
                state.waiters.append((generation, continuation))
                return nil
            }
            if let immediate { continuation.resume(returning: immediate) }
        }
    }
}
