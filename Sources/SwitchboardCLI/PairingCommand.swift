import ArgumentParser
import Foundation
import SwitchboardClient
import SwitchboardProtocol

/// `switchboard pairing list|approve`: let unknown channel senders talk to the agent.
struct PairingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pairing", abstract: "Approve channel senders who asked for access with a pairing code.",
        subcommands: [PairingListCommand.self, PairingApproveCommand.self]
    )
}

struct PairingListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List live pairing codes.")

    @Argument(help: "Only this channel (telegram, or an adapter platform).") var channel: String?
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let channel = channel
        let result = try await client.withClient { client in
            try await client.call(ChannelsPairingList.self, .init(channel: channel))
        }
        if client.json {
            print(GatewayJSON.string(result))
            return
        }
        guard !result.requests.isEmpty else {
            print("No pending pairing requests.")
            return
        }
        for request in result.requests {
            let name = request.senderName.map { " (\($0))" } ?? ""
            let minutes = max(0, (request.expiresAt - Int(Date().timeIntervalSince1970 * 1000)) / 60_000)
            print("\(request.channel)  \(request.code)  sender \(request.senderId)\(name)  expires in \(minutes) min")
        }
    }
}

struct PairingApproveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "approve", abstract: "Approve the sender behind a pairing code.")

    @Argument(help: "The channel the code was issued on (telegram, or an adapter platform).") var channel: String
    @Argument(help: "The 8-character code the sender received.") var code: String
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let (channel, code) = (channel, code)
        let result = try await client.withClient { client in
            try await client.call(ChannelsPairingApprove.self, .init(channel: channel, code: code))
        }
        if client.json {
            print(GatewayJSON.string(result))
            return
        }
        let name = result.approved.senderName.map { " (\($0))" } ?? ""
        print("Approved \(result.approved.senderId)\(name) on \(result.approved.channel).")
    }
}
