import Foundation
import SwitchboardClient
import SwitchboardCore
import SwitchboardPluginAPI
import SwitchboardProtocol
import SwitchboardStore
import SwitchboardTesting
import Testing

/// Shared secrets, device identity and device tokens over real sockets (§2.6–§2.7).
@Suite(.timeLimit(.minutes(1)))
struct LiveAuthTests {
    static let tokenConfig = #"{ gateway: { auth: { token: "s3cret-token" } } }"#

    func rejection(_ gateway: TestGateway, _ params: ConnectParams) async throws -> (error: JSONValue, close: RawSocket.Closure) {
        let box = ResponseBox()
        let close = try await RawSocket.session(url: gateway.url) { socket in
            let (_, response) = try await socket.handshake(params)
            box.set(response)
        }
        return (try unwrap(box.value?["error"], "error"), close)
    }

    @Test func tokenMissingAndMismatchAreExplainedThenClosed1008() async throws {
        try await TestGateway.with(config: Self.tokenConfig) { gateway in
            let missing = try await rejection(gateway, .test())
            #expect(missing.error["code"] == "INVALID_REQUEST")
            #expect(missing.error["details"]?["code"] == "AUTH_TOKEN_MISSING")
            #expect(missing.error["message"]?.stringValue?.contains("SWITCHBOARD_GATEWAY_TOKEN") == true)
            #expect(missing.close.code == 1008)
            let wrong = try await rejection(gateway, .test(token: "nope"))
            #expect(wrong.error["details"]?["code"] == "AUTH_TOKEN_MISMATCH")
            #expect(wrong.error["message"] == "unauthorized: gateway token mismatch")
            #expect(wrong.close.code == 1008 && wrong.close.reason == "unauthorized: gateway token mismatch")
            // Neither the token nor the attempt leaks into the log.
            let log = try String(contentsOfFile: gateway.logFile, encoding: .utf8)
            #expect(!log.contains("s3cret-token") && !log.contains("\"nope\""))
            let ok = try await gateway.withClient(gateway.clientConfiguration(token: "s3cret-token")) { client in
                try await client.call(Health.self, .init())
            }
            #expect(ok.ok)
        }
    }

    @Test func passwordMode() async throws {
        try await TestGateway.with(environment: ["SWITCHBOARD_GATEWAY_PASSWORD": "pw-1"]) { gateway in
            var params = ConnectParams.test()
            params.auth = ConnectAuth(password: "wrong")
            let wrong = try await rejection(gateway, params)
            #expect(wrong.error["details"]?["code"] == "AUTH_PASSWORD_MISMATCH")
            params.auth = ConnectAuth(password: "pw-1")
            let good = params
            let box = ResponseBox()
            _ = try await RawSocket.session(url: gateway.url) { socket in
                box.set(try await socket.handshake(good).response)
                try await socket.close()
            }
            #expect(box.value?["ok"] == true)
        }
    }

    @Test func failedAttemptsAreRateLimited() async throws {
        let config = #"{ gateway: { auth: { token: "t", rateLimitMaxAttempts: 2 } } }"#
        try await TestGateway.with(config: config) { gateway in
            for _ in 0..<2 {
                #expect(try await rejection(gateway, .test(token: "bad")).error["details"]?["code"] == "AUTH_TOKEN_MISMATCH")
            }
            let limited = try await rejection(gateway, .test(token: "t"))
            #expect(limited.error["details"]?["code"] == "AUTH_RATE_LIMITED")
            #expect(limited.error["retryable"] == true && (limited.error["retryAfterMs"]?.intValue ?? 0) > 0)
            #expect(limited.close.code == 1008)
        }
    }

    @Test func loopbackDeviceIsPairedSilentlyAndItsTokenAuthenticatesLater() async throws {
        try await TestGateway.with(config: Self.tokenConfig) { gateway in
            let identity = DeviceIdentity()
            let tokens = TokenBox()
            var configuration = gateway.clientConfiguration(token: "s3cret-token", identity: identity)
            configuration.onDeviceToken = { tokens.set($0) }
            let hello = try await gateway.withClient(configuration) { client in try unwrap(client.hello) }
            let issued = try unwrap(hello.auth?.deviceToken, "device token")
            #expect(tokens.value == issued)
            let store = SQLiteDeviceStore(database: try GatewayDatabase(path: gateway.paths.databasePath))
            let record = try unwrap(try await store.device(id: identity.id, role: "operator"), "paired record")
            #expect(record.token == issued && record.publicKey == identity.publicKey)

            // Later: no shared token, only the device token (v3 signature this time).
            var later = gateway.clientConfiguration(identity: identity)
            later.deviceToken = issued
            later.signatureVersion = .v3
            let again = try await gateway.withClient(later) { client in try unwrap(client.hello) }
            #expect(again.auth?.deviceToken == issued)

            // A wrong device token is refused with its own code.
            var wrong = gateway.clientConfiguration(identity: identity)
            wrong.deviceToken = "sbd_wrong"
            do {
                _ = try await gateway.withClient(wrong) { _ in }
                Issue.record("a wrong device token must be refused")
            } catch let error as GatewayClientError {
                #expect(error.code == .connectRejected && error.gatewayError?.detailCode == .authDeviceTokenMismatch)
            }
        }
    }

    @Test func badDeviceProofsGetTheirDetailCodes() async throws {
        try await TestGateway.with { gateway in
            let identity = DeviceIdentity()
            let box = ResponseBox()
            let close = try await RawSocket.session(url: gateway.url) { socket in
                let challenge = try unwrap(try await socket.receive())
                let ts = try unwrap(challenge["payload"]?["ts"]?.intValue)
                var params = ConnectParams.test()
                params.device = try identity.proof(version: .v2, params: params, nonce: "not-the-nonce", signedAtMs: ts)
                try await socket.send(json: RequestFrame(id: "c", method: "connect", params: params))
                box.set(try await socket.response(id: "c"))
            }
            #expect(box.value?["error"]?["details"]?["code"] == "DEVICE_AUTH_NONCE_MISMATCH")
            #expect(box.value?["error"]?["message"] == "device nonce mismatch")
            #expect(close.code == 1008 && close.reason == "device nonce mismatch")
        }
    }

    @Test func nodesNeedADeviceIdentity() async throws {
        try await TestGateway.with { gateway in
            let refused = try await rejection(gateway, .test(role: .node, mode: "node"))
            #expect(refused.error["code"] == "NOT_PAIRED" && refused.error["details"]?["code"] == "DEVICE_IDENTITY_REQUIRED")
            let invalidRole = try await rejection(gateway, .test(role: GatewayRole(rawValue: "worker")))
            #expect(invalidRole.error["message"] == "invalid role: worker (expected operator or node)")
        }
    }
}

final class ResponseBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: JSONValue?
    func set(_ value: JSONValue?) { lock.withLock { stored = value } }
    var value: JSONValue? { lock.withLock { stored } }
}

final class TokenBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: String?
    func set(_ value: String) { lock.withLock { stored = value } }
    var value: String? { lock.withLock { stored } }
}
