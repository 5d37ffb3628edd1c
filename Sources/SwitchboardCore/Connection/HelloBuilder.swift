import Foundation
import SwitchboardProtocol

/// Builds `hello-ok` in the shape the negotiated protocol version defines (§2.8).
struct HelloBuilder {
    let runtime: GatewayRuntime

    func hello(protocolVersion: Int, connectionId: String, principal: Principal, acceptance: ConnectAuthenticator.Acceptance) -> HelloOK {
        let isV4 = protocolVersion >= 4
        let auth = HelloOK.HelloAuth(
            deviceToken: acceptance.deviceToken, role: principal.role, scopes: principal.scopes, issuedAtMs: acceptance.issuedAtMs
        )
        return HelloOK(
            protocol: protocolVersion,
            server: .init(version: runtime.version, connId: connectionId),
            features: .init(methods: runtime.registry.names, events: EventCatalog.names, capabilities: isV4 ? [] : nil),
            snapshot: snapshot(for: principal),
            // v3 sends auth only when a device token was issued; v4 always.
            auth: (isV4 || acceptance.deviceToken != nil) ? auth : nil,
            policy: runtime.policy
        )
    }

    func snapshot(for principal: Principal) -> Snapshot {
        Snapshot(
            presence: runtime.presence.entries,
            health: runtime.health.summary,
            stateVersion: runtime.health.stateVersion,
            uptimeMs: runtime.clock.nowMs() - runtime.startedAtMs,
            configPath: principal.isAdmin ? runtime.loaded.paths.configPath : nil,
            stateDir: principal.isAdmin ? runtime.loaded.paths.stateDir : nil,
            sessionDefaults: .init(defaultAgentId: "main", mainKey: "main", mainSessionKey: "agent:main:main"),
            authMode: runtime.configuration.gateway.auth.effectiveMode.rawValue
        )
    }
}
