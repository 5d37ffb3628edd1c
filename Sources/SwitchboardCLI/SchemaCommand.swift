import ArgumentParser
import Foundation
import SwitchboardProtocol

/// `switchboard schema export`: the JSON Schema of the protocol, generated from the types.
struct SchemaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema", abstract: "Protocol schema tools.", subcommands: [Export.self]
    )

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export", abstract: "Write schema/protocol.schema.json (to stdout unless --output is given)."
        )

        @Option(help: "File to write.") var output: String?

        func run() async throws {
            let text = ProtocolSchema.render()
            if let output {
                try Data(text.utf8).write(to: URL(fileURLWithPath: output))
            } else {
                print(text, terminator: "")
            }
        }
    }
}
