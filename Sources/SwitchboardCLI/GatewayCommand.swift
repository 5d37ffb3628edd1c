import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals
import SwitchboardCore

/// `switchboard gateway`: runs the gateway in the foreground until SIGTERM or SIGINT.
struct GatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateway",
        abstract: "Run the gateway in the foreground (WebSocket control plane, HTTP health on the same port)."
    )

    @OptionGroup var paths: PathOptions

    @Option(help: "TCP port (default 18789; 0 picks a free one).") var port: Int?
    @Option(help: "Bind address: loopback, lan, or an IP address (default loopback).") var bind: String?
    @Option(help: "Shared gateway token (prefer SWITCHBOARD_GATEWAY_TOKEN: flags show up in ps).") var token: String?
    @Option(help: "Shared gateway password (prefer SWITCHBOARD_GATEWAY_PASSWORD).") var password: String?
    @Option(name: .customLong("tick-interval-ms"), help: "tick event period in ms (default 30000).") var tickIntervalMs: Int?
    @Option(name: .customLong("handshake-timeout-ms"), help: "Time allowed to complete connect, in ms (default 10000).") var handshakeTimeoutMs: Int?
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error, critical.") var logLevel: String?

    func run() async throws {
        var overrides: [String: String] = [:]
        overrides["gateway.port"] = port.map(String.init)
        overrides["gateway.bind"] = bind
        overrides["gateway.auth.token"] = token
        overrides["gateway.auth.password"] = password
        overrides["gateway.tickIntervalMs"] = tickIntervalMs.map(String.init)
        overrides["gateway.handshakeTimeoutMs"] = handshakeTimeoutMs.map(String.init)
        overrides["logging.level"] = logLevel
        let environment = ProcessInfo.processInfo.environment
        let loaded: LoadedConfiguration
        do {
            loaded = try ConfigLoader.load(paths: paths.resolve(), environment: environment, overrides: overrides)
        } catch let error as ConfigError {
            FileHandle.standardError.write(Data("switchboard: \(error)\n".utf8))
            throw ExitCode(ExitCodes.config)
        }
        let sink = LogSink()
        let level = Logger.Level(rawValue: loaded.configuration.logging.level) ?? .info
        let console = loaded.configuration.logging.console
        let logger = Logger(label: "switchboard") { label in
            var handlers: [any LogHandler] = [JSONLinesLogHandler(label: label, sink: sink, level: level)]
            if console == "human" {
                var stream = StreamLogHandler.standardError(label: label)
                stream.logLevel = level
                handlers.append(stream)
            } else if console == "json" {
                handlers.append(ConsoleJSONLogHandler(label: label, level: level))
            }
            return MultiplexLogHandler(handlers)
        }
        let application: GatewayApplication
        do {
            application = try GatewayApplication(loaded: loaded, logSink: sink, logger: logger)
        } catch {
            FileHandle.standardError.write(Data("switchboard: cannot open the state dir \(loaded.paths.stateDir): \(error)\n".utf8))
            throw ExitCode(ExitCodes.config)
        }
        let group = ServiceGroup(
            configuration: .init(services: [application], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        )
        do {
            try await group.run()
        } catch {
            let text = String(describing: error)
            if text.contains("Address already in use") || text.contains("EADDRINUSE") || text.contains("errno: 98") {
                FileHandle.standardError.write(
                    Data("switchboard: port \(loaded.configuration.gateway.port) on \(loaded.configuration.bindHost) is already in use (is another gateway running?)\n".utf8)
                )
                throw ExitCode(ExitCodes.config)
            }
            FileHandle.standardError.write(Data("switchboard: gateway stopped: \(text)\n".utf8))
            throw ExitCode(ExitCodes.failure)
        }
    }
}

/// `--state-dir` and `--config`, shared by commands that read local state.
struct PathOptions: ParsableArguments {
    @Option(name: .customLong("state-dir"), help: "State directory (default ~/.switchboard or SWITCHBOARD_STATE_DIR).") var stateDir: String?
    @Option(name: .customLong("config"), help: "Config file (default <state-dir>/switchboard.json or SWITCHBOARD_CONFIG_PATH).") var config: String?

    func resolve() -> GatewayPaths {
        GatewayPaths.resolve(stateDirFlag: stateDir, configFlag: config, environment: ProcessInfo.processInfo.environment)
    }
}

/// JSON lines on stderr, for `logging.console = json` (log shippers read it).
struct ConsoleJSONLogHandler: LogHandler {
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    let inner: JSONLinesLogHandler
    let sink = LogSink(capacity: 1)

    init(label: String, level: Logger.Level) {
        logLevel = level
        inner = JSONLinesLogHandler(label: label, sink: sink, level: level)
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var handler = inner
        handler.metadata = metadata
        handler.log(event: event)
        if let line = sink.takeAll().first {
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }
}
