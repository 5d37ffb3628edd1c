import Foundation
import SwitchboardClient
import SwitchboardPluginAPI
import SwitchboardProtocol
import SwitchboardStore
import SwitchboardTesting
import Testing

@testable import SwitchboardCore

struct DeviceProofVerifierTests {
    let identity = DeviceIdentity()
    let verifier = DeviceProofVerifier(skewMs: 120_000)
    let now = 1_700_000_000_000

    func signed(_ params: ConnectParams = .test(), nonce: String = "n-1", version: DeviceAuthPayload.Version = .v2, at: Int? = nil) throws -> ConnectParams {
        var params = params
        params.device = try identity.proof(version: version, params: params, nonce: nonce, signedAtMs: at ?? now)
        return params
    }

    func failure(_ params: ConnectParams, nonce: String = "n-1") -> GatewayDetailCode? {
        if case .failure(let failure) = verifier.verify(params, challengeNonce: nonce, nowMs: now) { return failure.code }
        return nil
    }

    @Test(arguments: [DeviceAuthPayload.Version.v2, .v3])
    func acceptsAValidSignature(version: DeviceAuthPayload.Version) throws {
        var base = ConnectParams.test(token: "tok")
        base.client.deviceFamily = "Laptop"
        let result = verifier.verify(try signed(base, version: version), challengeNonce: "n-1", nowMs: now)
        #expect((try? result.get())?.id == identity.id)
        #expect(identity.id.count == 64)
    }

    @Test func rejectsEachBrokenPartWithItsCode() throws {
        #expect(failure(try signed(nonce: "other")) == .deviceNonceMismatch)
        #expect(failure(try signed(at: now - 120_001)) == .deviceSignatureExpired)
        var wrongId = try signed()
        wrongId.device?.id = String(repeating: "0", count: 64)
        #expect(failure(wrongId) == .deviceIdMismatch)
        var noNonce = try signed()
        noNonce.device?.nonce = nil
        #expect(failure(noNonce) == .deviceNonceRequired)
        var badKey = try signed()
        badKey.device?.publicKey = "not-a-key"
        #expect(failure(badKey) == .devicePublicKeyInvalid)
        var tampered = try signed()
        tampered.scopes = [.admin, .write]
        #expect(failure(tampered) == .deviceSignatureInvalid)
    }

    @Test func acceptsAPEMPublicKey() throws {
        var params = try signed()
        let der = Data([0x30, 0x2A, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x03, 0x21, 0x00]) + identity.publicKeyRaw
        params.device?.publicKey = "-----BEGIN PUBLIC KEY-----\n\(der.base64EncodedString())\n-----END PUBLIC KEY-----"
        #expect((try? verifier.verify(params, challengeNonce: "n-1", nowMs: now).get()) != nil)
    }

    @Test func unknownRemoteDeviceNeedsPairingButLoopbackIsApprovedSilently() async throws {
        let directory = TestGateway.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = SQLiteDeviceStore(database: try GatewayDatabase(path: directory + "/db.sqlite"))
        var auth = GatewayConfiguration.Auth()
        auth.token = "shared"
        let authenticator = ConnectAuthenticator(
            auth: auth, verifier: verifier, limiter: AuthRateLimiter(maxAttempts: 5, windowMs: 60_000), devices: store,
            pairings: PendingDevicePairings(maxPending: 4, ttlMs: 300_000)
        )
        let params = try signed(.test(token: "shared"))
        func facts(loopback: Bool) -> ConnectAuthenticator.Facts {
            .init(params: params, protocolVersion: 4, challengeNonce: "n-1", remoteAddress: loopback ? "127.0.0.1" : "192.0.2.7", isLoopback: loopback, nowMs: now)
        }
        do {
            _ = try await authenticator.authenticate(facts(loopback: false))
            Issue.record("a remote unknown device must not be admitted")
        } catch {
            #expect(error.error.code == .notPaired && error.error.message.hasPrefix("pairing required: waiting for approval"))
            #expect(error.error.detailCode == .pairingRequired && error.closeCode == 1008)
            #expect(error.error.details?["reason"] == "not-paired" && error.requested?.deviceId == identity.id)
        }
        #expect(try await store.allDevices().isEmpty)
        let accepted = try await authenticator.authenticate(facts(loopback: true))
        #expect(accepted.approvedDevice == identity.id && accepted.deviceToken != nil)
        let stored = try #require(try await store.device(id: identity.id, role: "operator"))
        #expect(stored.token == accepted.deviceToken && stored.scopes == ["operator.admin"])
        // Once paired, the same device is admitted from anywhere.
        let again = try await authenticator.authenticate(facts(loopback: false))
        #expect(again.deviceToken == stored.token && again.approvedDevice == nil)
    }

    @Test("a remote device: pairing request, approval, then it collects its token once by signing alone and uses the token after")
    func remoteApprovalFlow() async throws {
        let directory = TestGateway.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = SQLiteDeviceStore(database: try GatewayDatabase(path: directory + "/db.sqlite"))
        var auth = GatewayConfiguration.Auth()
        auth.token = "shared"
        let pairings = PendingDevicePairings(maxPending: 1, ttlMs: 300_000)
        let authenticator = ConnectAuthenticator(
            auth: auth, verifier: verifier, limiter: AuthRateLimiter(maxAttempts: 50, windowMs: 60_000), devices: store, pairings: pairings)
        func remote(_ params: ConnectParams) -> ConnectAuthenticator.Facts {
            .init(params: params, protocolVersion: 4, challengeNonce: "n-1", remoteAddress: "192.0.2.7", isLoopback: false, nowMs: now)
        }
        func rejection(_ params: ConnectParams) async -> ConnectAuthenticator.Rejection? {
            do {
                _ = try await authenticator.authenticate(remote(params))
                return nil
            } catch { return error }
        }
        // Without the shared secret a stranger cannot even ask.
        #expect(await rejection(try signed(.test(token: nil)))?.error.detailCode == .authTokenMissing)
        #expect(pairings.list(nowMs: now).isEmpty)
        let asked = await rejection(try signed(.test(token: "shared")))
        let request = try #require(asked?.requested)
        #expect(pairings.list(nowMs: now).map(\.requestId) == [request.requestId])
        // A second stranger finds the queue full (gateway.pairing.maxPending = 1).
        let other = DeviceIdentity()
        var otherParams = ConnectParams.test(token: "shared")
        otherParams.device = try other.proof(version: .v2, params: otherParams, nonce: "n-1", signedAtMs: now)
        #expect(await rejection(otherParams)?.error.message.contains("gateway.pairing.maxPending") == true)

        // Approval (what device.pair.approve stores), then the device connects with no secret at all.
        let taken = try #require(pairings.take(requestId: request.requestId, nowMs: now))
        try await store.save(
            PairedDevice(
                deviceId: taken.deviceId, role: "operator", publicKey: taken.publicKey, scopes: taken.scopes ?? [], token: "device-token-1",
                displayName: nil, platform: nil, clientId: nil, approvedAtMs: now, lastSeenAtMs: nil, pairedWithoutAuth: false))
        pairings.approved(.init(deviceId: taken.deviceId, role: "operator"), nowMs: now)
        let collected = try await authenticator.authenticate(remote(try signed(.test(token: nil))))
        #expect(collected.deviceToken == "device-token-1")
        // Once: the next secret-less connect needs the token it collected.
        #expect(await rejection(try signed(.test(token: nil)))?.error.detailCode == .authTokenMissing)
        var withToken = ConnectParams.test(token: nil)
        withToken.auth = ConnectAuth(deviceToken: "device-token-1")
        let admitted = try await authenticator.authenticate(remote(try signed(withToken)))
        #expect(admitted.principal.method == .deviceToken)
    }
}
