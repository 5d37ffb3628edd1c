import Foundation
public import Logging
import ServiceLifecycle
public import SwitchboardPluginAPI
import Synchronization

/// Every registered platform adapter (Discord, Slack… bridges speaking the Clara-style
/// protocol). A node is known by its `node_id`; a reconnect under the same id takes over its
/// queued replies, which the outbox then delivers.
public final class ClaraAdapterHub: ChannelConnector {
    public let id = "adapter"
    public let label = "Platform adapters"
    let settings: ClaraAdapterSettings
    let context: any ChannelContext
    let logger: Logger
    let startedAtMs: Int

    struct Node {
        var platform: String
        var link: (any ClaraAdapterLink)?
        var linkId: Int
        var status: ChannelAccountStatus
        /// Request id → has `response_start` been sent on the current link.
        var requests: [String: Bool] = [:]
        /// The adapter registered with the `ack` capability: a reply counts as delivered
        /// only once acked; otherwise once it was written and flushed.
        var acks = false
        /// Registered with the `streaming` capability: gets `response_start`, chunks and tool
        /// progress; otherwise only `response_end`.
        var streams = false
    }

    let acks = AdapterAcks()

    private let nodes = Mutex<[String: Node]>([:])
    private let linkCounter = Atomic<Int>(0)

    public init(settings: ClaraAdapterSettings, context: any ChannelContext, logger: Logger) {
        self.settings = settings
        self.context = context
        var logger = logger
        logger[metadataKey: "sb.channel"] = "adapter"
        self.logger = logger
        self.startedAtMs = context.nowMs()
    }

    /// Nothing to poll: adapters dial in. Runs until shutdown so status shows it running.
    public func run() async throws {
        try? await gracefulShutdown()
    }

    /// Starts serving one adapter socket whose first frame was `register` (or any frame on `/adapter`).
    public func openSession(link: any ClaraAdapterLink) -> ClaraAdapterSession {
        ClaraAdapterSession(hub: self, link: link, linkId: linkCounter.wrappingAdd(1, ordering: .relaxed).newValue)
    }

    // MARK: registry

    func register(nodeId: String, platform: String, link: any ClaraAdapterLink, linkId: Int, acks acking: Bool = false, streams: Bool = true) {
        let previous = nodes.withLock { nodes -> (link: any ClaraAdapterLink, linkId: Int)? in
            let old = nodes[nodeId]
            var node = old ?? Node(platform: platform, link: nil, linkId: linkId, status: ChannelAccountStatus(accountId: nodeId, configured: true))
            node.platform = platform
            node.link = link
            node.linkId = linkId
            node.acks = acking
            node.streams = streams
            node.status.name = platform
            node.status.running = true
            node.status.connected = true
            node.status.lastStartAtMs = context.nowMs()
            node.status.lastError = nil
            for key in node.requests.keys { node.requests[key] = false }
            nodes[nodeId] = node
            Self.evictStaleNodes(&nodes)
            guard let old, old.linkId != linkId, let oldLink = old.link else { return nil }
            return (oldLink, old.linkId)
        }
        if let previous {
            acks.linkClosed(previous.linkId)
            previous.link.close(code: 4000, reason: "superseded by a newer registration of this node")
        }
        logger.info("adapter registered", metadata: ["sb.adapter.node": "\(nodeId)", "sb.adapter.platform": "\(platform)"])
        context.deliveryPossible(connector: id)
        context.adapterLinked(nodeId: nodeId, platform: platform, linked: true)
    }

    /// Disconnected nodes are remembered for `channels.status` and redelivery, up to this many.
    static let maxKnownNodes = 1000

    /// Forgets the longest-disconnected nodes beyond ``maxKnownNodes`` (their replies stay in the outbox).
    private static func evictStaleNodes(_ nodes: inout [String: Node]) {
        guard nodes.count > maxKnownNodes else { return }
        let stale = nodes.filter { $0.value.link == nil }.sorted { ($0.value.status.lastStartAtMs ?? 0) < ($1.value.status.lastStartAtMs ?? 0) }
        for (id, _) in stale.prefix(nodes.count - maxKnownNodes) { nodes[id] = nil }
    }

    func unregister(nodeId: String, linkId: Int) {
        acks.linkClosed(linkId)
        let platform = nodes.withLock { nodes -> String? in
            guard nodes[nodeId]?.linkId == linkId else { return nil }
            nodes[nodeId]?.link = nil
            nodes[nodeId]?.status.connected = false
            nodes[nodeId]?.status.running = false
            return nodes[nodeId]?.platform
        }
        if let platform { context.adapterLinked(nodeId: nodeId, platform: platform, linked: false) }
    }

    func link(nodeId: String) -> (any ClaraAdapterLink)? {
        nodes.withLock { $0[nodeId]?.link }
    }

    /// The node's socket, its id and whether the adapter acks.
    func connection(nodeId: String) -> (link: any ClaraAdapterLink, linkId: Int, acks: Bool)? {
        nodes.withLock { nodes in nodes[nodeId].flatMap { node in node.link.map { ($0, node.linkId, node.acks) } } }
    }

    /// Tracks a request from acceptance until its reply or cancellation; false when the node is at its limit.
    func track(nodeId: String, requestId: String) -> Bool {
        nodes.withLock { nodes in
            guard var node = nodes[nodeId], node.requests.count < settings.maxInFlightPerNode else { return false }
            node.requests[requestId] = false
            node.status.lastInboundAtMs = context.nowMs()
            nodes[nodeId] = node
            return true
        }
    }

    func untrack(nodeId: String, requestId: String) {
        nodes.withLock { _ = $0[nodeId]?.requests.removeValue(forKey: requestId) }
    }

    /// (active, queued) requests of a node, for `status` frames.
    func load(nodeId: String) -> (active: Int, queued: Int) {
        nodes.withLock { nodes in
            let requests = nodes[nodeId]?.requests.values ?? [:].values
            let active = requests.filter { $0 }.count
            return (active, requests.count - active)
        }
    }

    /// Sends `response_start` once per request and link (streaming adapters only); returns the
    /// link to continue on.
    func startResponse(nodeId: String, requestId: String) -> (any ClaraAdapterLink)? {
        let (link, first) = nodes.withLock { nodes -> ((any ClaraAdapterLink)?, Bool) in
            guard let node = nodes[nodeId], let link = node.link else { return (nil, false) }
            let first = node.requests[requestId] != true && node.streams
            nodes[nodeId]?.requests[requestId] = true
            return (link, first)
        }
        if let link, first {
            link.send(Array(ClaraFrames.encode("response_start", ["id": Self.responseId(requestId), "request_id": requestId])))
        }
        return link
    }

    static func responseId(_ requestId: String) -> String { "resp-\(requestId)" }

    /// Whether the node registered with `streaming` (progress frames are sent only then).
    func streams(nodeId: String) -> Bool {
        nodes.withLock { $0[nodeId]?.streams ?? false }
    }

    // MARK: ChannelConnector

    public func status() -> [ChannelAccountStatus] {
        nodes.withLock { nodes in nodes.keys.sorted().compactMap { nodes[$0]?.status } }
    }

    public func deliver(_ message: OutboxRecord) async throws(DeliveryFailure) -> DeliveryReceipt {
        let nodeId = message.accountId
        guard let target = connection(nodeId: nodeId) else {
            throw DeliveryFailure("adapter node \(nodeId) is not connected; the reply waits until it registers again", retryable: true)
        }
        // One id per outbox row: an acking adapter acks it, and a redelivery repeats it (dedupe on it).
        let deliveryId = "d-\(message.id)"
        var frame: Data
        if let requestId = message.replyTo {
            guard startResponse(nodeId: nodeId, requestId: requestId) != nil else {
                throw DeliveryFailure("adapter node \(nodeId) disconnected", retryable: true)
            }
            frame = ClaraFrames.encode(
                "response_end",
                [
                    "id": Self.responseId(requestId), "request_id": requestId, "full_text": message.text, "files": [String](), "tool_count": 0,
                    "delivery_id": deliveryId,
                    // The seed protocol's fields beside Clara's: the text as `content`, and `done`.
                    "content": message.text, "done": true,
                ]
            )
        } else {
            frame = ClaraFrames.encode(
                "proactive_message",
                [
                    "user": ["id": message.target, "platform_id": message.target], "channel": ["id": message.target], "content": message.text,
                    "priority": "normal", "delivery_id": deliveryId,
                ]
            )
        }
        let timeoutMs = settings.deliveryTimeoutMs
        let delivered: Bool
        if target.acks {
            acks.expect(deliveryId, linkId: target.linkId)
            target.link.send(Array(frame))
            delivered = await acks.wait(for: deliveryId, timeoutMs: timeoutMs)
        } else {
            let written = OneShotOutcome()
            target.link.send(Array(frame)) { written.resolve($0) }
            delivered = await written.value(timeoutMs: timeoutMs)
        }
        guard delivered else {
            let why = target.acks ? "did not ack it within \(timeoutMs) ms" : "did not take it within \(timeoutMs) ms (socket not read or closed)"
            throw DeliveryFailure("adapter node \(nodeId) \(why); retrying", retryable: true)
        }
        if let requestId = message.replyTo { untrack(nodeId: nodeId, requestId: requestId) }
        nodes.withLock { $0[nodeId]?.status.lastOutboundAtMs = context.nowMs() }
        return DeliveryReceipt(parts: [message.replyTo.map(Self.responseId) ?? "proactive-\(message.id)"])
    }

    public func finished(_ inbound: InboundRecord, replied: Bool) {
        if !replied { untrack(nodeId: inbound.accountId, requestId: inbound.platformMessageId) }
    }

    public func observer(for inbound: InboundRecord) -> (any ChannelRunObserver)? {
        ClaraRunObserver(hub: self, nodeId: inbound.accountId, requestId: inbound.platformMessageId)
    }
}

/// Streams one run to the adapter that asked, when it registered with `streaming`:
/// `response_start`, `response_chunk` (Clara's `chunk`/`accumulated` and the seed's
/// `content`/`done`), `tool_start`/`tool_result` and the seed's `tool_status` beside them. The
/// final `response_end` comes from the outbox.
struct ClaraRunObserver: ChannelRunObserver {
    let hub: ClaraAdapterHub
    let nodeId: String
    let requestId: String

    func runStarted(runId: String) {
        guard hub.streams(nodeId: nodeId) else { return }
        _ = hub.startResponse(nodeId: nodeId, requestId: requestId)
    }

    func textDelta(_ delta: String, accumulated: String) {
        send("response_chunk", ["chunk": delta, "accumulated": accumulated, "content": delta, "done": false])
    }

    func toolStarted(name: String, step: Int) {
        send("tool_start", ["tool_name": name, "step": step, "emoji": "⚙️"])
        send("tool_status", ["tool_name": name, "status": "running", "description": "Running \(name) (step \(step))"])
    }

    func toolFinished(name: String, success: Bool, preview: String, durationMs: Int) {
        send("tool_result", ["tool_name": name, "success": success, "output_preview": preview, "duration_ms": durationMs])
        send("tool_status", ["tool_name": name, "status": success ? "completed" : "failed", "description": "\(name) \(success ? "finished" : "failed") in \(durationMs) ms"])
    }

    private func send(_ type: String, _ fields: [String: Any]) {
        guard hub.streams(nodeId: nodeId), let link = hub.startResponse(nodeId: nodeId, requestId: requestId) else { return }
        var fields = fields
        fields["id"] = ClaraAdapterHub.responseId(requestId)
        fields["request_id"] = requestId
        link.send(Array(ClaraFrames.encode(type, fields)))
    }
}
