import Foundation
import SwitchboardPluginAPI
import SwitchboardProtocol

/// `node.list`, `node.describe`, `node.rename`, `node.invoke` (operators) and
/// `node.invoke.result`, `node.event` (nodes).
struct NodeMethods {
    let parts: GatewayRuntimeParts

    func register(into registry: inout MethodRegistry) {
        let parts = parts
        let nodes = parts.nodes
        registry.register(NodeList.self) { _, _ in NodeList.Result(ts: parts.clock.nowMs(), nodes: try await nodes.summaries()) }
        registry.register(NodeDescribe.self) { params, _ in
            guard let node = try await nodes.summaries().first(where: { $0.nodeId == params.nodeId }) else {
                throw GatewayError.invalidRequest("unknown nodeId \"\(params.nodeId.prefix(128))\" (node.list shows the nodes)")
            }
            return node
        }
        registry.register(NodeRename.self) { params, _ in
            let name = params.displayName.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !name.isEmpty else { throw GatewayError.invalidRequest("invalid params: displayName: must not be empty") }
            guard var record = try await parts.devices.device(id: params.nodeId, role: GatewayRole.node.rawValue) else {
                throw GatewayError.invalidRequest("unknown nodeId \"\(params.nodeId.prefix(128))\": only a paired node can be renamed (node.list shows them)")
            }
            record.displayName = name
            try await parts.devices.save(record)
            return NodeRename.Result(nodeId: params.nodeId, displayName: name)
        }
        registry.register(NodeInvoke.self) { params, _ in
            var params = params
            params.idempotencyKey = try InputLimits.idempotencyKey(params.idempotencyKey)
            return try await nodes.invoke(params)
        }
        registry.register(NodeInvokeResult.self) { params, context in
            let matched = try nodes.resolve(params, from: context.principal)
            return NodeInvokeResult.Result(ignored: matched ? nil : true)
        }
        registry.register(NodeEventMethod.self) { params, context in
            var payload = params.payload
            if payload == nil, let text = params.payloadJSON { payload = try? GatewayJSON.decoder.decode(JSONValue.self, from: Data(text.utf8)) }
            if params.event == NodeEventMethod.presenceAlive {
                return try await parts.nodes.recordAlive(principal: context.principal, payload: payload)
            }
            parts.bus.broadcast(
                NodeEventBroadcast.self,
                .init(nodeId: NodeRuntime.nodeId(of: context.principal), event: params.event, payload: payload, ts: parts.clock.nowMs()))
            return NodeEventMethod.Result()
        }
    }
}
