import Subprocess
import SystemPackage

/// How configured commands (MCP servers, external agents) are launched: a name is looked up
/// on PATH, a path is used as is, and extra variables are added to the gateway's environment.
enum ChildCommand {
    static func executable(_ command: String) -> Executable {
        command.contains("/") ? .path(FilePath(command)) : .name(command)
    }

    static func environment(adding variables: [String: String]) -> Environment {
        Environment.inherit.updating(Dictionary(uniqueKeysWithValues: variables.map { (Environment.Key(stringLiteral: $0.key), Optional($0.value)) }))
    }

    /// SIGTERM first, SIGKILL two seconds later (on abort, timeout or shutdown).
    static var platformOptions: PlatformOptions {
        var options = PlatformOptions()
        options.teardownSequence = [.gracefulShutDown(allowedDurationToNextStep: .seconds(2))]
        return options
    }
}
