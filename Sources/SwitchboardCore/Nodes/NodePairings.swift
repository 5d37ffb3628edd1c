import Crypto
import Foundation
import SwitchboardPluginAPI
import SwitchboardProtocol
import Synchronization

/// OpenClaw's older node pairing path (`node.pair.*`): requests filed on a node's behalf wait
/// in memory (bounded by `gateway.pairing.maxPending`, each for `gateway.pairing.requestTtlMs`,
/// the same node again finding its request); an approval stores the node durably with the
/// SHA-256 of a new random token and hands the token out once; `node.pair.verify` checks a
/// token in constant time under the shared auth rate limiter.
final class NodePairings: Sendable {
    let store: any NodePairingStoring
    let maxPending: Int
    let ttlMs: Int
    let limiter: AuthRateLimiter
    private let pending = Mutex<[String: NodePairRequestRecord]>([:])

    /// Commands whose approval needs `operator.admin` as well (they run things on the device).
    static let adminCommands: Set<String> = ["system.run", "system.run.prepare", "system.which", "browser.proxy", "fs.listDir"]

    init(store: any NodePairingStoring, maxPending: Int, ttlMs: Int, limiter: AuthRateLimiter) {
        self.store = store
        self.maxPending = maxPending
        self.ttlMs = ttlMs
        self.limiter = limiter
    }

    static func needsAdmin(_ commands: [String]?) -> Bool {
        (commands ?? []).contains { adminCommands.contains($0) || $0.hasPrefix("system.execApprovals.") }
    }

    /// Files (or finds) the node's request.
    func request(_ params: NodePairRequest.Params, remoteIp: String?, nowMs: Int) async throws -> NodePairRequest.Result {
        let isRepair = try await store.node(id: params.nodeId) != nil
        return try pending.withLock { pending in
            pending = pending.filter { ($0.value.expiresAtMs ?? 0) > nowMs }
            if let existing = pending.values.first(where: { $0.nodeId == params.nodeId }) { return .init(request: existing, created: false) }
            guard pending.count < maxPending else {
                throw GatewayError(
                    code: .unavailable,
                    message: "too many node pairing requests waiting (gateway.pairing.maxPending = \(maxPending)); approve or reject some with node.pair.list",
                    retryable: true)
            }
            var record = NodePairRequestRecord(requestId: UUID().uuidString.lowercased(), nodeId: params.nodeId, ts: nowMs)
            record.displayName = params.displayName
            record.platform = params.platform
            record.version = params.version
            record.coreVersion = params.coreVersion
            record.uiVersion = params.uiVersion
            record.deviceFamily = params.deviceFamily
            record.modelIdentifier = params.modelIdentifier
            record.caps = params.caps
            record.commands = params.commands
            record.remoteIp = params.remoteIp ?? remoteIp
            record.silent = params.silent
            record.isRepair = isRepair
            record.expiresAtMs = nowMs + ttlMs
            pending[record.requestId] = record
            return .init(request: record, created: true)
        }
    }

    func list(nowMs: Int) async throws -> NodePairList.Result {
        let waiting = pending.withLock { pending in
            pending = pending.filter { ($0.value.expiresAtMs ?? 0) > nowMs }
            return pending.values.sorted { $0.ts < $1.ts }
        }
        return .init(pending: waiting, paired: try await store.allNodes())
    }

    /// The live request with this id.
    func find(_ requestId: String, nowMs: Int) -> NodePairRequestRecord? {
        pending.withLock { pending in
            guard let record = pending[requestId], (record.expiresAtMs ?? 0) > nowMs else { return nil }
            return record
        }
    }

    func take(_ requestId: String, nowMs: Int) -> NodePairRequestRecord? {
        pending.withLock { pending in
            guard let record = pending.removeValue(forKey: requestId), (record.expiresAtMs ?? 0) > nowMs else { return nil }
            return record
        }
    }

    /// Pairs the request's node with a new token (stored hashed); the record carries the token.
    func approve(_ request: NodePairRequestRecord, nowMs: Int) async throws -> PairedNodeRecord {
        let existing = try await store.node(id: request.nodeId)
        var node = PairedNodeRecord(nodeId: request.nodeId, createdAtMs: existing?.record.createdAtMs ?? nowMs, approvedAtMs: nowMs)
        node.displayName = request.displayName
        node.platform = request.platform
        node.version = request.version
        node.deviceFamily = request.deviceFamily
        node.modelIdentifier = request.modelIdentifier
        node.caps = request.caps
        node.commands = request.commands
        node.remoteIp = request.remoteIp
        let token = SecretComparison.makeToken()
        try await store.save(node, tokenHash: Self.hash(token))
        node.token = token
        return node
    }

    func verify(_ params: NodePairVerify.Params, nowMs: Int) async throws -> NodePairVerify.Result {
        let stored = try await store.node(id: params.nodeId)
        let key = "node.pair.verify:\(params.nodeId.prefix(128))"
        // An unknown node is compared against a dummy hash: the answer takes as long either way.
        let expected = stored?.tokenHash ?? Self.hash("")
        switch limiter.attempt(key: key, nowMs: nowMs, { SecretComparison.equal(Self.hash(params.token), expected) && stored != nil }) {
        case .passed: return .init(ok: true, node: stored?.record)
        case .failed: return .init(ok: false)
        case .limited(let retryAfterMs):
            throw GatewayError(
                code: .unavailable, message: "too many failed node.pair.verify attempts for this node; retry in \(retryAfterMs / 1000 + 1) s", retryable: true,
                retryAfterMs: retryAfterMs)
        }
    }

    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
