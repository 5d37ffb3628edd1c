import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import SwitchboardProtocol

/// A Telegram Bot API stand-in on loopback: `getMe`, long-polling `getUpdates` (confirming
/// updates below the offset, as Telegram does) and `sendMessage`, with scripted failures.
/// The gateway's real connector talks to it through `channels.telegram.apiBaseUrl`.
public final class FakeTelegramServer: Sendable {
    /// How the next `sendMessage` call is answered.
    public enum SendBehaviour: Sendable {
        case ok
        /// `429` with `parameters.retry_after`.
        case rateLimited(retryAfter: Int)
        case status(Int, description: String)
        /// Never answered: the message is not delivered (the client may give up or die).
        case hang
    }

    /// One message the bot sent.
    public struct Sent: Sendable, Hashable {
        public var chatId: String
        public var text: String
        public var parseMode: String?
        public var messageId: Int
        public var replyTo: Int?
    }

    public static let token = "123456:TEST-token-never-logged"
    public static let botId: Int64 = 999_000
    public static let botUsername = "switchboard_test_bot"

    private struct State {
        var nextUpdateId = 1
        var nextMessageId = 10_000
        var updates: [(id: Int, json: JSONValue)] = []
        var sent: [Sent] = []
        var sentCount = 0
        var sendScript: [SendBehaviour] = []
        var sendAttempts = 0
        var offsets: [Int] = []
        var pollWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())
    private let hung = Gate()
    public let port: Int
    /// Yields the running count each time a message is delivered.
    public let delivered = AsyncStream<Int>.makeStream(bufferingPolicy: .unbounded)
    /// Yields each delivered message (the bench matches replies to chats with it).
    public let deliveries = AsyncStream<Sent>.makeStream(bufferingPolicy: .unbounded)
    /// Yields each `sendMessage` attempt (answered or not).
    public let sendAttempted = AsyncStream<Int>.makeStream(bufferingPolicy: .unbounded)

    /// False for the bench: delivered messages are counted and streamed, not kept.
    let keepsSent: Bool

    init(port: Int, keepsSent: Bool) {
        self.port = port
        self.keepsSent = keepsSent
    }

    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Queues a text message from a user; returns its message id.
    @discardableResult
    public func push(text: String, fromUser userId: Int64, name: String = "Tester", chatId: Int64? = nil, chatType: String = "private",
        replyToBot: Bool = false) -> Int {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            let updateId = state.nextUpdateId
            state.nextUpdateId += 1
            let messageId = updateId + 500
            var message: [String: JSONValue] = [
                "message_id": .int(messageId), "date": .int(Int(Date().timeIntervalSince1970)),
                "from": ["id": .int(Int(userId)), "is_bot": false, "first_name": .string(name)],
                "chat": ["id": .int(Int(chatId ?? userId)), "type": .string(chatType)], "text": .string(text),
            ]
            if replyToBot { message["reply_to_message"] = ["message_id": 1, "from": ["id": .int(Int(Self.botId)), "is_bot": true]] }
            state.updates.append((updateId, ["update_id": .int(updateId), "message": .object(message)]))
            defer { state.pollWaiters = [] }
            return state.pollWaiters
        }
        for waiter in waiters { waiter.resume() }
        return state.withLock { $0.nextUpdateId - 1 }
    }

    public func scriptSends(_ behaviours: SendBehaviour...) {
        state.withLock { $0.sendScript += behaviours }
    }

    public var sent: [Sent] { state.withLock { $0.sent } }
    public var sendAttempts: Int { state.withLock { $0.sendAttempts } }
    /// Every `offset` the client passed to `getUpdates`, in order (nil ones left out).
    public var offsets: [Int] { state.withLock { $0.offsets } }
    /// Updates not yet confirmed by an offset past them.
    public var unconfirmedUpdates: Int { state.withLock { $0.updates.count } }

    /// Waits until at least `count` messages were delivered.
    public func waitForDelivered(_ count: Int, timeout: Duration = .seconds(30)) async throws {
        if sent.count >= count { return }
        try await withTimeout(timeout, "\(count) Telegram messages delivered (have \(sent.count))") {
            for await delivered in self.delivered.stream where delivered >= count { return }
        }
    }

    public static func with<T: Sendable>(keepsSent: Bool = true, _ body: @Sendable (FakeTelegramServer) async throws -> T) async throws -> T {
        let box = Box()
        let router = Router()
        router.post("/:bot/:method") { request, context -> Response in
            guard let server = box.server else { return Self.json(.serviceUnavailable, ["ok": false]) }
            return try await server.handle(request, bot: context.parameters.get("bot") ?? "", method: context.parameters.get("method") ?? "")
        }
        return try await LoopbackServer.with(label: "fake-telegram") { onRunning in
            Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), onServerRunning: onRunning, logger: Logger(label: "fake-telegram"))
        } _: { port in
            let server = FakeTelegramServer(port: port, keepsSent: keepsSent)
            box.server = server
            defer {
                server.releasePollers()
                server.hung.open()
            }
            return try await body(server)
        }
    }

    private func releasePollers() {
        let waiters = state.withLock { state in
            defer { state.pollWaiters = [] }
            return state.pollWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    private func handle(_ request: Request, bot: String, method: String) async throws -> Response {
        guard bot == "bot\(Self.token)" else {
            return Self.json(.unauthorized, ["ok": false, "error_code": 401, "description": "Unauthorized"])
        }
        let data = try await request.body.collect(upTo: 1 << 20)
        let body = (try? GatewayJSON.decoder.decode(JSONValue.self, from: Data(data.readableBytesView))) ?? .object([:])
        switch method {
        case "getMe":
            return Self.json(.ok, ["ok": true, "result": ["id": .int(Int(Self.botId)), "is_bot": true, "first_name": "Test", "username": .string(Self.botUsername)]])
        case "getUpdates":
            return await getUpdates(body)
        case "sendMessage":
            return try await sendMessage(body)
        default:
            return Self.json(.notFound, ["ok": false, "error_code": 404, "description": "Not Found: method not found"])
        }
    }

    private func getUpdates(_ body: JSONValue) async -> Response {
        let offset = body["offset"]?.intValue
        let timeout = body["timeout"]?.intValue ?? 0
        let limit = body["limit"]?.intValue ?? 100
        func take() -> [JSONValue] {
            state.withLock { state in
                if let offset {
                    state.offsets.append(offset)
                    state.updates.removeAll { $0.id < offset }
                }
                return state.updates.prefix(limit).map(\.json)
            }
        }
        var updates = take()
        if updates.isEmpty && timeout > 0 {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    await withCheckedContinuation { continuation in
                        self.state.withLock { $0.pollWaiters.append(continuation) }
                    }
                }
                group.addTask { try? await Task.sleep(for: .seconds(timeout)) }
                await group.next()
                group.cancelAll()
                self.releasePollers()
            }
            updates = state.withLock { state in state.updates.prefix(limit).map(\.json) }
        }
        return Self.json(.ok, ["ok": true, "result": .array(updates)])
    }

    private func sendMessage(_ body: JSONValue) async throws -> Response {
        let (behaviour, attempt) = state.withLock { state -> (SendBehaviour, Int) in
            state.sendAttempts += 1
            return (state.sendScript.isEmpty ? .ok : state.sendScript.removeFirst(), state.sendAttempts)
        }
        sendAttempted.continuation.yield(attempt)
        switch behaviour {
        case .hang:
            // Held until the fake server stops; by then the client has usually died or given up.
            await hung.wait()
            return Self.json(.serviceUnavailable, ["ok": false, "error_code": 503, "description": "Service Unavailable"])
        case .rateLimited(let seconds):
            return Self.json(
                .tooManyRequests,
                ["ok": false, "error_code": 429, "description": .string("Too Many Requests: retry after \(seconds)"), "parameters": ["retry_after": .int(seconds)]]
            )
        case .status(let code, let description):
            return Self.json(HTTPResponse.Status(code: code), ["ok": false, "error_code": .int(code), "description": .string(description)])
        case .ok:
            guard let chatId = body["chat_id"].map({ $0.stringValue ?? $0.intValue.map(String.init) ?? "" }), let text = body["text"]?.stringValue,
                !chatId.isEmpty
            else {
                return Self.json(.badRequest, ["ok": false, "error_code": 400, "description": "Bad Request: chat_id and text are required"])
            }
            if text.utf16.count > 4096 {
                return Self.json(.badRequest, ["ok": false, "error_code": 400, "description": "Bad Request: message is too long"])
            }
            let (sent, count) = state.withLock { state -> (Sent, Int) in
                state.nextMessageId += 1
                let sent = Sent(
                    chatId: chatId, text: text, parseMode: body["parse_mode"]?.stringValue, messageId: state.nextMessageId,
                    replyTo: body["reply_parameters"]?["message_id"]?.intValue
                )
                if keepsSent { state.sent.append(sent) }
                state.sentCount += 1
                return (sent, state.sentCount)
            }
            let messageId = sent.messageId
            delivered.continuation.yield(count)
            deliveries.continuation.yield(sent)
            return Self.json(.ok, ["ok": true, "result": ["message_id": .int(messageId), "chat": ["id": .string(chatId)]]])
        }
    }

    private static func json(_ status: HTTPResponse.Status, _ value: JSONValue) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: GatewayJSON.string(value))))
    }

    private final class Box: @unchecked Sendable {
        private let lock = Mutex<FakeTelegramServer?>(nil)
        var server: FakeTelegramServer? {
            get { lock.withLock { $0 } }
            set { lock.withLock { $0 = newValue } }
        }
    }
}
