import SwitchboardProtocol

/// `node.pair.request`, `node.pair.list`, `node.pair.approve`, `node.pair.reject`,
/// `node.pair.verify` (§5.4), on ``NodePairings``. Approving a node that declares commands
/// which run things on the device (`system.run`, …) needs `operator.admin` as well, as in
/// OpenClaw v4.
struct NodePairingMethods {
    let parts: GatewayRuntimeParts

    func register(into registry: inout MethodRegistry) {
        let parts = parts
        let pairings = parts.nodes.pairings
        registry.register(NodePairRequest.self) { params, context in
            if let problem = Self.problem(params) { throw GatewayError.invalidRequest("invalid params: \(problem)") }
            let result = try await pairings.request(params, remoteIp: context.connection?.remoteAddress, nowMs: parts.clock.nowMs())
            if result.created {
                var announced = result.request
                announced.expiresAtMs = nil
                parts.bus.broadcast(NodePairRequestedEvent.self, announced)
            }
            return result
        }
        registry.register(NodePairList.self) { _, _ in try await pairings.list(nowMs: parts.clock.nowMs()) }
        registry.register(NodePairApprove.self) { params, context in
            let now = parts.clock.nowMs()
            guard let request = pairings.find(params.requestId, nowMs: now) else { throw GatewayError.invalidRequest(Self.unknown(params.requestId)) }
            if !context.principal.isAdmin, !context.principal.has(.write) {
                throw GatewayError.invalidRequest("missing scope: operator.write (approving a node lets it be invoked)")
            }
            if NodePairings.needsAdmin(request.commands), !context.principal.isAdmin {
                throw GatewayError.invalidRequest("missing scope: operator.admin (the node declares commands that run things on the device)")
            }
            // Taken only now: a refused approval leaves the request for someone who may approve it.
            guard let taken = pairings.take(params.requestId, nowMs: now) else { throw GatewayError.invalidRequest(Self.unknown(params.requestId)) }
            let node = try await pairings.approve(taken, nowMs: now)
            parts.bus.broadcast(NodePairResolvedEvent.self, .init(requestId: taken.requestId, nodeId: taken.nodeId, decision: "approved", ts: now))
            return NodePairApprove.Result(requestId: taken.requestId, node: node)
        }
        registry.register(NodePairReject.self) { params, _ in
            let now = parts.clock.nowMs()
            guard let taken = pairings.take(params.requestId, nowMs: now) else { throw GatewayError.invalidRequest(Self.unknown(params.requestId)) }
            parts.bus.broadcast(NodePairResolvedEvent.self, .init(requestId: taken.requestId, nodeId: taken.nodeId, decision: "rejected", ts: now))
            return NodePairReject.Result(requestId: taken.requestId, nodeId: taken.nodeId)
        }
        registry.register(NodePairVerify.self) { params, _ in
            if let problem = InputLimits.problem(params.nodeId, field: "nodeId", max: Self.maxNodeId) ?? InputLimits.problem(params.token, field: "token", max: 512) {
                throw GatewayError.invalidRequest("invalid params: \(problem)")
            }
            return try await pairings.verify(params, nowMs: parts.clock.nowMs())
        }
    }

    static let maxNodeId = 128

    /// Every field is kept while the request waits and is shown to operators: each is bounded.
    static func problem(_ params: NodePairRequest.Params) -> String? {
        if params.nodeId.isEmpty { return "nodeId: must not be empty" }
        if let problem = InputLimits.problem(params.nodeId, field: "nodeId", max: maxNodeId) { return problem }
        let fields: [(String?, String)] = [
            (params.displayName, "displayName"), (params.platform, "platform"), (params.version, "version"), (params.coreVersion, "coreVersion"),
            (params.uiVersion, "uiVersion"), (params.deviceFamily, "deviceFamily"), (params.modelIdentifier, "modelIdentifier"), (params.remoteIp, "remoteIp"),
        ]
        for (value, field) in fields {
            if let problem = InputLimits.problem(value, field: field, max: InputLimits.clientField) { return problem }
        }
        return InputLimits.problem(params.caps, field: "caps") ?? InputLimits.problem(params.commands, field: "commands")
    }

    static func unknown(_ requestId: String) -> String {
        "unknown requestId \"\(requestId.prefix(128))\" (requests lapse after gateway.pairing.requestTtlMs; node.pair.list shows the live ones)"
    }
}
