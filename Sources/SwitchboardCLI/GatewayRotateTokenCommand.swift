import ArgumentParser
import Foundation
import SwitchboardClient
import SwitchboardProtocol

/// `switchboard gateway rotate-token`: a new shared token, written to the config file (the
/// gateway restarts in-process to use it), and the offer to revoke every device token
/// issued before: a leaked old token may have paired devices of its own.
struct GatewayRotateTokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate-token",
        abstract: "Replace the gateway's shared token; offers to revoke the device tokens issued under the old one."
    )

    @Flag(help: "Also revoke every device token (devices pair again with the new token).") var revokeDevices = false
    @Flag(help: "Keep device tokens (no question asked).") var keepDevices = false
    @OptionGroup var client: ClientOptions

    func run() async throws {
        if ProcessInfo.processInfo.environment["SWITCHBOARD_GATEWAY_TOKEN"] != nil {
            throw ValidationError("the token comes from SWITCHBOARD_GATEWAY_TOKEN, which overrides the config file: change it there and restart")
        }
        var options = client
        // Its own device may be among those revoked: connect with the shared token alone.
        options.noDevice = true
        let devices = try await options.withClient { client in try await client.call(DevicePairList.self) }
        let tokens = devices.paired.flatMap { device in device.tokens.map { (device.deviceId, $0.role) } }
        let revoke: Bool
        if revokeDevices || tokens.isEmpty {
            revoke = revokeDevices
        } else if keepDevices {
            revoke = false
        } else if isatty(STDIN_FILENO) == 1 {
            print("\(tokens.count) device token(s) were issued while the old token was in use. Revoke them too? [y/N] ", terminator: "")
            revoke = (readLine() ?? "").lowercased().hasPrefix("y")
        } else {
            revoke = false
            print("Keeping \(tokens.count) device token(s); revoke them with --revoke-devices or switchboard devices revoke.")
        }
        let newToken = Self.makeToken()
        let raw = GatewayJSON.string(["gateway": ["auth": ["token": .string(newToken)]]] as JSONValue)
        let (revoked, generation) = try await options.withClient { client in
            let generation = try await client.call(Status.self).startedAtMs
            var revoked = 0
            if revoke {
                for (deviceId, role) in tokens {
                    _ = try await client.call(DeviceTokenRevoke.self, .init(deviceId: deviceId, role: role))
                    revoked += 1
                }
            }
            let current = try await client.call(ConfigGet.self)
            _ = try await client.call(ConfigPatch.self, .init(raw: raw, baseHash: current.hash, note: "shared token rotated"))
            return (revoked, generation)
        }
        try await Self.waitForRestart(options, newToken: newToken, previousGeneration: generation)
        if client.json {
            print(GatewayJSON.string(["token": .string(newToken), "revokedDeviceTokens": .int(revoked)] as JSONValue))
            return
        }
        print("New gateway token (also in the config file; the gateway restarts to use it):\n\(newToken)")
        if revoked > 0 { print("Revoked \(revoked) device token(s).") }
    }

    /// Returns once the gateway runs with the new token (its restart follows the patch).
    static func waitForRestart(_ options: ClientOptions, newToken: String, previousGeneration: Int) async throws {
        var fresh = options
        fresh.token = newToken
        let deadline = ContinuousClock.now + .seconds(30)
        // Poll with the old token while it still works (no failed attempts to count against
        // this address); once it is refused, the new one must be taken.
        while ContinuousClock.now < deadline {
            if (try? await options.withClientQuietly({ try await $0.call(Status.self).startedAtMs })) == previousGeneration {
                try await Task.sleep(for: .milliseconds(100))
                continue
            }
            if (try? await fresh.withClientQuietly({ try await $0.call(Status.self).startedAtMs })) != nil { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw ExplainedFailure(message: "the token was written, but the gateway did not come back with it within 30 s; see switchboard gateway logs", exitCode: ExitCodes.failure)
    }

    static func makeToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
