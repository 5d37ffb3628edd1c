import SwitchboardPluginAPI
import SwitchboardProtocol

/// `device.pair.approve` and `device.pair.reject` (§5.5): an operator decides a pending request.
/// Approval pairs the device with the role and scopes it asked for (the approver must hold
/// them) and issues its device token, which it collects on its next connect.
struct DevicePairingMethods {
    let parts: GatewayRuntimeParts

    func register(into registry: inout MethodRegistry) {
        let parts = parts
        registry.register(DevicePairApprove.self) { params, context in
            let now = parts.clock.nowMs()
            guard let request = parts.pairings.list(nowMs: now).first(where: { $0.requestId == params.requestId }) else {
                throw GatewayError.invalidRequest(Self.unknown(params.requestId))
            }
            let requested = (request.scopes ?? []).compactMap(OperatorScope.init(rawValue:))
            if let missing = requested.first(where: { !context.principal.has($0) }) {
                throw GatewayError.invalidRequest("missing scope: \(missing.rawValue) (the device asks for it; only an operator holding it may approve)")
            }
            // Taken only now: a refused approval leaves the request for someone who may approve it.
            guard let taken = parts.pairings.take(requestId: params.requestId, nowMs: now) else {
                throw GatewayError.invalidRequest(Self.unknown(params.requestId))
            }
            let role = taken.role ?? GatewayRole.operator.rawValue
            let existing = try await parts.devices.device(id: taken.deviceId, role: role)
            let scopes = Array(Set((existing?.scopes ?? []) + (taken.scopes ?? []))).sorted()
            let record = PairedDevice(
                deviceId: taken.deviceId, role: role, publicKey: taken.publicKey, scopes: scopes,
                token: existing?.token ?? SecretComparison.makeToken(), displayName: params.displayName ?? taken.displayName, platform: taken.platform,
                clientId: taken.clientId, approvedAtMs: now, lastSeenAtMs: nil,
                pairedWithoutAuth: parts.loaded.configuration.gateway.auth.effectiveMode == .none)
            try await parts.devices.save(record)
            parts.pairings.approved(.init(deviceId: taken.deviceId, role: role), nowMs: now)
            parts.bus.broadcast(DevicePairResolvedEvent.self, .init(requestId: taken.requestId, deviceId: taken.deviceId, decision: "approved", ts: now))
            let summary = PairedDeviceSummary(
                deviceId: record.deviceId, publicKey: record.publicKey, displayName: record.displayName, platform: record.platform,
                clientId: record.clientId, roles: [role], scopes: scopes,
                tokens: [.init(role: role, scopes: scopes, issuedAtMs: now, lastUsedAtMs: nil)], approvedAtMs: now,
                pairedWithoutAuth: record.pairedWithoutAuth)
            return DevicePairApprove.Result(requestId: taken.requestId, device: summary)
        }
        registry.register(DevicePairReject.self) { params, _ in
            let now = parts.clock.nowMs()
            guard let taken = parts.pairings.take(requestId: params.requestId, nowMs: now) else {
                throw GatewayError.invalidRequest(Self.unknown(params.requestId))
            }
            parts.bus.broadcast(DevicePairResolvedEvent.self, .init(requestId: taken.requestId, deviceId: taken.deviceId, decision: "rejected", ts: now))
            return DevicePairReject.Result(requestId: taken.requestId, deviceId: taken.deviceId, ts: now)
        }
    }

    static func unknown(_ requestId: String) -> String {
        "unknown requestId \"\(requestId.prefix(128))\" (requests lapse after gateway.pairing.requestTtlMs; device.pair.list shows the live ones)"
    }
}
