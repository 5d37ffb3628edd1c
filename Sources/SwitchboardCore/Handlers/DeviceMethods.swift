import SwitchboardPluginAPI
import SwitchboardProtocol

/// `device.pair.list`, `device.pair.remove`, `device.token.rotate`, `device.token.revoke`
/// (§5.5). Taking a credential away also closes the sockets that were admitted with it.
struct DeviceMethods {
    let parts: GatewayRuntimeParts

    func register(into registry: inout MethodRegistry) {
        let parts = parts
        let devices = parts.devices
        registry.register(DevicePairList.self) { _, _ in
            let records = try await devices.allDevices()
            let grouped = Dictionary(grouping: records, by: \.deviceId)
            let paired = grouped.keys.sorted().compactMap { id -> PairedDeviceSummary? in
                guard let roles = grouped[id], let first = roles.first else { return nil }
                return PairedDeviceSummary(
                    deviceId: id, publicKey: first.publicKey, displayName: first.displayName, platform: first.platform, clientId: first.clientId,
                    roles: roles.map(\.role).sorted(), scopes: Array(Set(roles.flatMap(\.scopes))).sorted(),
                    tokens: roles.map { .init(role: $0.role, scopes: $0.scopes, issuedAtMs: $0.approvedAtMs, lastUsedAtMs: $0.lastSeenAtMs) },
                    approvedAtMs: roles.map(\.approvedAtMs).min() ?? first.approvedAtMs, pairedWithoutAuth: roles.contains { $0.pairedWithoutAuth }
                )
            }
            return DevicePairList.Result(pending: parts.pairings.list(nowMs: parts.clock.nowMs()), paired: paired)
        }
        registry.register(DevicePairRemove.self) { params, _ in
            guard !(try await devices.allDevices()).filter({ $0.deviceId == params.deviceId }).isEmpty else {
                throw GatewayError.invalidRequest("unknown deviceId \"\(params.deviceId.prefix(128))\"; device.pair.list shows the paired devices")
            }
            try await devices.remove(deviceId: params.deviceId)
            Self.disconnect(parts, deviceId: params.deviceId, role: nil, reason: "device unpaired")
            return DevicePairRemove.Result(deviceId: params.deviceId, removedAtMs: parts.clock.nowMs())
        }
        registry.register(DeviceTokenRevoke.self) { params, _ in
            guard try await devices.remove(deviceId: params.deviceId, role: params.role) else {
                throw GatewayError.invalidRequest("no token for device \"\(params.deviceId.prefix(128))\" with role \"\(params.role.prefix(32))\"")
            }
            Self.disconnect(parts, deviceId: params.deviceId, role: params.role, reason: "device token revoked")
            return DeviceTokenRevoke.Result(deviceId: params.deviceId, role: params.role, revokedAtMs: parts.clock.nowMs())
        }
        registry.register(DeviceTokenRotate.self) { params, _ in
            guard var record = try await devices.device(id: params.deviceId, role: params.role) else {
                throw GatewayError.invalidRequest("no token for device \"\(params.deviceId.prefix(128))\" with role \"\(params.role.prefix(32))\"")
            }
            if let scopes = params.scopes {
                let extra = Set(scopes).subtracting(record.scopes)
                guard extra.isEmpty else {
                    throw GatewayError.invalidRequest(
                        "device token rotation denied: \(extra.sorted().joined(separator: ", ")) not approved for this device (approved: \(record.scopes.joined(separator: ", ")))"
                    )
                }
                record.scopes = scopes
            }
            let now = parts.clock.nowMs()
            record.token = SecretComparison.makeToken()
            record.approvedAtMs = now
            try await devices.save(record)
            Self.disconnect(parts, deviceId: params.deviceId, role: params.role, reason: "device token rotated")
            return DeviceTokenRotate.Result(deviceId: record.deviceId, role: record.role, token: record.token, scopes: record.scopes, rotatedAtMs: now)
        }
    }

    /// Closes the sockets a device was admitted on (for `role`, or all of them).
    static func disconnect(_ parts: GatewayRuntimeParts, deviceId: String, role: String?, reason: String) {
        for connection in parts.connections.all {
            guard let principal = connection.principal, principal.deviceId == deviceId, role == nil || principal.role.rawValue == role else { continue }
            connection.queue.requestClose(code: 1008, reason: reason)
        }
    }
}
