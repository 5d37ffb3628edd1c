import ArgumentParser
import Foundation
import Subprocess
import SwitchboardCore

/// Where the service definition lives, per platform.
enum ServicePlatform: String, ExpressibleByArgument, CaseIterable {
    case systemd, launchd

    static var current: ServicePlatform {
        #if os(macOS)
        .launchd
        #else
        .systemd
        #endif
    }

    func unitPath(home: String, environment: [String: String]) -> String {
        switch self {
        case .systemd:
            let configHome = environment["XDG_CONFIG_HOME"] ?? (home as NSString).appendingPathComponent(".config")
            return (configHome as NSString).appendingPathComponent("systemd/user/\(ServiceUnit.systemdUnitName)")
        case .launchd:
            return (home as NSString).appendingPathComponent("Library/LaunchAgents/\(ServiceUnit.launchdLabel).plist")
        }
    }

    func text(_ unit: ServiceUnit) -> String {
        self == .systemd ? unit.systemd : unit.launchd
    }

    var enableCommands: [[String]] {
        switch self {
        case .systemd: [["systemctl", "--user", "daemon-reload"], ["systemctl", "--user", "enable", "--now", ServiceUnit.systemdUnitName]]
        case .launchd: [["launchctl", "load", "-w"]]
        }
    }
}

/// `switchboard gateway install`: writes and enables the user service.
struct GatewayInstallCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install", abstract: "Install the gateway as a user service (systemd on Linux, launchd on macOS); --print only shows it."
    )

    @OptionGroup var paths: PathOptions
    @OptionGroup var flags: GatewayFlags
    @Flag(help: "Print the unit instead of installing it.") var print = false
    @Flag(name: .customLong("no-enable"), help: "Write the files but do not enable or start the service.") var noEnable = false
    @Option(help: "systemd or launchd (default: this system's).") var platform: ServicePlatform = .current

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let resolved = paths.resolve()
        let unit = ServiceUnit(
            executable: BackgroundProcess.executablePath, stateDir: PathOptions.absolute(resolved.stateDir), configPath: PathOptions.absolute(resolved.configPath),
            runArguments: flags.arguments
        )
        if flags.token != nil || flags.password != nil {
            FileHandle.standardError.write(
                Data("switchboard: --token/--password are not written into the service (anyone can read it); put SWITCHBOARD_GATEWAY_TOKEN=… in \(unit.environmentFile)\n".utf8))
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        let path = platform.unitPath(home: home, environment: environment)
        if print {
            Swift.print("# \(path)")
            Swift.print(platform.text(unit), terminator: "")
            Swift.print("# secrets go in \(unit.environmentFile) (KEY=VALUE, mode 0600)")
            return
        }
        let manager = FileManager.default
        try manager.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try manager.createDirectory(atPath: unit.stateDir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        guard manager.createFile(atPath: path, contents: Data(platform.text(unit).utf8), attributes: [.posixPermissions: 0o644]) else {
            throw fail("cannot write \(path)", code: ExitCodes.failure)
        }
        if !manager.fileExists(atPath: unit.environmentFile) {
            _ = manager.createFile(atPath: unit.environmentFile, contents: Data(ServiceUnit.environmentTemplate.utf8), attributes: [.posixPermissions: 0o600])
        }
        Swift.print("wrote \(path)")
        Swift.print("secrets file \(unit.environmentFile) (mode 0600)")
        if noEnable { return }
        for command in platform.enableCommands {
            let full = platform == .launchd ? command + [path] : command
            guard await ServiceCommands.run(full) else {
                Swift.print("could not run `\(full.joined(separator: " "))`; run it yourself to enable the service")
                return
            }
        }
        Swift.print("service enabled and started")
    }
}

/// `switchboard gateway uninstall`: stops, disables and removes the user service.
struct GatewayUninstallCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "uninstall", abstract: "Stop, disable and remove the user service.")

    @Option(help: "systemd or launchd (default: this system's).") var platform: ServicePlatform = .current

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let path = platform.unitPath(home: environment["HOME"] ?? NSHomeDirectory(), environment: environment)
        switch platform {
        case .systemd: _ = await ServiceCommands.run(["systemctl", "--user", "disable", "--now", ServiceUnit.systemdUnitName])
        case .launchd: _ = await ServiceCommands.run(["launchctl", "unload", "-w", path])
        }
        if FileManager.default.fileExists(atPath: path) {
            try FileManager.default.removeItem(atPath: path)
            print("removed \(path)")
        } else {
            print("no service file at \(path)")
        }
        if platform == .systemd { _ = await ServiceCommands.run(["systemctl", "--user", "daemon-reload"]) }
        print("the state dir and its secrets file were left in place")
    }
}

enum ServiceCommands {
    /// Runs a command found on PATH through swift-subprocess (descriptors closed in the
    /// child); false when it is missing or fails.
    static func run(_ arguments: [String]) async -> Bool {
        guard let name = arguments.first else { return false }
        do {
            let result = try await Subprocess.run(
                .name(name), arguments: Arguments(Array(arguments.dropFirst())), output: .discarded, error: .discarded
            )
            return result.terminationStatus.isSuccess
        } catch {
            return false
        }
    }
}
