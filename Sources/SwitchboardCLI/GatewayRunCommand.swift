import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import SwitchboardCore
import UnixSignals
#if canImport(Glibc)
import Glibc
#endif

/// `switchboard gateway run`: the gateway in the foreground, as supervisors run it.
///
/// SIGTERM/SIGINT stop it gracefully (a second one forces the exit), SIGUSR1 restarts it
/// in-process. Exit codes: 0 after a clean stop, 78 when the config is invalid or the state
/// dir or port is taken (supervisors must not restart it), 1 otherwise.
struct GatewayRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the gateway in the foreground (WebSocket control plane, HTTP health and metrics on the same port)."
    )

    @OptionGroup var paths: PathOptions
    @OptionGroup var flags: GatewayFlags

    /// Extra time, past the configured drain, before a stop that hangs is forced.
    static let stopGraceMs = 10_000

    func run() async throws {
        MallocTuning.apply(environment: ProcessInfo.processInfo.environment)
        let environment = try flags.environment()
        let launch = GatewayLaunch(paths: paths.resolve(), environment: environment, overrides: flags.overrides)
        let loaded: LoadedConfiguration
        do {
            loaded = try launch.load()
        } catch let error as ConfigError {
            throw fail("\(error)", code: ExitCodes.config)
        }
        let logging = GatewayLogging(level: Logger.Level(rawValue: loaded.configuration.logging.level) ?? .info)
        let logger = logging.makeLogger(console: loaded.configuration.logging.console)
        let record = InstanceRecord(
            process: .current, startedAtMs: GatewayClock.system.nowMs(), configPath: loaded.paths.configPath, version: GatewayApplication.version
        )
        let lock: InstanceLock
        do {
            lock = try InstanceLock.acquire(stateDir: loaded.paths.stateDir, record: record)
        } catch {
            throw fail(error.description, code: ExitCodes.config)
        }
        defer { lock.release() }
        lock.update { $0.logFile = loaded.logFile }
        if let stale = lock.tookOverFrom {
            logger.notice("took over a stale gateway lock", metadata: ["sb.lock.previous.pid": "\(stale.process.pid)", "sb.lock.path": "\(lock.path)"])
        }
        let notifier = SystemdNotifier(environment: environment)
        let supervisor = GatewaySupervisor(launch: launch, loaded: loaded, logging: logging, logger: logger, notifier: notifier, lock: lock)
        let group = ServiceGroup(configuration: .init(services: [supervisor], logger: logger))
        let forcedExitAfterMs = loaded.configuration.gateway.shutdownDrainMs * 2 + Self.stopGraceMs
        do {
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                tasks.addTask { await Self.handleSignals(group: group, supervisor: supervisor, logger: logger, forcedExitAfterMs: forcedExitAfterMs) }
                try await tasks.next()
                tasks.cancelAll()
            }
        } catch let error as GatewayStartError {
            throw fail(error.description, code: ExitCodes.config)
        } catch {
            throw fail("gateway stopped: \(error)", code: ExitCodes.failure)
        }
    }

    /// First SIGTERM/SIGINT: graceful stop, with a deadline. Second: exit at once.
    /// SIGUSR1: in-process restart.
    static func handleSignals(group: ServiceGroup, supervisor: GatewaySupervisor, logger: Logger, forcedExitAfterMs: Int) async {
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint, .sigusr1)
        await withTaskGroup(of: Void.self) { deadline in
            var stopping = false
            for await signal in signals {
                switch signal {
                case .sigusr1:
                    supervisor.requestRestart(reason: "SIGUSR1")
                case _ where stopping:
                    logger.warning("second stop signal: exiting without waiting", metadata: ["sb.signal": "\(signal)"])
                    Glibc.exit(1)
                default:
                    stopping = true
                    logger.notice("stop signal received", metadata: ["sb.signal": "\(signal)"])
                    await group.triggerGracefulShutdown()
                    deadline.addTask {
                        try? await Task.sleep(for: .milliseconds(forcedExitAfterMs))
                        guard !Task.isCancelled else { return }
                        logger.error("graceful stop did not finish in time; exiting", metadata: ["sb.deadline.ms": "\(forcedExitAfterMs)"])
                        Glibc.exit(1)
                    }
                }
            }
            deadline.cancelAll()
        }
    }
}
