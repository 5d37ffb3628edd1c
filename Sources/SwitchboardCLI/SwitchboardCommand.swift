import ArgumentParser
import SwitchboardCore

/// `switchboard`: the gateway daemon and its control CLI.
@main
struct SwitchboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchboard",
        abstract: "A gateway between chat apps and an AI agent, speaking the OpenClaw gateway protocol.",
        version: GatewayApplication.version,
        subcommands: [
            GatewayCommand.self, ChatCommand.self, AgentCommand.self, CallCommand.self, HealthCommand.self, StatusCommand.self, PairingCommand.self, DevicesCommand.self, NodeCommand.self, CronCommand.self, SystemCommand.self, ConfigCommand.self, DoctorCommand.self, OnboardCommand.self,
            SchemaCommand.self,
        ]
    )
}

/// Exit codes supervisors understand: 78 (EX_CONFIG) must not trigger a restart loop.
enum ExitCodes {
    static let config: Int32 = 78
    /// A bad command-line value (EX_USAGE).
    static let usage: Int32 = 64
    /// The gateway is not the one expected: its TLS certificate failed the pin or is untrusted (EX_PROTOCOL).
    static let untrustedGateway: Int32 = 76
    /// The gateway refused us: wrong or missing token/password, pairing required (EX_NOPERM).
    static let refused: Int32 = 77
    static let unavailable: Int32 = 69
    static let failure: Int32 = 1
}
