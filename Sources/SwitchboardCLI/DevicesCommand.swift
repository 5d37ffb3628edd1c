import ArgumentParser
import Foundation
import SwitchboardClient
import SwitchboardProtocol

/// `switchboard devices list|approve|reject|revoke|rotate|remove`: devices waiting for approval
/// and the devices that hold gateway tokens.
struct DevicesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices", abstract: "Approve or reject devices waiting to pair, list paired devices and take their tokens away.",
        subcommands: [
            DevicesListCommand.self, DevicesApproveCommand.self, DevicesRejectCommand.self, DevicesRevokeCommand.self, DevicesRotateCommand.self,
            DevicesRemoveCommand.self,
        ]
    )
}

struct DevicesListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List paired devices, their roles and scopes (never their tokens).")

    @OptionGroup var client: ClientOptions

    func run() async throws {
        let result = try await client.withClient { client in try await client.call(DevicePairList.self) }
        if client.json {
            print(GatewayJSON.string(result))
            return
        }
        for request in result.pending {
            let name = [request.displayName, request.clientId, request.platform].compactMap { $0 }.joined(separator: ", ")
            let lapses = request.expiresAtMs.map { " (lapses in \(max(0, ($0 - Int(Date().timeIntervalSince1970 * 1000)) / 1000)) s)" } ?? ""
            print("waiting  \(request.requestId)  \(name.isEmpty ? "unnamed" : name) from \(request.remoteIp ?? "?")\(lapses)")
            print("    \(request.role ?? "operator"): \((request.scopes ?? []).joined(separator: " "))\(request.isRepair == true ? "  (asks for more than it has)" : "")")
        }
        if !result.pending.isEmpty { print("Approve: switchboard devices approve <requestId>; reject: switchboard devices reject <requestId>.\n") }
        guard !result.paired.isEmpty else {
            print("No paired devices.")
            return
        }
        for device in result.paired {
            let name = [device.displayName, device.clientId, device.platform].compactMap { $0 }.joined(separator: ", ")
            let note = device.pairedWithoutAuth ? "  (paired without auth: pairs again with the gateway token)" : ""
            print("\(device.deviceId.prefix(16))…  \(name.isEmpty ? "unnamed" : name)")
            for token in device.tokens {
                let used = token.lastUsedAtMs.map { " last used \(Self.ago($0))" } ?? ""
                print("    \(token.role): \(token.scopes.joined(separator: " "))\(used)\(note)")
            }
        }
        print("\nFull ids: switchboard devices list --json. Revoke: switchboard devices revoke <deviceId> [--role operator].")
    }

    static func ago(_ ms: Int) -> String {
        let seconds = max(0, (Int(Date().timeIntervalSince1970 * 1000) - ms) / 1000)
        if seconds < 120 { return "\(seconds) s ago" }
        if seconds < 7200 { return "\(seconds / 60) min ago" }
        return "\(seconds / 3600) h ago"
    }
}

struct DevicesRevokeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke", abstract: "Revoke a device's token for a role; its connections close and it must pair again.")

    @Argument(help: "The device id (a unique prefix works).") var deviceId: String
    @Option(help: "The role whose token is revoked.") var role = "operator"
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let (prefix, role) = (deviceId, role)
        let result = try await client.withClient { client in
            let id = try await DeviceLookup.resolve(prefix, client: client)
            return try await client.call(DeviceTokenRevoke.self, .init(deviceId: id, role: role))
        }
        if client.json { print(GatewayJSON.string(result)) } else { print("Revoked the \(result.role) token of \(result.deviceId).") }
    }
}

struct DevicesRotateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate", abstract: "Issue a device a new token for a role (the old one stops working); prints the new token once.")

    @Argument(help: "The device id (a unique prefix works).") var deviceId: String
    @Option(help: "The role whose token is rotated.") var role = "operator"
    @Option(help: "Narrow the token to these scopes (space-separated, a subset of the approved ones).") var scopes: String?
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let (prefix, role) = (deviceId, role)
        let scopes = scopes.map { $0.split(separator: " ").map(String.init) }
        let result = try await client.withClient { client in
            let id = try await DeviceLookup.resolve(prefix, client: client)
            return try await client.call(DeviceTokenRotate.self, .init(deviceId: id, role: role, scopes: scopes))
        }
        if client.json {
            print(GatewayJSON.string(result))
            return
        }
        print("New \(result.role) token for \(result.deviceId) (scopes: \(result.scopes.joined(separator: " "))):\n\(result.token)")
    }
}

struct DevicesRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remove", abstract: "Unpair a device for every role; its connections close.")

    @Argument(help: "The device id (a unique prefix works).") var deviceId: String
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let prefix = deviceId
        let result = try await client.withClient { client in
            let id = try await DeviceLookup.resolve(prefix, client: client)
            return try await client.call(DevicePairRemove.self, .init(deviceId: id))
        }
        if client.json { print(GatewayJSON.string(result)) } else { print("Removed \(result.deviceId).") }
    }
}

/// A device id from what the user typed: the full id or a unique prefix of one.
enum DeviceLookup {
    static func resolve(_ prefix: String, client: GatewayClient) async throws -> String {
        let ids = try await client.call(DevicePairList.self).paired.map(\.deviceId)
        if ids.contains(prefix) { return prefix }
        let matches = ids.filter { $0.hasPrefix(prefix.lowercased()) }
        guard matches.count == 1, let id = matches.first else {
            let why = matches.isEmpty ? "no paired device id starts with \"\(prefix)\"" : "\"\(prefix)\" matches \(matches.count) devices; type more of the id"
            throw ExplainedFailure(message: why + " (switchboard devices list shows them)", exitCode: ExitCodes.failure)
        }
        return id
    }
}
