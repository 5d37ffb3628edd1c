import ArgumentParser
import Foundation
import SwitchboardCore

/// `switchboard gateway …`: run the gateway, or manage one running in the background.
struct GatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateway",
        abstract: "Run the gateway (foreground by default) or manage the background daemon and its service unit.",
        discussion: """
            `switchboard gateway [flags]` runs it in the foreground, as `gateway run`.
            Run flags (also taken by `start` and `install`):
              --port N              TCP port (default 18789; 0: any free one)
              --bind WHERE          loopback (default), lan, or an IP address
              --token T             shared token (prefer SWITCHBOARD_GATEWAY_TOKEN)
              --password P          shared password
              --log-level LEVEL     trace, debug, info, notice, warning, error
              --tick-interval-ms N  --handshake-timeout-ms N  --env-file FILE
              --state-dir DIR       --config FILE
            Each is also a config key: `switchboard gateway run --help`, README.
            """,
        subcommands: [
            GatewayRunCommand.self, GatewayStartCommand.self, GatewayStopCommand.self, GatewayRestartCommand.self, GatewayStatusCommand.self,
            GatewayLogsCommand.self, GatewayInstallCommand.self, GatewayUninstallCommand.self, GatewayRotateTokenCommand.self,
        ],
        defaultSubcommand: GatewayRunCommand.self
    )
}

/// `--state-dir` and `--config`, shared by commands that read local state.
struct PathOptions: ParsableArguments {
    @Option(name: .customLong("state-dir"), help: "State directory (default ~/.switchboard or SWITCHBOARD_STATE_DIR).") var stateDir: String?
    @Option(name: .customLong("config"), help: "Config file (default <state-dir>/switchboard.json or SWITCHBOARD_CONFIG_PATH).") var config: String?

    func resolve() -> GatewayPaths {
        GatewayPaths.resolve(stateDirFlag: stateDir, configFlag: config, environment: ProcessInfo.processInfo.environment)
    }

    /// The flags again, for a child gateway (`gateway start`) or a service unit: absolute paths.
    var arguments: [String] {
        let paths = resolve()
        return ["--state-dir", Self.absolute(paths.stateDir), "--config", Self.absolute(paths.configPath)]
    }

    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
    }
}

/// Flags that override config keys when running the gateway.
struct GatewayFlags: ParsableArguments {
    @Option(help: "TCP port (default 18789; 0 picks a free one).") var port: Int?
    @Option(help: "Bind address: loopback, lan, or an IP address (default loopback).") var bind: String?
    @Option(help: "Shared gateway token (prefer SWITCHBOARD_GATEWAY_TOKEN: flags show up in ps).") var token: String?
    @Option(help: "Shared gateway password (prefer SWITCHBOARD_GATEWAY_PASSWORD).") var password: String?
    @Option(name: .customLong("tick-interval-ms"), help: "tick event period in ms (default 30000).") var tickIntervalMs: Int?
    @Option(name: .customLong("handshake-timeout-ms"), help: "Time allowed to complete connect, in ms (default 10000).") var handshakeTimeoutMs: Int?
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error, critical.") var logLevel: String?
    @Option(
        name: .customLong("env-file"),
        help: "KEY=VALUE file read before the config (secrets for launchd; systemd units use EnvironmentFile). Real environment variables win."
    ) var envFile: String?

    var overrides: [String: String] {
        var overrides: [String: String] = [:]
        overrides["gateway.port"] = port.map(String.init)
        overrides["gateway.bind"] = bind
        overrides["gateway.auth.token"] = token
        overrides["gateway.auth.password"] = password
        overrides["gateway.tickIntervalMs"] = tickIntervalMs.map(String.init)
        overrides["gateway.handshakeTimeoutMs"] = handshakeTimeoutMs.map(String.init)
        overrides["logging.level"] = logLevel
        return overrides
    }

    /// Flags passed on to a background gateway (secrets excluded: they would show in `ps`).
    var arguments: [String] {
        var arguments: [String] = []
        if let port { arguments += ["--port", String(port)] }
        if let bind { arguments += ["--bind", bind] }
        if let tickIntervalMs { arguments += ["--tick-interval-ms", String(tickIntervalMs)] }
        if let handshakeTimeoutMs { arguments += ["--handshake-timeout-ms", String(handshakeTimeoutMs)] }
        if let logLevel { arguments += ["--log-level", logLevel] }
        if let envFile { arguments += ["--env-file", PathOptions.absolute(envFile)] }
        return arguments
    }

    /// The process environment, with the env file's entries added where not already set.
    func environment() throws -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        guard let envFile else { return environment }
        guard let text = try? String(contentsOfFile: envFile, encoding: .utf8) else {
            FileHandle.standardError.write(Data("switchboard: cannot read --env-file \(envFile)\n".utf8))
            throw ExitCode(ExitCodes.config)
        }
        for (key, value) in EnvironmentFile.parse(text) where environment[key] == nil { environment[key] = value }
        return environment
    }
}

/// systemd-style `KEY=VALUE` lines; `#` comments, optional quotes.
enum EnvironmentFile {
    static func parse(_ text: String) -> [(String, String)] {
        text.split(whereSeparator: \.isNewline).compactMap { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, !trimmed.hasPrefix("#"), let equals = trimmed.firstIndex(of: "=") else { return nil }
            var key = String(trimmed[..<equals]).trimmingCharacters(in: .whitespaces)
            if key.hasPrefix("export ") { key = String(key.dropFirst(7)).trimmingCharacters(in: .whitespaces) }
            var value = String(trimmed[trimmed.index(after: equals)...]).trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            }
            return key.isEmpty ? nil : (key, value)
        }
    }
}

/// Prints `message` to stderr and exits with `code` (78 = do not restart me).
func fail(_ message: String, code: Int32) -> ExitCode {
    FileHandle.standardError.write(Data("switchboard: \(message)\n".utf8))
    return ExitCode(code)
}
