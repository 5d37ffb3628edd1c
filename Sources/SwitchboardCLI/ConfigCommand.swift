import ArgumentParser
import Foundation
import SwitchboardCore
import SwitchboardProtocol

/// `switchboard config …`: local config file tools.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Check the config file.", subcommands: [ConfigCheckCommand.self]
    )
}

/// `switchboard config check [file]`: validates a file exactly as the gateway would load it
/// (with this environment), naming every bad key. Exit 78 when invalid.
struct ConfigCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Validate a config file (default: the state dir's) with this environment; exit 78 when invalid."
    )

    @Argument(help: "The file to check.") var file: String?
    @OptionGroup var paths: PathOptions

    func run() async throws {
        var resolved = paths.resolve()
        if let file { resolved.configPath = file }
        guard FileManager.default.fileExists(atPath: resolved.configPath) || file == nil else {
            throw fail("no file at \(resolved.configPath)", code: ExitCodes.config)
        }
        do {
            let loaded = try ConfigLoader.load(paths: resolved, environment: ProcessInfo.processInfo.environment)
            // What the gateway refuses only when it binds: an address this machine does not have.
            let host = loaded.configuration.bindHost
            guard BindProbe.isAssignable(host: host) else {
                throw fail("invalid configuration: \(GatewayStartError.addressNotAvailable(host: host))", code: ExitCodes.config)
            }
            let set = ConfigKeys.all.filter { $0.value(in: loaded.configuration) != $0.value(in: GatewayConfiguration()) }
            if loaded.file.exists {
                print("ok: \(resolved.configPath) is valid (\(set.count) settings differ from the defaults)")
            } else {
                print("ok: no config file at \(resolved.configPath); the defaults apply")
            }
            let restart = set.filter { $0.reload == ConfigReload.restart }.count
            if !set.isEmpty { print("   \(set.count - restart) of them apply without a restart when edited, \(restart) need one") }
        } catch let error as ConfigError {
            throw fail("\(error)", code: ExitCodes.config)
        }
    }
}
