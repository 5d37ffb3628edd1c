import Crypto
public import Foundation
import SwitchboardPluginAPI
import SwitchboardProtocol
import Synchronization

/// One adapter socket: `register` first, then `message`, `cancel`, `ping` and `status` in
/// any order. Messages are journaled and queued, never run here, so one slow answer never
/// holds up the next frame (no head-of-line blocking).
public final class ClaraAdapterSession: Sendable {
    let hub: ClaraAdapterHub
    let link: any ClaraAdapterLink
    let linkId: Int
    private let registration = Mutex<(nodeId: String, platform: String)?>(nil)

    init(hub: ClaraAdapterHub, link: any ClaraAdapterLink, linkId: Int) {
        self.hub = hub
        self.link = link
        self.linkId = linkId
    }

    /// True once `register` succeeded (the gateway's handshake deadline stops applying).
    public var isRegistered: Bool { registration.withLock { $0 != nil } }

    /// Handles one whole text frame.
    public func receive(_ frame: Data) async {
        guard let envelope = try? ClaraFrames.decoder.decode(ClaraFrames.Envelope.self, from: frame) else {
            reply(ClaraFrames.error(requestId: nil, code: "invalid_json", message: "frame is not a JSON object", recoverable: true))
            return
        }
        guard let type = envelope.type else {
            reply(ClaraFrames.error(requestId: nil, code: "invalid_message", message: "type: required", recoverable: true))
            return
        }
        switch type {
        case "register": register(frame)
        case "ping": reply(ClaraFrames.encode("pong", ["timestamp": ClaraFrames.isoNow()]))
        case "ack":
            // A reply's delivery_id: that reply is delivered. Late or unknown acks are ignored.
            if let ack = try? ClaraFrames.decoder.decode(ClaraFrames.Ack.self, from: frame), let id = ack.deliveryId ?? ack.id {
                hub.acks.acknowledge(id, linkId: linkId)
            }
        case "unregister": link.close(code: 1000, reason: "unregistered")
        default:
            guard let node = registration.withLock({ $0 }) else {
                reply(ClaraFrames.error(requestId: nil, code: "not_registered", message: "send register before \(type)", recoverable: false))
                return
            }
            switch type {
            case "message": await message(frame, node: node)
            case "cancel": await cancel(frame, node: node)
            case "status": status(node: node, requestId: nil, position: nil)
            default:
                reply(
                    ClaraFrames.error(
                        requestId: nil, code: "unknown_type",
                        message: "unknown type \"\(type.prefix(64))\" (expected register, message, cancel, ping, status or unregister)", recoverable: true
                    )
                )
            }
        }
    }

    /// The socket closed: replies for this node now wait in the outbox for its next registration.
    public func closed() {
        if let node = registration.withLock({ $0 }) { hub.unregister(nodeId: node.nodeId, linkId: linkId) }
    }

    private func register(_ frame: Data) {
        guard let register = try? ClaraFrames.decoder.decode(ClaraFrames.Register.self, from: frame) else {
            reply(ClaraFrames.error(requestId: nil, code: "invalid_message", message: "register: expected {node_id, platform, secret?}", recoverable: false))
            return
        }
        guard let nodeId = register.nodeId, !nodeId.isEmpty, nodeId.count <= 200 else {
            reply(ClaraFrames.error(requestId: nil, code: "invalid_message", message: "register.node_id: required non-empty string (≤ 200 characters)", recoverable: false))
            return
        }
        guard let platform = register.platform, Self.isValidName(platform) else {
            reply(
                ClaraFrames.error(
                    requestId: nil, code: "invalid_message", message: "register.platform: required, letters, digits, - or _ (≤ 64 characters)",
                    recoverable: false
                )
            )
            return
        }
        if let secret = hub.settings.secret {
            let given = register.secret
            switch link.checkSecret({ given.map { Self.constantTimeEqual($0, secret) } ?? false }) {
            case .passed:
                break
            case .limited(let retryAfterMs):
                reply(
                    ClaraFrames.error(
                        requestId: nil, code: "rate_limited",
                        message: "too many failed register attempts; retry in \((retryAfterMs + 999) / 1000) s", recoverable: true
                    )
                )
                link.close(code: 1008, reason: "rate limited")
                return
            case .failed:
                let why = given == nil ? "register.secret is missing" : "register.secret does not match"
                reply(
                    ClaraFrames.error(
                        requestId: nil, code: "unauthorized", message: "\(why) (the gateway sets channels.adapter.secret)", recoverable: false
                    )
                )
                link.close(code: 1008, reason: "unauthorized")
                return
            }
        }
        registration.withLock { $0 = (nodeId, platform.lowercased()) }
        reply(ClaraFrames.encode("registered", ["node_id": nodeId, "session_id": "\(nodeId)#\(linkId)", "server_time": ClaraFrames.isoNow()]))
        let capabilities = register.capabilities ?? []
        hub.register(
            nodeId: nodeId, platform: platform.lowercased(), link: link, linkId: linkId, acks: capabilities.contains("ack"),
            streams: capabilities.contains("streaming")
        )
    }

    private func message(_ frame: Data, node: (nodeId: String, platform: String)) async {
        let message: ClaraFrames.Message
        do {
            message = try ClaraFrames.decoder.decode(ClaraFrames.Message.self, from: frame)
        } catch {
            reply(ClaraFrames.error(requestId: nil, code: "invalid_message", message: "message: \(Self.describe(error))", recoverable: true))
            return
        }
        let maxId = Self.maxIdLength
        // Clara's shape ({id, user: {id}, channel: {id}}) or the seed's flat one ({request_id, user_id, channel_id}).
        guard let id = message.id ?? message.requestId, !id.isEmpty, id.count <= maxId else {
            return invalid(nil, "message.id (or request_id): required non-empty string (≤ \(maxId) characters)")
        }
        guard let userId = message.user?.id ?? message.userId, !userId.isEmpty, userId.count <= maxId else {
            return invalid(id, "message.user.id (or user_id): required non-empty string (≤ \(maxId) characters)")
        }
        guard let channelId = message.channel?.id ?? message.channelId, !channelId.isEmpty, channelId.count <= maxId else {
            return invalid(id, "message.channel.id (or channel_id): required non-empty string (≤ \(maxId) characters)")
        }
        if let name = message.user?.displayName ?? message.user?.name, name.count > maxId { return invalid(id, "message.user.name: at most \(maxId) characters") }
        guard let content = message.content else { return invalid(id, "message.content: required string") }
        let attachments: AttachmentReader.Parsed
        do {
            attachments = try AttachmentReader(limits: hub.settings.attachments).read(message.attachments ?? [], field: "message.attachments")
        } catch {
            return invalid(id, error.message.replacingOccurrences(of: "invalid params: ", with: ""))
        }
        let kind = message.channel?.type ?? "dm"
        guard ["dm", "server", "group"].contains(kind) else { return invalid(id, "message.channel.type: expected dm, server or group") }
        guard hub.track(nodeId: node.nodeId, requestId: id) else {
            reply(
                ClaraFrames.error(
                    requestId: id, code: "busy", message: "this node already has \(hub.settings.maxInFlightPerNode) requests in flight", recoverable: true
                )
            )
            return
        }
        var mentioned = kind == "dm"
        if case .bool(let flag)? = message.metadata?["is_mention"] { mentioned = flag }
        var inbound = InboundMessage(
            connector: hub.id, channel: node.platform, accountId: node.nodeId, platformMessageId: id, chatId: channelId,
            chatKind: kind == "dm" ? .direct : .group, senderId: userId, senderName: message.user?.displayName ?? message.user?.name,
            text: content + attachments.text, mentioned: mentioned
        )
        inbound.images = attachments.images
        switch await hub.context.receive(inbound) {
        case .accepted(let position):
            if position > 0 { status(node: node, requestId: id, position: position) }
        case .pairingRequired:
            break
        case .duplicate:
            hub.untrack(nodeId: node.nodeId, requestId: id)
            reply(
                ClaraFrames.error(
                    requestId: id, code: "duplicate", message: "message \(id) was already received; its reply is delivered once", recoverable: false
                )
            )
        case .denied(let reason):
            hub.untrack(nodeId: node.nodeId, requestId: id)
            reply(ClaraFrames.error(requestId: id, code: "access_denied", message: reason, recoverable: false))
        case .failed(let reason):
            hub.untrack(nodeId: node.nodeId, requestId: id)
            reply(ClaraFrames.error(requestId: id, code: "unavailable", message: reason, recoverable: true))
        }
    }

    private func cancel(_ frame: Data, node: (nodeId: String, platform: String)) async {
        guard let cancel = try? ClaraFrames.decoder.decode(ClaraFrames.Cancel.self, from: frame), let requestId = cancel.requestId, !requestId.isEmpty else {
            return invalid(nil, "cancel.request_id: required non-empty string")
        }
        if await hub.context.cancel(connector: hub.id, channel: node.platform, platformMessageId: requestId) {
            hub.untrack(nodeId: node.nodeId, requestId: requestId)
            reply(ClaraFrames.encode("cancelled", ["request_id": requestId]))
        } else {
            reply(ClaraFrames.error(requestId: requestId, code: "not_found", message: "request \(requestId) is not queued or running", recoverable: false))
        }
    }

    private func status(node: (nodeId: String, platform: String), requestId: String?, position: Int?) {
        let load = hub.load(nodeId: node.nodeId)
        var fields: [String: Any] = [
            "node_id": node.nodeId, "active_requests": load.active, "queue_length": load.queued,
            "uptime_seconds": (hub.context.nowMs() - hub.startedAtMs) / 1000,
        ]
        if let requestId { fields["request_id"] = requestId }
        if let position { fields["queue_position"] = position }
        reply(ClaraFrames.encode("status", fields))
    }

    private func invalid(_ requestId: String?, _ message: String) {
        reply(ClaraFrames.error(requestId: requestId, code: "invalid_message", message: message, recoverable: true))
    }

    private func reply(_ frame: Data) {
        link.send(Array(frame))
    }

    /// Longest id an adapter may send (they are stored and echoed back).
    static let maxIdLength = 256

    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64 && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        Data(SHA256.hash(data: Data(a.utf8))) == Data(SHA256.hash(data: Data(b.utf8)))
    }

    static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "unreadable" }
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return "\(path.isEmpty ? "frame" : path): wrong type"
        default: return "unreadable"
        }
    }
}
