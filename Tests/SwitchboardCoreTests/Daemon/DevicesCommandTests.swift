import Foundation
import SwitchboardCore
import SwitchboardProtocol
import SwitchboardTesting
import Testing

/// `switchboard devices` and `switchboard gateway rotate-token` against the real binary.
@Suite("Devices commands", .timeLimit(.minutes(3)), .serialized)
struct DevicesCommandTests {
    @Test("devices list shows the CLI's own device; rotate-token --revoke-devices writes a new token and revokes every device token")
    func listAndRotateToken() async throws {
        try await withStateDir { stateDir in
            let oldToken = "old-owner-token-0123456789abcdef"
            try Data(#"{ gateway: { auth: { token: "\#(oldToken)" } } }"#.utf8).write(to: URL(fileURLWithPath: stateDir + "/switchboard.json"))
            let start = try await runCLI(["gateway", "start", "--port", "0"], stateDir: stateDir)
            #expect(start.code == 0, "\(start.output)")
            let port = try unwrap(InstanceLock.inspect(stateDir: stateDir)?.record.port, "port")
            let url = ["SWITCHBOARD_GATEWAY_URL": "ws://127.0.0.1:\(port)"]
            // Any call pairs this CLI's device silently (loopback, with the token from the config file).
            let health = try await runCLI(["health"], stateDir: stateDir, extra: url)
            #expect(health.code == 0, "\(health.output)")
            let listed = try await runCLI(["devices", "list", "--json"], stateDir: stateDir, extra: url)
            #expect(listed.code == 0, "\(listed.output)")
            let before = try GatewayJSON.decoder.decode(DevicePairList.Result.self, from: Data(listed.output.utf8))
            #expect(before.paired.count == 1 && before.paired.first?.tokens.first?.role == "operator")
            #expect(!listed.output.contains("sbd_"), "tokens must not be listed")

            let rotated = try await runCLI(["gateway", "rotate-token", "--revoke-devices", "--json"], stateDir: stateDir, extra: url)
            #expect(rotated.code == 0, "\(rotated.output)")
            let answer = try GatewayJSON.decoder.decode(JSONValue.self, from: Data(rotated.output.utf8))
            let newToken = try unwrap(answer["token"]?.stringValue)
            #expect(answer["revokedDeviceTokens"] == 1 && newToken != oldToken && newToken.count >= 40)
            let file = try String(contentsOfFile: stateDir + "/switchboard.json", encoding: .utf8)
            #expect(file.contains(newToken) && !file.contains(oldToken))
            // The old token is refused now; without a device the new one lists no devices.
            let refused = try await runCLI(["devices", "list", "--no-device", "--token", oldToken], stateDir: stateDir, extra: url)
            #expect(refused.code == 77 && refused.output.contains("token mismatch"), "\(refused.output)")
            let after = try await runCLI(["devices", "list", "--json", "--no-device"], stateDir: stateDir, extra: url)
            #expect(after.code == 0, "\(after.output)")
            #expect(try GatewayJSON.decoder.decode(DevicePairList.Result.self, from: Data(after.output.utf8)).paired.isEmpty)
            #expect(try await runCLI(["gateway", "stop"], stateDir: stateDir).code == 0)
        }
    }
}
