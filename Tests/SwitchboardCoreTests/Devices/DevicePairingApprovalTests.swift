import Foundation
import SwitchboardClient
import SwitchboardProtocol
import SwitchboardTesting
import Testing

/// Pairing approvals on one gateway: a page asking for more than it may pair itself into waits
/// for an operator (the same path a non-local device takes), who approves or rejects it.
@Suite(.timeLimit(.minutes(2)))
struct DevicePairingApprovalTests {
    /// Connects like a browser page with a device identity; returns the connect response.
    static func pageConnect(_ gateway: TestGateway, identity: DeviceIdentity, scopes: [OperatorScope]) async throws -> JSONValue {
        let box = ResponseBox()
        _ = try await RawSocket.session(url: gateway.url, headers: ["Origin": "http://127.0.0.1:\(gateway.port)"]) { socket in
            let challenge = try unwrap(try await socket.receive(), "challenge")
            let nonce = try unwrap(challenge["payload"]?["nonce"]?.stringValue, "nonce")
            var params = ConnectParams.test(scopes: scopes, mode: "webchat")
            params.device = try identity.proof(version: .v2, params: params, nonce: nonce, signedAtMs: Int(Date().timeIntervalSince1970 * 1000))
            try await socket.send(text: GatewayJSON.string(RequestFrame(id: "connect-1", method: "connect", params: params)))
            box.set(try await socket.response(id: "connect-1"))
            try? await socket.close()
        }
        return try unwrap(box.value, "connect response")
    }

    @Test("a page asking for admin waits with a request id; the request is announced and listed; an approver without admin is refused; approval lets it in")
    func approve() async throws {
        try await TestGateway.with { gateway in
            try await gateway.withClient { operatorClient in
                let page = DeviceIdentity()
                let refused = try await Self.pageConnect(gateway, identity: page, scopes: [.admin])
                let requestId = try unwrap(refused["error"]?["details"]?["requestId"]?.stringValue, "requestId")
                #expect(refused["error"]?["details"]?["code"] == "PAIRING_REQUIRED")
                #expect(refused["error"]?["message"]?.stringValue?.contains("switchboard devices approve \(requestId)") == true)
                let requested = try await operatorClient.event(named: "device.pair.requested", timeout: .seconds(10))
                #expect(requested.payload?["requestId"]?.stringValue == requestId && requested.payload?["deviceId"]?.stringValue == page.id)
                #expect(requested.payload?["scopes"] == ["operator.admin"])

                // Connecting again finds the same request.
                let again = try await Self.pageConnect(gateway, identity: page, scopes: [.admin])
                #expect(again["error"]?["details"]?["requestId"]?.stringValue == requestId)
                let list = try await operatorClient.call(DevicePairList.self)
                #expect(list.pending.map(\.requestId) == [requestId] && list.pending.first?.remoteIp != nil)

                // An operator holding only pairing cannot hand out admin.
                _ = try await gateway.withClient(gateway.clientConfiguration(scopes: [.pairing], identity: DeviceIdentity())) { pairingOnly in
                    await #expect { _ = try await pairingOnly.call(DevicePairApprove.self, .init(requestId: requestId)) } throws: { error in
                        "\(error)".contains("missing scope: operator.admin")
                    }
                }
                let approved = try await operatorClient.call(DevicePairApprove.self, .init(requestId: requestId, displayName: "Control UI"))
                #expect(approved.device.deviceId == page.id && approved.device.scopes == ["operator.admin"] && approved.device.displayName == "Control UI")
                // (The pairing-only client's own device was approved silently before: skip that one.)
                var resolved = try await operatorClient.event(named: "device.pair.resolved", timeout: .seconds(10))
                while resolved.payload?["requestId"]?.stringValue != requestId {
                    resolved = try await operatorClient.event(named: "device.pair.resolved", timeout: .seconds(10))
                }
                #expect(resolved.payload?["decision"] == "approved")
                let admitted = try await Self.pageConnect(gateway, identity: page, scopes: [.admin])
                #expect(admitted["ok"] == true, "\(admitted)")
                #expect(try await operatorClient.call(DevicePairList.self).pending.isEmpty)
            }
        }
    }

    @Test("a rejected request is gone: it cannot be approved later, and the device's next connect files a new one")
    func reject() async throws {
        try await TestGateway.with { gateway in
            try await gateway.withClient { operatorClient in
                let page = DeviceIdentity()
                let first = try await Self.pageConnect(gateway, identity: page, scopes: [.admin])
                let requestId = try unwrap(first["error"]?["details"]?["requestId"]?.stringValue)
                let rejected = try await operatorClient.call(DevicePairReject.self, .init(requestId: requestId))
                #expect(rejected.decision == "rejected" && rejected.deviceId == page.id)
                await #expect { _ = try await operatorClient.call(DevicePairApprove.self, .init(requestId: requestId)) } throws: { error in
                    "\(error)".contains("unknown requestId")
                }
                let second = try await Self.pageConnect(gateway, identity: page, scopes: [.admin])
                #expect(second["error"]?["details"]?["requestId"]?.stringValue != requestId)
            }
        }
    }
}
