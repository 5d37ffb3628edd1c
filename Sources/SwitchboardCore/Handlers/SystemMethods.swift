import Foundation
import SwitchboardProtocol

/// `health`, `status`, `system-presence`, `system-event` (`last-heartbeat` is with the heartbeat).
struct SystemMethods {
    let parts: GatewayRuntimeParts

    func register(into registry: inout MethodRegistry) {
        let parts = parts
        // The cached summary is answered on the event loop; a probe refreshes, so it waits.
        registry.registerEncoded(
            Health.self,
            immediate: { params, _ in params.probe == true ? nil : try parts.health.encodedSummary() },
            { params, _ in
                if params.probe == true { return try EncodedPayload(await parts.health.refreshReadingStore()) }
                return try parts.health.encodedSummary()
            }
        )
        registry.register(Status.self) { _, context in
            let census = parts.connections.census
            let config = parts.loaded.configuration
            let admin = context.principal.isAdmin
            let automation = admin ? await parts.automation.statusSummary() : nil
            var result = Status.Result(
                version: parts.version,
                pid: Int(ProcessInfo.processInfo.processIdentifier),
                startedAtMs: parts.startedAtMs,
                uptimeMs: parts.clock.nowMs() - parts.startedAtMs,
                bind: config.bindHost,
                port: parts.boundPort.port ?? config.gateway.port,
                authMode: config.gateway.auth.effectiveMode.rawValue,
                protocolVersions: Array(ProtocolVersion.minimumSupported...ProtocolVersion.current),
                connections: .init(total: census.authenticated, operators: census.operators, nodes: census.nodes),
                stateDir: admin ? parts.loaded.paths.stateDir : nil,
                configPath: admin ? parts.loaded.paths.configPath : nil
            )
            result.automation = automation
            result.tls = .init(enabled: parts.tlsFingerprint != nil, fingerprintSha256: parts.tlsFingerprint?.description)
            result.runs = parts.host.metrics.runActivity.snapshot(active: parts.agent.runs.activeCount, nowMs: parts.clock.nowMs())
            return result
        }
        registry.register(SystemPresence.self) { _, _ in parts.presence.entries }
        registry.register(SystemEvent.self) { params, context in
            if let problem = Self.problem(params) { throw GatewayError.invalidRequest("invalid params: \(problem)") }
            var entry = PresenceEntry(ts: parts.clock.nowMs())
            entry.text = params.text
            // A client speaks for its own device, never another's.
            entry.deviceId = context.principal.deviceId ?? params.deviceId
            entry.instanceId = params.instanceId
            entry.host = params.host
            entry.ip = params.ip
            entry.mode = params.mode
            entry.version = params.version
            entry.platform = params.platform
            entry.deviceFamily = params.deviceFamily
            entry.modelIdentifier = params.modelIdentifier
            entry.lastInputSeconds = params.lastInputSeconds
            entry.reason = params.reason ?? "system-event"
            entry.roles = params.roles
            entry.scopes = params.scopes
            entry.tags = params.tags
            let key = PresenceRegistry.key(deviceId: entry.deviceId, instanceId: entry.instanceId, connectionId: context.connectionId)
            parts.presence.upsert(key: key, entry: entry)
            parts.presenceNotifier.broadcastNow()
            return OKResult()
        }
    }

    /// Longest `system-event` text: it is kept in presence and broadcast to every client.
    static let maxEventText = 65_536

    static func problem(_ params: SystemEvent.Params) -> String? {
        if let problem = InputLimits.problem(params.text, field: "text", max: maxEventText) { return problem }
        let fields: [(String?, String)] = [
            (params.deviceId, "deviceId"), (params.instanceId, "instanceId"), (params.host, "host"), (params.ip, "ip"), (params.mode, "mode"),
            (params.version, "version"), (params.platform, "platform"), (params.deviceFamily, "deviceFamily"),
            (params.modelIdentifier, "modelIdentifier"), (params.reason, "reason"),
        ]
        for (value, field) in fields {
            if let problem = InputLimits.problem(value, field: field, max: InputLimits.clientField) { return problem }
        }
        return InputLimits.problem(params.roles, field: "roles") ?? InputLimits.problem(params.scopes, field: "scopes")
            ?? InputLimits.problem(params.tags, field: "tags")
    }
}
