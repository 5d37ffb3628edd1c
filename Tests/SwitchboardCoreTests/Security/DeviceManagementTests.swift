import Foundation
import SwitchboardClient
import SwitchboardCore
import SwitchboardProtocol
import SwitchboardTesting
import Testing

/// Devices can be listed, revoked, rotated and removed; a device paired while auth was off
/// is not a credential once auth is on.
@Suite("Device management", .timeLimit(.minutes(2)), .serialized)
struct DeviceManagementTests {
    /// Connects `identity` (silently paired on loopback) and returns the device token issued.
    func pair(_ gateway: TestGateway, _ identity: DeviceIdentity, token: String? = nil) async throws -> String {
        let configuration = gateway.clientConfiguration(token: token, identity: identity)
        let hello = try await gateway.withClient(configuration) { client in try unwrap(client.hello) }
        return try unwrap(hello.auth?.deviceToken, "device token")
    }

    func connects(_ gateway: TestGateway, _ identity: DeviceIdentity, deviceToken: String) async -> GatewayClientError? {
        var configuration = gateway.clientConfiguration(identity: identity)
        configuration.deviceToken = deviceToken
        do {
            _ = try await gateway.withClient(configuration) { _ in }
            return nil
        } catch let error as GatewayClientError {
            return error
        } catch {
            return nil
        }
    }

    @Test("list shows devices without tokens; rotate replaces the token and closes its sockets; revoke and remove end it")
    func listRotateRevokeRemove() async throws {
        try await TestGateway.with(config: #"{ gateway: { auth: { token: "owner-token-123456789" } } }"#) { gateway in
            let phone = DeviceIdentity()
            let issued = try await pair(gateway, phone, token: "owner-token-123456789")
            try await gateway.withClient(gateway.clientConfiguration(token: "owner-token-123456789")) { admin in
                let list = try await admin.call(DevicePairList.self)
                let entry = try unwrap(list.paired.first { $0.deviceId == phone.id })
                #expect(entry.roles == ["operator"] && entry.pairedWithoutAuth == false)
                #expect(!GatewayJSON.string(list).contains(issued), "device.pair.list must not show tokens")

                // A live socket of the device is closed when its token is rotated.
                var live = gateway.clientConfiguration(identity: phone)
                live.deviceToken = issued
                let closed = try await gateway.withClient(live) { device in
                    let rotated = try await admin.call(DeviceTokenRotate.self, .init(deviceId: phone.id, role: "operator", scopes: ["operator.read"]))
                    #expect(rotated.token != issued && rotated.scopes == ["operator.read"])
                    return try await withTimeout(.seconds(10), "the device's socket to close") {
                        for await event in device.events { if case .disconnected = event { return true } }
                        return false
                    }
                }
                #expect(closed)
                #expect(await connects(gateway, phone, deviceToken: issued)?.gatewayError?.detailCode == .authDeviceTokenMismatch)
                let denied = await #expect(throws: GatewayClientError.self) {
                    _ = try await admin.call(DeviceTokenRotate.self, .init(deviceId: phone.id, role: "operator", scopes: ["operator.admin"]))
                }
                #expect(denied?.gatewayError?.message.hasPrefix("device token rotation denied") == true)

                let revoked = try await admin.call(DeviceTokenRevoke.self, .init(deviceId: phone.id, role: "operator"))
                #expect(revoked.deviceId == phone.id && revoked.revokedAtMs > 0)
                #expect(try await admin.call(DevicePairList.self).paired.isEmpty)

                _ = try await pair(gateway, phone, token: "owner-token-123456789")
                #expect(try await admin.call(DevicePairRemove.self, .init(deviceId: phone.id)).deviceId == phone.id)
                let unknown = await #expect(throws: GatewayClientError.self) { _ = try await admin.call(DevicePairRemove.self, .init(deviceId: phone.id)) }
                #expect(unknown?.gatewayError?.message.contains("unknown deviceId") == true)
            }
        }
    }

    @Test("a device paired while auth was off does not keep admin when auth is turned on")
    func pairedWithoutAuthMustPairAgain() async throws {
        let stateDir = TestGateway.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: stateDir) }
        let device = DeviceIdentity()
        let issued = try await TestGateway.with(stateDir: stateDir) { gateway in try await pair(gateway, device) }
        try await TestGateway.with(config: #"{ gateway: { auth: { token: "now-with-auth-0123456789" } } }"#, stateDir: stateDir) { gateway in
            let refused = await connects(gateway, device, deviceToken: issued)
            #expect(refused?.gatewayError?.detailCode == .pairingRequired)
            #expect(refused?.gatewayError?.message.contains("paired while the gateway had no auth") == true)
            // With the gateway's token once, it is paired under auth; then its token works alone.
            let again = try await pair(gateway, device, token: "now-with-auth-0123456789")
            #expect(await connects(gateway, device, deviceToken: again) == nil)
        }
    }
}
