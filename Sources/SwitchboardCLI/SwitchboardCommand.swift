import ArgumentParser

/// `switchboard`: the gateway daemon and its control CLI.
@main
struct SwitchboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchboard",
        abstract: "A gateway between chat apps and an AI agent, speaking the OpenClaw gateway protocol.",
        subcommands: [
            GatewayCommand.self, CallCommand.self, HealthCommand.self, StatusCommand.self, PairingCommand.self, DevicesCommand.self, NodeCommand.self, CronCommand.self, SystemCommand.self, ConfigCommand.self, DoctorCommand.self,
            SchemaCommand.self,
        ]
    )
}

/// Exit codes supervisors understand: 78 (EX_CONFIG) must not trigger a restart loop.
enum ExitCodes {
    static let config: Int32 = 78
    static let unavailable: Int32 = 69
    static let failure: Int32 = 1
}
