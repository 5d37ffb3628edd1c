import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket
import Synchronization
import SwitchboardProtocol

/// A Slack stand-in on loopback speaking the real wire protocol: the Web API routes the
/// connector calls (`apps.connections.open` with the app token, `auth.test` and
/// `chat.postMessage` with the bot token, `Retry-After` on scripted 429s) and the Socket Mode
/// WebSocket (`hello`, `events_api` envelopes that must be acknowledged — unacknowledged ones
/// are sent again on the next connection, as Slack retries them — and `disconnect` refresh).
public final class FakeSlackServer: Sendable {
    public static let appToken = "xapp-1-test-app-token"
    public static let botToken = "xoxb-test-bot-token"
    public static let botUserId = "U0SWITCHBOARD"

    public enum SendBehaviour: Sendable {
        case ok
        /// HTTP 429 with `Retry-After` seconds.
        case rateLimited(retryAfter: Int)
        /// `{ok:false, error}` with HTTP 200, as Slack answers most errors.
        case error(String)
        /// Never answered (until the fake stops): the client may die meanwhile.
        case hang
    }

    public struct Sent: Sendable, Hashable {
        public var channel: String
        public var text: String
        public var threadTs: String?
    }

    private struct State {
        var live: WebSocketOutboundWriter?
        var liveId = 0
        var connections = 0
        var unacked: Set<String> = []
        /// Unacknowledged envelopes, resent to the next connection as Slack does.
        var pending: [(id: String, envelope: JSONValue)] = []
        var acked: [String] = []
        var sent: [Sent] = []
        var sendScript: [SendBehaviour] = []
        var sendAttempts = 0
        var nextTs = 1_700_000_000
    }

    private let state = Mutex(State())
    public let port: Int
    /// Yields the connection count each time a socket says hello.
    public let hellos = AsyncStream<Int>.makeStream(bufferingPolicy: .unbounded)
    public let delivered = AsyncStream<Int>.makeStream(bufferingPolicy: .unbounded)
    public let acks = AsyncStream<String>.makeStream(bufferingPolicy: .unbounded)
    /// Yields each chat.postMessage attempt's number (answered or not).
    public let sendAttempted = AsyncStream<Int>.makeStream(bufferingPolicy: .unbounded)
    private let hung = Gate()

    init(port: Int) { self.port = port }

    public var apiBaseURL: String { "http://127.0.0.1:\(port)/api" }
    public var sent: [Sent] { state.withLock { $0.sent } }
    public var sendAttempts: Int { state.withLock { $0.sendAttempts } }
    public var unacknowledged: Set<String> { state.withLock { $0.unacked } }
    public var connections: Int { state.withLock { $0.connections } }
    public func scriptSends(_ behaviours: SendBehaviour...) { state.withLock { $0.sendScript += behaviours } }

    /// A user's message (`message`, or `app_mention` when `mention`); returns its envelope id.
    @discardableResult
    public func push(text: String, user: String, channel: String, channelType: String = "im", threadTs: String? = nil, mention: Bool = false) async -> String {
        let (envelopeId, ts) = state.withLock { state -> (String, String) in
            state.nextTs += 1
            let id = UUID().uuidString
            state.unacked.insert(id)
            return (id, "\(state.nextTs).000100")
        }
        var event: [String: JSONValue] = [
            "type": .string(mention ? "app_mention" : "message"), "user": .string(user), "channel": .string(channel), "channel_type": .string(channelType),
            "text": .string(mention ? "<@\(Self.botUserId)> \(text)" : text), "ts": .string(ts),
        ]
        if let threadTs { event["thread_ts"] = .string(threadTs) }
        let envelope: JSONValue = [
            "envelope_id": .string(envelopeId), "type": "events_api", "accepts_response_payload": false, "retry_attempt": 0,
            "payload": ["type": "event_callback", "team_id": "T1", "event": .object(event), "event_id": .string("Ev\(ts)")],
        ]
        let live = state.withLock { state in
            state.pending.append((envelopeId, envelope))
            return state.live
        }
        try? await live?.write(.text(GatewayJSON.string(envelope)))
        return envelopeId
    }

    /// Asks the client to reconnect, as Slack does about hourly.
    public func requestRefresh() async {
        try? await state.withLock { $0.live }?.write(.text(#"{"type":"disconnect","reason":"refresh_requested","debug_info":{"host":"fake"}}"#))
    }

    public func waitForDelivered(_ count: Int, timeout: Duration = .seconds(30)) async throws {
        if sent.count >= count { return }
        try await withTimeout(timeout, "\(count) Slack messages delivered (have \(sent.count))") {
            for await delivered in self.delivered.stream where delivered >= count { return }
        }
    }

    private func serve(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        let count = state.withLock { state in
            state.connections += 1
            state.live = outbound
            state.liveId = state.connections
            return state.connections
        }
        // Pushes while no connection is up wait in `pending` for the next one.
        defer { state.withLock { if $0.liveId == count { $0.live = nil } } }
        try await outbound.write(.text(#"{"type":"hello","num_connections":1,"connection_info":{"app_id":"A1"},"debug_info":{"host":"fake"}}"#))
        // What the last connection never acknowledged comes again (Slack retries unacked events).
        let retries = state.withLock { $0.pending.map(\.envelope) }
        for envelope in retries { try await outbound.write(.text(GatewayJSON.string(envelope))) }
        hellos.continuation.yield(count)
        for try await message in inbound.messages(maxSize: 1 << 20) {
            guard case .text(let text) = message, let ack = try? GatewayJSON.decoder.decode(JSONValue.self, from: Data(text.utf8)),
                let id = ack["envelope_id"]?.stringValue
            else { continue }
            state.withLock { state in
                state.unacked.remove(id)
                state.acked.append(id)
                state.pending.removeAll { $0.id == id }
            }
            acks.continuation.yield(id)
        }
    }

    private func api(_ method: String, _ request: Request) async throws -> Response {
        let authorization = request.headers[.authorization] ?? ""
        let data = try await request.body.collect(upTo: 1 << 20)
        let body = (try? GatewayJSON.decoder.decode(JSONValue.self, from: Data(data.readableBytesView))) ?? .object([:])
        switch method {
        case "apps.connections.open":
            guard authorization == "Bearer \(Self.appToken)" else { return Self.json(.ok, ["ok": false, "error": "invalid_auth"]) }
            return Self.json(.ok, ["ok": true, "url": .string("ws://127.0.0.1:\(port)/link/?ticket=\(UUID().uuidString)")])
        case "auth.test":
            guard authorization == "Bearer \(Self.botToken)" else { return Self.json(.ok, ["ok": false, "error": "invalid_auth"]) }
            return Self.json(.ok, ["ok": true, "user_id": .string(Self.botUserId), "bot_id": "B1", "team_id": "T1"])
        case "chat.postMessage":
            guard authorization == "Bearer \(Self.botToken)" else { return Self.json(.ok, ["ok": false, "error": "invalid_auth"]) }
            let (behaviour, attempt) = state.withLock { state -> (SendBehaviour, Int) in
                state.sendAttempts += 1
                return (state.sendScript.isEmpty ? .ok : state.sendScript.removeFirst(), state.sendAttempts)
            }
            sendAttempted.continuation.yield(attempt)
            switch behaviour {
            case .hang:
                await hung.wait()
                return Self.json(.serviceUnavailable, ["ok": false, "error": "service_unavailable"])
            case .rateLimited(let seconds):
                return Response(
                    status: .tooManyRequests, headers: [.contentType: "application/json", HTTPField.Name("Retry-After")!: String(seconds)],
                    body: .init(byteBuffer: ByteBuffer(string: #"{"ok":false,"error":"ratelimited"}"#)))
            case .error(let error):
                return Self.json(.ok, ["ok": false, "error": .string(error)])
            case .ok:
                guard let channel = body["channel"]?.stringValue, let text = body["text"]?.stringValue, !text.isEmpty else {
                    return Self.json(.ok, ["ok": false, "error": "no_text"])
                }
                let (count, ts) = state.withLock { state -> (Int, String) in
                    state.nextTs += 1
                    state.sent.append(Sent(channel: channel, text: text, threadTs: body["thread_ts"]?.stringValue))
                    return (state.sent.count, "\(state.nextTs).000200")
                }
                delivered.continuation.yield(count)
                return Self.json(.ok, ["ok": true, "channel": .string(channel), "ts": .string(ts)])
            }
        default:
            return Self.json(.ok, ["ok": false, "error": "unknown_method"])
        }
    }

    private static func json(_ status: HTTPResponse.Status, _ value: JSONValue) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: GatewayJSON.string(value))))
    }

    public static func with<T: Sendable>(_ body: @Sendable (FakeSlackServer) async throws -> T) async throws -> T {
        let box = Mutex<FakeSlackServer?>(nil)
        let router = Router()
        router.post("/api/:method") { request, context -> Response in
            guard let server = box.withLock({ $0 }) else { return json(.serviceUnavailable, ["ok": false]) }
            return try await server.api(context.parameters.get("method") ?? "", request)
        }
        return try await LoopbackServer.with(label: "fake-slack") { onRunning in
            Application(
                router: router,
                server: .http1WebSocketUpgrade(configuration: .init()) { head, _, _ in
                    guard head.path?.hasPrefix("/link") == true else { return .dontUpgrade }
                    return .upgrade([:]) { inbound, outbound, _ in
                        guard let server = box.withLock({ $0 }) else { return }
                        try await server.serve(inbound: inbound, outbound: outbound)
                    }
                },
                configuration: .init(address: .hostname("127.0.0.1", port: 0)), onServerRunning: onRunning, logger: Logger(label: "fake-slack")
            )
        } _: { port in
            let server = FakeSlackServer(port: port)
            box.withLock { $0 = server }
            defer { server.hung.open() }
            return try await body(server)
        }
    }
}
