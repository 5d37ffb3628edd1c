import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket
import Synchronization
import SwitchboardProtocol

/// A Discord stand-in on loopback speaking the real wire protocol, so the gateway's own
/// connector is what tests drive: the gateway WebSocket (`/gateway`: Hello, heartbeats and
/// ACKs, Identify → READY with `resume_gateway_url`, Resume with replay of missed dispatches,
/// op 7 and op 9, close 4004 for a wrong token) and the REST routes the connector uses
/// (`POST /api/v10/channels/{id}/messages` with rate-limit headers and scripted 429s, and
/// `/typing`).
public final class FakeDiscordServer: Sendable {
    public static let token = "discord-test-token-never-logged"
    public static let botId = "900000000000000001"
    public static let botName = "switchboard-test"

    /// How the next create-message call is answered.
    public enum SendBehaviour: Sendable {
        case ok
        /// 429 with `retry_after` (seconds) and `global`.
        case rateLimited(retryAfter: Double, global: Bool)
        case status(Int, message: String)
        /// Never answered (until the fake stops): the client may die meanwhile.
        case hang
    }

    public struct Sent: Sendable, Hashable {
        public var channelId: String
        public var content: String
        public var replyTo: String?
        public var id: String
    }

    /// What a client sent to open or resume a session.
    public enum Opening: Sendable, Equatable {
        case identify(token: String, intents: Int)
        case resume(sessionId: String, seq: Int?)
    }

    private struct State {
        var sessionId: String?
        var sessionValid = false
        /// The session's dispatches (seq, frame), for replay on resume.
        var events: [(seq: Int, frame: String)] = []
        var seq = 0
        var live: WebSocketOutboundWriter?
        var liveId = 0
        var connections = 0
        var openings: [Opening] = []
        var heartbeats = 0
        var ackHeartbeats = true
        var heartbeatIntervalMs = 41_250
        var sent: [Sent] = []
        var sendScript: [SendBehaviour] = []
        var sendAttempts = 0
        var typing = 0
        /// Edits as (message id, content), in order.
        var edits: [(id: String, content: String)] = []
        var nextId = 1_000_000
    }

    private let state = Mutex(State())
    public let port: Int
    /// Yields every opening (identify or resume) as it arrives.
    public let openings = AsyncStream<Opening>.makeStream(bufferingPolicy: .unbounded)
    /// Yields the running count each time a message is delivered.
    public let delivered = AsyncStream<Int>.makeStream(bufferingPolicy: .unbounded)
    /// Yields each create-message attempt's number (answered or not).
    public let sendAttempted = AsyncStream<Int>.makeStream(bufferingPolicy: .unbounded)
    private let hung = Gate()
    /// Yields each typing call's count.
    public let typed = AsyncStream<Int>.makeStream(bufferingPolicy: .unbounded)

    init(port: Int) { self.port = port }

    public var gatewayURL: String { "ws://127.0.0.1:\(port)/gateway?v=10&encoding=json" }
    public var apiBaseURL: String { "http://127.0.0.1:\(port)/api/v10" }
    public var sent: [Sent] { state.withLock { $0.sent } }
    public var sendAttempts: Int { state.withLock { $0.sendAttempts } }
    public var heartbeats: Int { state.withLock { $0.heartbeats } }
    public var typingCalls: Int { state.withLock { $0.typing } }
    public var edits: [(id: String, content: String)] { state.withLock { $0.edits } }
    /// Yields the running count each time a message is edited.
    public let edited = AsyncStream<Int>.makeStream(bufferingPolicy: .unbounded)

    public func scriptSends(_ behaviours: SendBehaviour...) { state.withLock { $0.sendScript += behaviours } }
    /// The interval the next Hello announces; `ack` false makes the server ignore heartbeats.
    public func setHeartbeat(intervalMs: Int, ack: Bool = true) {
        state.withLock {
            $0.heartbeatIntervalMs = intervalMs
            $0.ackHeartbeats = ack
        }
    }

    /// A user's message: a DM when `guildId` is nil; `mention` puts `<@bot>` in it.
    public func push(content: String, authorId: String, authorName: String = "tester", channelId: String, guildId: String? = nil, mention: Bool = false, roles: [String] = []) async {
        var message: [String: JSONValue] = [
            "id": .string(nextId()), "channel_id": .string(channelId), "content": .string(mention ? "<@\(Self.botId)> \(content)" : content),
            "author": ["id": .string(authorId), "username": .string(authorName)], "mentions": mention ? [["id": .string(Self.botId)]] : [],
        ]
        if let guildId {
            message["guild_id"] = .string(guildId)
            message["member"] = ["roles": .array(roles.map { .string($0) })]
        }
        await dispatch("MESSAGE_CREATE", .object(message))
    }

    /// Sends a dispatch to the live connection, and keeps it for a resume's replay.
    func dispatch(_ type: String, _ data: JSONValue) async {
        let (frame, live) = state.withLock { state -> (String, WebSocketOutboundWriter?) in
            state.seq += 1
            let frame = GatewayJSON.string(["op": 0, "t": .string(type), "s": .int(state.seq), "d": data] as JSONValue)
            state.events.append((state.seq, frame))
            return (frame, state.live)
        }
        try? await live?.write(.text(frame))
    }

    /// Closes the live connection with `code` (4000: resumable), as a network drop would.
    public func drop(code: Int = 4000) async {
        let live = state.withLock { state in
            defer { state.live = nil }
            return state.live
        }
        try? await live?.close(WebSocketErrorCode(codeNumber: code), reason: "dropped by the test")
    }

    /// Sends op 7 (reconnect) or op 9 (invalid session) on the live connection.
    public func sendReconnect() async { try? await state.withLock { $0.live }?.write(.text(#"{"op":7,"d":null}"#)) }
    public func invalidateSession(resumable: Bool) async {
        let live = state.withLock { state in
            if !resumable { state.sessionValid = false }
            return state.live
        }
        try? await live?.write(.text(#"{"op":9,"d":\#(resumable)}"#))
    }

    private func nextId() -> String {
        state.withLock { state in
            state.nextId += 1
            return "12\(state.nextId)"
        }
    }

    /// Waits until at least `count` messages were delivered.
    public func waitForDelivered(_ count: Int, timeout: Duration = .seconds(30)) async throws {
        if sent.count >= count { return }
        try await withTimeout(timeout, "\(count) Discord messages delivered (have \(sent.count))") {
            for await delivered in self.delivered.stream where delivered >= count { return }
        }
    }

    // MARK: The gateway WebSocket

    private func serve(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        let interval = state.withLock { $0.heartbeatIntervalMs }
        try await outbound.write(.text(#"{"op":10,"d":{"heartbeat_interval":\#(interval)},"s":null,"t":null}"#))
        var iterator = inbound.makeAsyncIterator()
        let connection = state.withLock { state in
            state.connections += 1
            return state.connections
        }
        defer { state.withLock { if $0.liveId == connection { $0.live = nil } } }
        while let message = try await iterator.nextMessage(maxSize: 1 << 20) {
            guard case .text(let text) = message, let frame = try? GatewayJSON.decoder.decode(JSONValue.self, from: Data(text.utf8)) else { continue }
            switch frame["op"]?.intValue {
            case 1:
                let ack = state.withLock { state in
                    state.heartbeats += 1
                    return state.ackHeartbeats
                }
                if ack { try await outbound.write(.text(#"{"op":11,"d":null}"#)) }
            case 2:
                let token = frame["d"]?["token"]?.stringValue ?? ""
                // Told once the session is set up (or refused), so a test's next push belongs to it.
                let opening = Opening.identify(token: token, intents: frame["d"]?["intents"]?.intValue ?? 0)
                defer { openings.continuation.yield(opening) }
                guard token == Self.token else {
                    try await outbound.close(WebSocketErrorCode(codeNumber: 4004), reason: "Authentication failed.")
                    return
                }
                let sessionId = state.withLock { state in
                    state.sessionId = "session-\(UUID().uuidString.prefix(8))"
                    state.sessionValid = true
                    state.events = []
                    state.live = outbound
                    state.liveId = connection
                    return state.sessionId!
                }
                await dispatch(
                    "READY",
                    [
                        "v": 10, "session_id": .string(sessionId), "resume_gateway_url": .string("ws://127.0.0.1:\(port)/gateway"),
                        "user": ["id": .string(Self.botId), "username": .string(Self.botName), "bot": true], "guilds": [],
                    ]
                )
            case 6:
                let sessionId = frame["d"]?["session_id"]?.stringValue ?? ""
                let seq = frame["d"]?["seq"]?.intValue
                defer { openings.continuation.yield(.resume(sessionId: sessionId, seq: seq)) }
                let replay = state.withLock { state -> [String]? in
                    guard state.sessionValid, state.sessionId == sessionId, frame["d"]?["token"]?.stringValue == Self.token else { return nil }
                    state.live = outbound
                    state.liveId = connection
                    return state.events.filter { $0.seq > (seq ?? 0) }.map(\.frame)
                }
                guard let replay else {
                    try await outbound.write(.text(#"{"op":9,"d":false}"#))
                    continue
                }
                for frame in replay { try await outbound.write(.text(frame)) }
                await dispatch("RESUMED", .object([:]))
            default:
                continue
            }
        }
    }

    // MARK: REST

    private func createMessage(_ request: Request, channelId: String) async throws -> Response {
        let data = try await request.body.collect(upTo: 1 << 20)
        let body = (try? GatewayJSON.decoder.decode(JSONValue.self, from: Data(data.readableBytesView))) ?? .object([:])
        let (behaviour, attempt) = state.withLock { state -> (SendBehaviour, Int) in
            state.sendAttempts += 1
            return (state.sendScript.isEmpty ? .ok : state.sendScript.removeFirst(), state.sendAttempts)
        }
        sendAttempted.continuation.yield(attempt)
        switch behaviour {
        case .hang:
            await hung.wait()
            return Self.json(.serviceUnavailable, ["message": "gone"])
        case .rateLimited(let retryAfter, let global):
            var headers: HTTPFields = [.contentType: "application/json", HTTPField.Name("Retry-After")!: String(Int(retryAfter.rounded(.up)))]
            if global { headers[HTTPField.Name("X-RateLimit-Global")!] = "true" }
            let json = GatewayJSON.string(["message": "You are being rate limited.", "retry_after": .double(retryAfter), "global": .bool(global)] as JSONValue)
            return Response(status: .tooManyRequests, headers: headers, body: .init(byteBuffer: ByteBuffer(string: json)))
        case .status(let code, let message):
            return Self.json(HTTPResponse.Status(code: code), ["message": .string(message), "code": 0])
        case .ok:
            guard let content = body["content"]?.stringValue, !content.isEmpty else { return Self.json(.badRequest, ["message": "Cannot send an empty message", "code": 50006]) }
            guard content.count <= 2000 else { return Self.json(.badRequest, ["message": "Invalid Form Body: content must be 2000 or fewer in length.", "code": 50035]) }
            let id = nextId()
            let count = state.withLock { state in
                state.sent.append(Sent(channelId: channelId, content: content, replyTo: body["message_reference"]?["message_id"]?.stringValue, id: id))
                return state.sent.count
            }
            delivered.continuation.yield(count)
            var response = Self.json(.ok, ["id": .string(id), "channel_id": .string(channelId), "content": .string(content)])
            response.headers[HTTPField.Name("X-RateLimit-Remaining")!] = "4"
            response.headers[HTTPField.Name("X-RateLimit-Reset-After")!] = "0.5"
            response.headers[HTTPField.Name("X-RateLimit-Bucket")!] = "bucket-\(channelId)"
            return response
        }
    }

    private static func json(_ status: HTTPResponse.Status, _ value: JSONValue) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: GatewayJSON.string(value))))
    }

    public static func with<T: Sendable>(_ body: @Sendable (FakeDiscordServer) async throws -> T) async throws -> T {
        let box = Mutex<FakeDiscordServer?>(nil)
        let router = Router()
        router.post("/api/v10/channels/:channel/messages") { request, context -> Response in
            guard let server = box.withLock({ $0 }) else { return json(.serviceUnavailable, ["message": "starting"]) }
            guard request.headers[.authorization] == "Bot \(token)" else { return json(.unauthorized, ["message": "401: Unauthorized", "code": 0]) }
            return try await server.createMessage(request, channelId: context.parameters.get("channel") ?? "")
        }
        router.patch("/api/v10/channels/:channel/messages/:message") { request, context -> Response in
            guard let server = box.withLock({ $0 }), request.headers[.authorization] == "Bot \(token)" else { return json(.unauthorized, ["message": "401: Unauthorized"]) }
            let data = try await request.body.collect(upTo: 1 << 20)
            let body = (try? GatewayJSON.decoder.decode(JSONValue.self, from: Data(data.readableBytesView))) ?? .object([:])
            let id = context.parameters.get("message") ?? ""
            guard let content = body["content"]?.stringValue, content.count <= 2000 else { return json(.badRequest, ["message": "Invalid Form Body", "code": 50035]) }
            let count = server.state.withLock { state in
                state.edits.append((id, content))
                if let index = state.sent.firstIndex(where: { $0.id == id }) { state.sent[index].content = content }
                return state.edits.count
            }
            server.edited.continuation.yield(count)
            return json(.ok, ["id": .string(id), "content": .string(content)])
        }
        router.post("/api/v10/channels/:channel/typing") { request, _ -> Response in
            guard let server = box.withLock({ $0 }), request.headers[.authorization] == "Bot \(token)" else { return json(.unauthorized, ["message": "401: Unauthorized"]) }
            let count = server.state.withLock { state in
                state.typing += 1
                return state.typing
            }
            server.typed.continuation.yield(count)
            return Response(status: .noContent)
        }
        return try await LoopbackServer.with(label: "fake-discord") { onRunning in
            Application(
                router: router,
                server: .http1WebSocketUpgrade(configuration: .init()) { head, _, _ in
                    guard head.path?.hasPrefix("/gateway") == true else { return .dontUpgrade }
                    return .upgrade([:]) { inbound, outbound, _ in
                        guard let server = box.withLock({ $0 }) else { return }
                        try await server.serve(inbound: inbound, outbound: outbound)
                    }
                },
                configuration: .init(address: .hostname("127.0.0.1", port: 0)), onServerRunning: onRunning, logger: Logger(label: "fake-discord")
            )
        } _: { port in
            let server = FakeDiscordServer(port: port)
            box.withLock { $0 = server }
            defer { server.hung.open() }
            return try await body(server)
        }
    }
}
