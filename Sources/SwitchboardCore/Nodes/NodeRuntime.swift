import Foundation
import SwitchboardPluginAPI
import SwitchboardProtocol
import Synchronization

/// The gateway's nodes (connections with role `node`, and devices paired as nodes) and the
/// invocations waiting for their answers.
///
/// `node.invoke` sends the node a targeted `node.invoke.request` and waits for its
/// `node.invoke.result`; each way it can end is a distinct error: the node is not connected,
/// the command is not one it declared, it does not answer in time, it disconnects first, or it
/// reports a failure.
final class NodeRuntime: Sendable {
    enum Outcome: Sendable {
        case answered(NodeInvokeResult.Params)
        case disconnected
    }

    private struct Waiting {
        var connectionId: String
        var nodeId: String
        var continuation: CheckedContinuation<Outcome, Never>
    }

    let connections: ConnectionRegistry
    let devices: any DeviceStoring
    let bus: EventBus
    let clock: GatewayClock
    /// The older `node.pair.*` path.
    let pairings: NodePairings
    private let waiting = Mutex<[String: Waiting]>([:])

    /// `node.invoke`'s default wait (OpenClaw's 30 s) and the longest a caller may ask for.
    static let defaultTimeoutMs = 30_000
    static let maximumTimeoutMs = 600_000

    init(connections: ConnectionRegistry, devices: any DeviceStoring, pairings: NodePairings, bus: EventBus, clock: GatewayClock) {
        self.connections = connections
        self.devices = devices
        self.pairings = pairings
        self.bus = bus
        self.clock = clock
    }

    static func nodeId(of principal: Principal) -> String { principal.deviceId ?? principal.client.id }

    /// Connected nodes, with the principal each connected as.
    var connected: [(connection: GatewayConnection, principal: Principal)] {
        connections.all.compactMap { connection in
            guard let principal = connection.principal, principal.role == .node else { return nil }
            return (connection, principal)
        }
    }

    /// Paired and connected nodes: connected first, then by name.
    func summaries() async throws -> [NodeSummary] {
        var byId: [String: NodeSummary] = [:]
        for device in try await devices.allDevices() where device.role == GatewayRole.node.rawValue {
            var summary = NodeSummary(nodeId: device.deviceId, caps: [], commands: [], paired: true, connected: false)
            summary.displayName = device.displayName
            summary.platform = device.platform
            summary.lastSeenAtMs = device.lastSeenAtMs
            summary.lastSeenReason = device.lastSeenAtMs == nil ? nil : device.lastSeenReason ?? "connect"
            byId[device.deviceId] = summary
        }
        for node in try await pairings.store.allNodes() where byId[node.nodeId] == nil {
            var summary = NodeSummary(nodeId: node.nodeId, caps: node.caps ?? [], commands: node.commands ?? [], paired: true, connected: false)
            summary.displayName = node.displayName
            summary.platform = node.platform
            summary.version = node.version
            byId[node.nodeId] = summary
        }
        for (connection, principal) in connected {
            let id = Self.nodeId(of: principal)
            var summary = byId[id] ?? NodeSummary(nodeId: id, caps: [], commands: [], paired: false, connected: true)
            summary.connected = true
            summary.caps = principal.caps.sorted()
            summary.commands = principal.commands
            summary.permissions = principal.permissions.isEmpty ? nil : principal.permissions
            summary.displayName = summary.displayName ?? principal.client.displayName
            summary.platform = principal.client.platform
            summary.version = principal.client.version
            summary.deviceFamily = principal.client.deviceFamily
            summary.modelIdentifier = principal.client.modelIdentifier
            summary.remoteIp = connection.remoteAddress
            summary.connectedAtMs = connection.connectedAtMs
            // Connected: seen now, by its connection.
            summary.lastSeenAtMs = connection.connectedAtMs
            summary.lastSeenReason = "connect"
            byId[id] = summary
        }
        return byId.values.sorted { ($0.connected ? 0 : 1, $0.displayName ?? $0.nodeId) < ($1.connected ? 0 : 1, $1.displayName ?? $1.nodeId) }
    }

    func invoke(_ params: NodeInvoke.Params) async throws -> NodeInvoke.Result {
        guard let (connection, principal) = connected.first(where: { Self.nodeId(of: $0.principal) == params.nodeId }) else {
            throw GatewayError(code: .unavailable, message: "node not connected", details: ["code": "NOT_CONNECTED", "nodeId": .string(params.nodeId)])
        }
        guard principal.commands.contains(params.command) else {
            throw GatewayError.invalidRequest(
                "node command not allowed: \(params.command.prefix(128)) is not one the node declared (\(principal.commands.joined(separator: ", ")))",
                details: ["reason": "not-declared", "command": .string(params.command)])
        }
        let timeoutMs = min(max(1, params.timeoutMs ?? Self.defaultTimeoutMs), Self.maximumTimeoutMs)
        let id = UUID().uuidString.lowercased()
        let paramsJSON = params.params.map { GatewayJSON.string($0) }
        let request = NodeInvokeRequestEvent.Payload(
            id: id, nodeId: params.nodeId, command: params.command, paramsJSON: paramsJSON, timeoutMs: timeoutMs, idempotencyKey: params.idempotencyKey)
        let outcome: Outcome? = await withTaskGroup(of: Outcome?.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    self.waiting.withLock { $0[id] = Waiting(connectionId: connection.id, nodeId: params.nodeId, continuation: continuation) }
                    // Sent once the answer can be matched to it.
                    self.bus.send(NodeInvokeRequestEvent.self, request, to: connection)
                    // A node that left between the lookup and now: nobody will answer.
                    if connection.principal == nil || !self.connections.all.contains(where: { $0.id == connection.id }) { self.disconnected(connection.id) }
                }
            }
            group.addTask {
                try? await Task.sleep(for: .milliseconds(timeoutMs))
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            if first == nil, let stale = self.waiting.withLock({ $0.removeValue(forKey: id) }) {
                stale.continuation.resume(returning: .disconnected)  // ends the first task; the outcome is the timeout
                _ = await group.next()
            }
            return first
        }
        switch outcome {
        case nil:
            throw GatewayError(code: .unavailable, message: "node invoke timed out after \(timeoutMs) ms", details: ["code": "TIMEOUT", "nodeId": .string(params.nodeId)])
        case .disconnected?:
            throw GatewayError(code: .unavailable, message: "node disconnected before it answered", details: ["code": "NODE_DISCONNECTED", "nodeId": .string(params.nodeId)])
        case .answered(let answer)?:
            guard answer.ok else {
                let message = answer.error?.message ?? "the node reported a failure"
                var details: [String: JSONValue] = ["code": "NODE_ERROR", "nodeId": .string(params.nodeId)]
                if let code = answer.error?.code { details["nodeCode"] = .string(code) }
                throw GatewayError(code: .unavailable, message: "node \(params.command) failed: \(message)", details: .object(details))
            }
            var payload = answer.payload
            if payload == nil, let text = answer.payloadJSON { payload = try? GatewayJSON.decoder.decode(JSONValue.self, from: Data(text.utf8)) }
            return NodeInvoke.Result(nodeId: params.nodeId, command: params.command, payload: payload, payloadJSON: answer.payloadJSON)
        }
    }

    /// `node.presence.alive` (v4): a paired node that woke in the background records when (by
    /// this gateway's clock) and why; only for a node with a paired device identity.
    func recordAlive(principal: Principal, payload: JSONValue?) async throws -> NodeEventMethod.Result {
        let event = NodeEventMethod.presenceAlive
        guard let deviceId = principal.deviceId else {
            return .init(event: event, handled: false, reason: "no device identity: only a paired node device is recorded")
        }
        guard try await devices.device(id: deviceId, role: GatewayRole.node.rawValue) != nil else {
            return .init(event: event, handled: false, reason: "this device is not paired as a node")
        }
        let trigger = payload?["trigger"]?.stringValue.flatMap { NodeEventMethod.aliveTriggers.contains($0) ? $0 : nil } ?? "background"
        try await devices.touch(deviceId: deviceId, role: GatewayRole.node.rawValue, atMs: clock.nowMs(), reason: trigger)
        return .init(event: event, handled: true)
    }

    /// A node's answer; false when nobody waits for it (late, or not this node's).
    func resolve(_ answer: NodeInvokeResult.Params, from principal: Principal) throws -> Bool {
        guard answer.nodeId == Self.nodeId(of: principal) else { throw GatewayError.invalidRequest("nodeId mismatch: this connection is node \(Self.nodeId(of: principal))") }
        let waiter = waiting.withLock { waiting -> Waiting? in
            guard let found = waiting[answer.id], found.nodeId == answer.nodeId else { return nil }
            return waiting.removeValue(forKey: answer.id)
        }
        guard let waiter else { return false }
        waiter.continuation.resume(returning: .answered(answer))
        return true
    }

    /// The connection closed: its waiting invocations end now.
    func disconnected(_ connectionId: String) {
        let ended = waiting.withLock { waiting -> [Waiting] in
            let mine = waiting.filter { $0.value.connectionId == connectionId }
            for key in mine.keys { waiting.removeValue(forKey: key) }
            return Array(mine.values)
        }
        for waiter in ended { waiter.continuation.resume(returning: .disconnected) }
    }
}
