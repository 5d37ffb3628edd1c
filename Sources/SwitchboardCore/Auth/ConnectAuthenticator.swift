import Foundation
import Logging
import SwitchboardPluginAPI
import SwitchboardProtocol

/// The decision on one `connect`: shared secret, device proof, pairing, scopes (§2.5–§2.7).
struct ConnectAuthenticator: Sendable {
    struct Facts: Sendable {
        var params: ConnectParams
        var protocolVersion: Int
        var challengeNonce: String
        var remoteAddress: String
        /// Loopback, or (with `gateway.pairing.trustHostAddresses`) one of the host's own
        /// addresses: a device connecting from there is paired silently.
        var isLoopback: Bool
        var nowMs: Int
        /// The page origin of a browser client (its WebSocket upgrade carried `Origin`); nil for
        /// the CLI, apps and other non-browser clients.
        var browserOrigin: String? = nil

        /// The rate-limit bucket: browsers per origin, so a page's failures never lock out the
        /// owner's CLI on the same loopback address; everything else per address.
        var limiterKey: String { AuthRateLimiter.key(origin: browserOrigin, address: remoteAddress) }
    }

    struct Acceptance: Sendable {
        var principal: Principal
        /// The device token to return in `hello-ok.auth`, when a device connected.
        var deviceToken: String?
        var issuedAtMs: Int?
        /// Set when this connect approved a device silently (loopback).
        var approvedDevice: String?
    }

    struct Rejection: Error, Sendable {
        var error: GatewayError
        var closeCode: UInt16 = 1008
        /// A pairing request this connect created (announced as `device.pair.requested`).
        var requested: DevicePairRequest? = nil
    }

    var auth: GatewayConfiguration.Auth
    var verifier: DeviceProofVerifier
    var limiter: AuthRateLimiter
    var devices: any DeviceStoring
    var pairings: PendingDevicePairings

    func authenticate(_ facts: Facts) async throws(Rejection) -> Acceptance {
        let params = facts.params
        let role = params.role ?? .operator
        guard GatewayRole.supported.contains(role) else {
            let accepted = GatewayRole.supported.map(\.rawValue).joined(separator: " or ")
            throw Rejection(error: .invalidRequest("invalid role: \(role.rawValue) (expected \(accepted))"))
        }
        var scopes = Self.effectiveScopes(params: params, role: role, protocolVersion: facts.protocolVersion)
        if facts.browserOrigin != nil, role == .operator, (params.scopes ?? []).isEmpty {
            // v3's "no scopes means admin" never applies to a page: it gets what WebChat needs.
            scopes = BrowserScopes.defaults
        }

        if let retryAfter = limiter.retryAfterMs(key: facts.limiterKey, nowMs: facts.nowMs) {
            throw Rejection(error: AuthRateLimiter.connectError(retryAfterMs: retryAfter))
        }
        let shared = sharedSecretOutcome(params.auth)

        var device: VerifiedDevice?
        if params.device != nil {
            switch verifier.verify(params, challengeNonce: facts.challengeNonce, nowMs: facts.nowMs) {
            case .success(let verified): device = verified
            case .failure(let failure):
                throw Rejection(error: .invalidRequest(failure.message, details: ["code": .string(failure.code.rawValue), "reason": .string(failure.reason)]))
            }
        }

        guard let device else {
            if role == .node {
                throw Rejection(
                    error: GatewayError(
                        code: .notPaired, message: "device identity required",
                        details: ["code": .string(GatewayDetailCode.deviceIdentityRequired.rawValue)]
                    )
                )
            }
            if case .failure(let error) = shared {
                limiter.recordFailure(key: facts.limiterKey, nowMs: facts.nowMs)
                throw Rejection(error: error)
            }
            if facts.browserOrigin != nil, let refused = BrowserScopes.privileged(in: scopes) {
                throw Rejection(error: BrowserScopes.deviceRequired(refused))
            }
            return Acceptance(principal: principal(params, role: role, scopes: scopes, deviceId: nil, method: sharedMethod), deviceToken: nil)
        }
        return try await authenticateDevice(device, facts: facts, role: role, scopes: scopes, shared: shared)
    }

    private func authenticateDevice(
        _ device: VerifiedDevice, facts: Facts, role: GatewayRole, scopes: [OperatorScope], shared: Result<Void, GatewayError>
    ) async throws(Rejection) -> Acceptance {
        let params = facts.params
        let record: PairedDevice?
        do {
            record = try await devices.device(id: device.id, role: role.rawValue)
        } catch {
            throw Rejection(error: .unavailable("device store unavailable; retry shortly", retryAfterMs: 1000), closeCode: 1013)
        }
        let covered = record.map { Set(scopes.map(\.rawValue)).isSubset(of: Set($0.scopes)) } ?? false

        switch shared {
        case .failure(let sharedError):
            // The shared secret failed: a valid device token for this (device, role) still admits it.
            let candidate = params.auth?.deviceToken ?? params.auth?.token
            // An approved device collects its token once by its signature alone (it sent no secret).
            if let record, covered, candidate == nil, params.auth?.password == nil,
                pairings.claim(.init(deviceId: device.id, role: role.rawValue), nowMs: facts.nowMs)
            {
                try? await devices.touch(deviceId: device.id, role: role.rawValue, atMs: facts.nowMs)
                return Acceptance(
                    principal: principal(params, role: role, scopes: scopes, deviceId: device.id, method: .deviceToken),
                    deviceToken: record.token, issuedAtMs: record.approvedAtMs
                )
            }
            guard let record, let candidate, SecretComparison.equal(candidate, record.token) else {
                limiter.recordFailure(key: facts.limiterKey, nowMs: facts.nowMs)
                if params.auth?.deviceToken != nil {
                    throw Rejection(
                        error: .invalidRequest(
                            "unauthorized: device token mismatch (re-pair the device or connect with the gateway token)",
                            details: ["code": .string(GatewayDetailCode.authDeviceTokenMismatch.rawValue), "canRetryWithDeviceToken": false]
                        )
                    )
                }
                var error = sharedError
                if case .object(var details) = error.details {
                    details["canRetryWithDeviceToken"] = .bool(record != nil)
                    error.details = .object(details)
                }
                throw Rejection(error: error)
            }
            guard covered else {
                throw requestPairing(device, facts: facts, role: role, scopes: scopes, reason: "scope-upgrade")
            }
            // Paired while the gateway had no auth (by anyone on the machine): not a credential now.
            if record.pairedWithoutAuth && auth.effectiveMode != .none {
                var error = pairingRequired(device, role: role, scopes: scopes, reason: "not-paired")
                error.message = "pairing required: this device was paired while the gateway had no auth; connect once with the gateway token to pair it again"
                throw Rejection(error: error)
            }
            try? await devices.touch(deviceId: device.id, role: role.rawValue, atMs: facts.nowMs)
            return Acceptance(
                principal: principal(params, role: role, scopes: scopes, deviceId: device.id, method: .deviceToken),
                deviceToken: record.token, issuedAtMs: record.approvedAtMs
            )
        case .success:
            if var record, covered {
                if record.pairedWithoutAuth && auth.effectiveMode != .none {
                    // It just proved the gateway's secret: its pairing now stands under auth.
                    record.pairedWithoutAuth = false
                    try? await devices.save(record)
                }
                try? await devices.touch(deviceId: device.id, role: role.rawValue, atMs: facts.nowMs)
                return Acceptance(
                    principal: principal(params, role: role, scopes: scopes, deviceId: device.id, method: sharedMethod),
                    deviceToken: record.token, issuedAtMs: record.approvedAtMs
                )
            }
            // Loopback devices are paired silently, but a page only with the gateway's secret or
            // for what WebChat needs: a page never pairs itself into privileged scopes.
            let pageMayPair = facts.browserOrigin == nil || auth.effectiveMode != .none || BrowserScopes.privileged(in: scopes) == nil
            guard facts.isLoopback, pageMayPair else {
                throw requestPairing(device, facts: facts, role: role, scopes: scopes, reason: record == nil ? "not-paired" : "scope-upgrade")
            }
            // Loopback devices are approved silently (§2.7); an upgrade keeps earlier scopes.
            let approvedScopes = Array(Set((record?.scopes ?? []) + scopes.map(\.rawValue))).sorted()
            let paired = PairedDevice(
                deviceId: device.id, role: role.rawValue, publicKey: device.publicKey, scopes: approvedScopes,
                token: record?.token ?? SecretComparison.makeToken(), displayName: params.client.displayName,
                platform: params.client.platform, clientId: params.client.id, approvedAtMs: facts.nowMs, lastSeenAtMs: facts.nowMs,
                pairedWithoutAuth: auth.effectiveMode == .none
            )
            do {
                try await devices.save(paired)
            } catch {
                throw Rejection(error: .unavailable("device store unavailable; retry shortly", retryAfterMs: 1000), closeCode: 1013)
            }
            return Acceptance(
                principal: principal(params, role: role, scopes: scopes, deviceId: device.id, method: sharedMethod),
                deviceToken: paired.token, issuedAtMs: paired.approvedAtMs, approvedDevice: device.id
            )
        }
    }

    private var sharedMethod: Principal.Method {
        switch auth.effectiveMode {
        case .none: .none
        case .token: .token
        case .password: .password
        }
    }

    /// Checks the shared secret against the configured mode.
    private func sharedSecretOutcome(_ provided: ConnectAuth?) -> Result<Void, GatewayError> {
        func failure(_ code: GatewayDetailCode, _ message: String) -> Result<Void, GatewayError> {
            .failure(
                .invalidRequest(
                    message,
                    details: ["code": .string(code.rawValue), "recommendedNextStep": "update_auth_credentials", "canRetryWithDeviceToken": false]
                )
            )
        }
        switch auth.effectiveMode {
        case .none:
            return .success(())
        case .token:
            guard let token = provided?.token, !token.isEmpty else {
                return failure(.authTokenMissing, "unauthorized: gateway token missing (send auth.token; the gateway's is set by gateway.auth.token or SWITCHBOARD_GATEWAY_TOKEN)")
            }
            return SecretComparison.equal(token, auth.token ?? "") ? .success(()) : failure(.authTokenMismatch, "unauthorized: gateway token mismatch")
        case .password:
            guard let password = provided?.password, !password.isEmpty else {
                return failure(.authPasswordMissing, "unauthorized: gateway password missing (send auth.password)")
            }
            return SecretComparison.equal(password, auth.password ?? "")
                ? .success(()) : failure(.authPasswordMismatch, "unauthorized: gateway password mismatch")
        }
    }

    private func pairingRequired(_ device: VerifiedDevice, role: GatewayRole, scopes: [OperatorScope], reason: String) -> GatewayError {
        GatewayError(
            code: .notPaired,
            message: "pairing required",
            details: [
                "code": .string(GatewayDetailCode.pairingRequired.rawValue),
                "reason": .string(reason),
                "deviceId": .string(device.id),
                "requestedRole": .string(role.rawValue),
                "requestedScopes": .array(scopes.map { .string($0.rawValue) }),
                "recommendedNextStep": "wait_then_retry",
                "remediationHint": "approve this device on the gateway host, or connect from the gateway host itself",
                "pauseReconnect": true,
            ]
        )
    }

    /// Files (or finds) the device's pairing request and refuses the connect with its id and
    /// what to run on the gateway host.
    private func requestPairing(_ device: VerifiedDevice, facts: Facts, role: GatewayRole, scopes: [OperatorScope], reason: String) -> Rejection {
        let params = facts.params
        var template = DevicePairRequest(requestId: "", deviceId: device.id, publicKey: device.publicKey, ts: facts.nowMs)
        template.displayName = params.client.displayName
        template.platform = params.client.platform
        template.deviceFamily = params.client.deviceFamily
        template.clientId = params.client.id
        template.clientMode = params.client.mode
        template.role = role.rawValue
        template.roles = [role.rawValue]
        template.scopes = scopes.map(\.rawValue)
        template.remoteIp = facts.remoteAddress
        template.isRepair = reason != "not-paired"
        var error = pairingRequired(device, role: role, scopes: scopes, reason: reason)
        let request: DevicePairRequest
        var created = false
        switch pairings.request(template, nowMs: facts.nowMs) {
        case .created(let new):
            request = new
            created = true
        case .existing(let existing):
            request = existing
        case .full:
            error.message = "pairing required, but \(pairings.maxPending) requests already wait (gateway.pairing.maxPending); approve or reject them on the gateway host (switchboard devices list) and retry"
            return Rejection(error: error)
        }
        let minutes = max(1, ((request.expiresAtMs ?? facts.nowMs) - facts.nowMs + 59_999) / 60_000)
        error.message =
            "pairing required: waiting for approval — run `switchboard devices approve \(request.requestId)` on the gateway host (the request lapses in \(minutes) min; connect again after it is approved)"
        if case .object(var details) = error.details {
            details["requestId"] = .string(request.requestId)
            error.details = .object(details)
        }
        return Rejection(error: error, requested: created ? request : nil)
    }

    private func principal(_ params: ConnectParams, role: GatewayRole, scopes: [OperatorScope], deviceId: String?, method: Principal.Method) -> Principal {
        Principal(
            role: role, scopes: scopes, deviceId: deviceId, method: method, client: params.client, caps: Set(params.caps ?? []),
            commands: role == .node ? params.commands ?? [] : [], permissions: role == .node ? params.permissions ?? [:] : [:])
    }

    /// v3: an operator asking for no scopes gets admin; v4: default-deny (§2.5). Nodes hold none.
    static func effectiveScopes(params: ConnectParams, role: GatewayRole, protocolVersion: Int) -> [OperatorScope] {
        guard role == .operator else { return [] }
        let requested = params.scopes ?? []
        if requested.isEmpty && protocolVersion < 4 { return [.admin] }
        var seen = Set<OperatorScope>()
        return requested.filter { seen.insert($0).inserted }
    }
}
