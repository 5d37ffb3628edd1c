import Logging
import SwitchboardProtocol

/// The `connect` step of a session: authenticate, answer `hello-ok`, subscribe the connection
/// to broadcasts and announce it (§3).
struct ConnectHandshake {
    let session: ConnectionSession

    private var runtime: GatewayRuntime { session.runtime }
    private var connection: GatewayConnection { session.connection }
    private var logger: Logger { session.logger }

    /// Returns false when the connect was rejected (the error is sent and the socket closing).
    func connect(id: String, params: ConnectParams, version: Int, nonce: String) async -> Bool {
        let facts = ConnectAuthenticator.Facts(
            params: params, protocolVersion: version, challengeNonce: nonce, remoteAddress: connection.remoteAddress,
            isLoopback: connection.isLoopback
                || (runtime.configuration.gateway.pairingTrustHostAddresses && HostAddresses.contains(connection.remoteAddress)),
            nowMs: runtime.clock.nowMs(), browserOrigin: session.browserOrigin
        )
        let acceptance: ConnectAuthenticator.Acceptance
        do {
            acceptance = try await runtime.authenticator.authenticate(facts)
        } catch {
            if error.error.detailCode == .authRateLimited { runtime.host.metrics.recordAuthRateLimited() }
            logger.info(
                "connect rejected",
                metadata: ["sb.error.code": "\(error.error.code.rawValue)", "sb.error.detail": "\(error.error.detailCode?.rawValue ?? "")"]
            )
            if var request = error.requested {
                // OpenClaw's event schema is closed: the lapse time is in device.pair.list only.
                request.expiresAtMs = nil
                runtime.bus.broadcast(DevicePairRequestedEvent.self, request)
            }
            connection.send(Dispatcher.errorFrame(id: id, error.error))
            connection.queue.requestClose(code: error.closeCode, reason: error.error.message)
            return false
        }
        let principal = acceptance.principal
        let presenceKey: String? =
            params.client.mode == "cli"
            ? nil : PresenceRegistry.key(deviceId: principal.deviceId, instanceId: params.client.instanceId, connectionId: connection.id)
        connection.authenticated(as: principal, protocolVersion: version, presenceKey: presenceKey)
        runtime.connections.authenticated(connection, as: principal)
        if let presenceKey {
            runtime.presence.upsert(key: presenceKey, entry: presenceEntry(params: params, principal: principal))
        }
        let hello = HelloBuilder(runtime: runtime).hello(protocolVersion: version, connectionId: connection.id, principal: principal, acceptance: acceptance)
        connection.send(Dispatcher.successFrame(id: id, hello))
        runtime.bus.subscribe(connection)
        logger.info(
            "client connected",
            metadata: [
                "sb.client.id": "\(params.client.id)", "sb.client.mode": "\(params.client.mode)", "sb.role": "\(principal.role.rawValue)",
                "sb.protocol": "\(version)", "sb.auth.method": "\(principal.method.rawValue)",
            ]
        )
        if presenceKey != nil { runtime.presenceNotifier.changed() }
        if let deviceId = acceptance.approvedDevice {
            runtime.bus.broadcast(
                DevicePairResolvedEvent.self,
                .init(requestId: "silent-\(deviceId.prefix(12))", deviceId: deviceId, decision: "approved", ts: runtime.clock.nowMs())
            )
        }
        runtime.health.requestRefresh()
        return true
    }

    private func presenceEntry(params: ConnectParams, principal: Principal) -> PresenceEntry {
        var entry = PresenceEntry(ts: runtime.clock.nowMs())
        entry.host = params.client.displayName
        entry.ip = connection.remoteAddress
        entry.version = params.client.version
        entry.platform = params.client.platform
        entry.deviceFamily = params.client.deviceFamily
        entry.modelIdentifier = params.client.modelIdentifier
        entry.mode = params.client.mode
        entry.reason = "connect"
        entry.deviceId = principal.deviceId
        entry.roles = [principal.role.rawValue]
        entry.scopes = principal.scopes.map(\.rawValue)
        entry.instanceId = params.client.instanceId
        return entry
    }
}
