import ArgumentParser
import Foundation
import SwitchboardClient
import SwitchboardProtocol

struct DevicesApproveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve", abstract: "Approve a device waiting to pair; it collects its token on its next connect.")

    @Argument(help: "The request id (switchboard devices list shows it; a unique prefix works).") var requestId: String
    @Option(help: "A name for the device.") var name: String?
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let (prefix, name) = (requestId, name)
        let result = try await client.withClient { client in
            let id = try await PairingRequestLookup.resolve(prefix, client: client)
            return try await client.call(DevicePairApprove.self, .init(requestId: id, displayName: name))
        }
        if client.json {
            print(GatewayJSON.string(result))
            return
        }
        print("approved \(result.device.deviceId.prefix(16))… as \(result.device.roles.joined(separator: ", ")): \(result.device.scopes.joined(separator: " "))")
        print("The device connects again to collect its token.")
    }
}

struct DevicesRejectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reject", abstract: "Reject a device waiting to pair.")

    @Argument(help: "The request id (a unique prefix works).") var requestId: String
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let prefix = requestId
        let result = try await client.withClient { client in
            let id = try await PairingRequestLookup.resolve(prefix, client: client)
            return try await client.call(DevicePairReject.self, .init(requestId: id))
        }
        print(client.json ? GatewayJSON.string(result) : "rejected \(result.requestId) (device \(result.deviceId.prefix(16))…)")
    }
}

/// A request id from a unique prefix of it.
enum PairingRequestLookup {
    static func resolve(_ prefix: String, client: GatewayClient) async throws -> String {
        let pending = try await client.call(DevicePairList.self).pending.map(\.requestId)
        let matches = pending.filter { $0.hasPrefix(prefix) }
        guard matches.count == 1 else {
            throw ValidationError(
                matches.isEmpty
                    ? "no device waits with request id \(prefix) (requests lapse; switchboard devices list shows the live ones)"
                    : "\(prefix) matches \(matches.count) requests; give more of the id")
        }
        return matches[0]
    }
}
