import Foundation
import Logging
import Synchronization
import SwitchboardProtocol

/// How to load the configuration again: the same paths, environment and flags as at start.
public struct GatewayLaunch: Sendable {
    public var paths: GatewayPaths
    public var environment: [String: String]
    public var overrides: [String: String]

    public init(paths: GatewayPaths, environment: [String: String], overrides: [String: String] = [:]) {
        self.paths = paths
        self.environment = environment
        self.overrides = overrides
    }

    public func load() throws -> LoadedConfiguration {
        try ConfigLoader.load(paths: paths, environment: environment, overrides: overrides)
    }
}

/// What a reload did.
public enum ConfigReloadOutcome: Sendable, Equatable {
    case unchanged
    /// Only hot keys changed; they apply in place.
    case applied([String])
    /// A restart-required key changed; the in-process restart is under way.
    case restarting([String])
    /// The edit is invalid; the last good configuration stays.
    case rejected([String])
}

/// Owns the last good configuration across generations and decides, for each edit, whether
/// it applies in place or needs the in-process restart. The file watcher and the
/// `config.*` methods both come through here, one at a time.
final class ConfigReloader: Sendable {
    let launch: GatewayLaunch
    private let logLevel: LogLevelSetting
    private let metrics: GatewayMetrics
    private let logger: Logger

    private struct State {
        var lastGood: LoadedConfiguration
        /// The hash of the file content last acted on (applied or rejected).
        var seenHash: String
        var live: LiveConfiguration?
        var trigger: RestartTrigger?
        var bus: EventBus?
    }

    private let state: Mutex<State>
    /// Serialises check-then-write of `config.*` with reloads.
    private let editing = Mutex(())

    init(launch: GatewayLaunch, initial: LoadedConfiguration, logLevel: LogLevelSetting, metrics: GatewayMetrics, logger: Logger) {
        self.launch = launch
        self.logLevel = logLevel
        self.metrics = metrics
        self.logger = logger
        state = Mutex(State(lastGood: initial, seenHash: initial.file.hash))
    }

    var lastGood: LoadedConfiguration { state.withLock { $0.lastGood } }

    /// Points hot reloads and restart requests at the running generation.
    func attach(live: LiveConfiguration, trigger: RestartTrigger, bus: EventBus) {
        state.withLock {
            $0.live = live
            $0.trigger = trigger
            $0.bus = bus
        }
    }

    /// Tells admin clients what became of an edit (`config.changed`).
    private func announce(_ applied: String, changed: [String], problems: [String]? = nil, hash: String) {
        let bus = state.withLock { $0.bus }
        bus?.broadcast(
            ConfigChangedEvent.self,
            .init(applied: applied, changed: changed, problems: problems, hash: hash, ts: Int(Date().timeIntervalSince1970 * 1000))
        )
    }

    /// Reads the file again (the watcher saw a change) and applies it.
    @discardableResult
    func reloadFromDisk(reason: String) -> ConfigReloadOutcome {
        editing.withLock { _ in reloadLocked(reason: reason, forceRestart: false, restartDelayMs: 0) }
    }

    /// The configuration for the next generation of an in-process restart: the file as it
    /// is now if valid, else the last good one.
    func configurationForRestart() -> LoadedConfiguration {
        editing.withLock { _ in
            do {
                let loaded = try launch.load()
                state.withLock {
                    $0.lastGood = loaded
                    $0.seenHash = loaded.file.hash
                }
                return loaded
            } catch {
                logger.error("config file is invalid; restarting with the last good configuration", metadata: problemsMetadata(error))
                return lastGood
            }
        }
    }

    /// A `config.set`/`patch`/`apply` edit: checks `baseHash`, validates the result with the
    /// process's environment and flags, writes it (with a `.bak`), and reloads.
    /// - Parameter restartDelayMs: when the edit needs a restart, wait this long first.
    func write(
        baseHash: String?, forceRestart: Bool, restartDelayMs: Int, reason: String, edit: (ConfigFileSnapshot) throws(GatewayError) -> JSONValue
    ) throws(GatewayError) -> (snapshot: ConfigFileSnapshot, outcome: ConfigReloadOutcome) {
        let result: Result<(ConfigFileSnapshot, ConfigReloadOutcome), GatewayError> = editing.withLock { _ in
            do throws(GatewayError) {
                return .success(try writeLocked(baseHash: baseHash, forceRestart: forceRestart, restartDelayMs: restartDelayMs, reason: reason, edit: edit))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private func writeLocked(
        baseHash: String?, forceRestart: Bool, restartDelayMs: Int, reason: String, edit: (ConfigFileSnapshot) throws(GatewayError) -> JSONValue
    ) throws(GatewayError) -> (ConfigFileSnapshot, ConfigReloadOutcome) {
        let path = launch.paths.configPath
        let current: ConfigFileSnapshot
        do {
            current = try ConfigLoader.readFile(at: path)
        } catch {
            // A broken file can be replaced whole; its hash still guards against races.
            let data = FileManager.default.contents(atPath: path) ?? Data()
            current = ConfigFileSnapshot(path: path, exists: true, parsed: nil, hash: ConfigLoader.sha256Hex(data))
        }
        if current.exists {
            guard let baseHash else { throw .invalidRequest("config base hash required; re-run config.get and retry") }
            guard baseHash == current.hash else { throw .invalidRequest("config changed since last load; re-run config.get and retry") }
        }
        var edited = try edit(current)
        var missing: [String] = []
        edited = ConfigDocument.restoringRedacted(edited, from: current.parsed, missing: &missing)
        guard missing.isEmpty else {
            throw .invalidRequest("invalid config: \(missing.joined(separator: ", ")): is \(ConfigRedaction.placeholder) but there is no stored value to keep; send the real value")
        }
        let data = ConfigDocument.render(edited)
        let candidate = ConfigFileSnapshot(path: path, exists: true, parsed: edited, hash: ConfigLoader.sha256Hex(data))
        do {
            _ = try ConfigLoader.resolve(file: candidate, paths: launch.paths, environment: launch.environment, overrides: launch.overrides)
        } catch let error as ConfigError {
            throw .invalidRequest("invalid config: " + error.problems.joined(separator: "; "))
        } catch {
            throw .invalidRequest("invalid config")
        }
        do {
            try ConfigDocument.write(data, to: path)
        } catch {
            throw .unavailable("could not write \(path): \(error.localizedDescription)")
        }
        logger.notice("config file written", metadata: ["sb.config.path": "\(path)", "sb.reason": "\(reason)"])
        let outcome = reloadLocked(reason: reason, forceRestart: forceRestart, restartDelayMs: restartDelayMs)
        return (candidate, outcome)
    }

    private func reloadLocked(reason: String, forceRestart: Bool, restartDelayMs: Int) -> ConfigReloadOutcome {
        let loaded: LoadedConfiguration
        do {
            loaded = try launch.load()
        } catch {
            let hash = (try? ConfigLoader.sha256Hex(Data(contentsOf: URL(fileURLWithPath: launch.paths.configPath)))) ?? ""
            let repeated = state.withLock { state in
                defer { state.seenHash = hash }
                return state.seenHash == hash
            }
            let problems = (error as? ConfigError)?.problems ?? ["\(error)"]
            if !repeated {
                logger.error("config edit rejected; keeping the last good configuration", metadata: problemsMetadata(error))
                announce("rejected", changed: [], problems: problems, hash: hash)
            }
            return .rejected(problems)
        }
        let (previous, live, trigger, seen) = state.withLock { ($0.lastGood, $0.live, $0.trigger, $0.seenHash) }
        let changed = ConfigKeys.changes(from: previous.configuration, to: loaded.configuration)
        state.withLock {
            $0.lastGood = loaded
            $0.seenHash = loaded.file.hash
        }
        if changed.isEmpty && !forceRestart {
            if seen != loaded.file.hash { logger.info("config file changed; no setting differs", metadata: ["sb.reason": "\(reason)"]) }
            return .unchanged
        }
        let paths = changed.map(\.path)
        if forceRestart || changed.contains(where: { $0.reload == .restart }) {
            let restartKeys = changed.filter { $0.reload == .restart }.map(\.path)
            logger.notice(
                "config changed; restarting in-process",
                metadata: ["sb.config.keys": "\(paths.joined(separator: ","))", "sb.config.restartKeys": "\(restartKeys.joined(separator: ","))", "sb.reason": "\(reason)"]
            )
            announce("restart", changed: paths, hash: loaded.file.hash)
            let keys = (restartKeys.isEmpty ? paths : restartKeys).joined(separator: ", ")
            trigger?.request(RestartRequest(reason: keys.isEmpty ? reason : "config changed: \(keys)", delayMs: restartDelayMs))
            return .restarting(paths)
        }
        live?.replace(with: loaded.configuration)
        if let level = Logger.Level(rawValue: loaded.configuration.logging.level) { logLevel.level = level }
        metrics.recordHotReload()
        announce("hot", changed: paths, hash: loaded.file.hash)
        logger.notice("config reloaded in place", metadata: ["sb.config.keys": "\(paths.joined(separator: ","))", "sb.reason": "\(reason)"])
        return .applied(paths)
    }

    private func problemsMetadata(_ error: any Error) -> Logger.Metadata {
        let problems = (error as? ConfigError)?.problems ?? ["\(error)"]
        return ["sb.config.path": "\(launch.paths.configPath)", "sb.config.problems": "\(problems.joined(separator: "; "))"]
    }
}
