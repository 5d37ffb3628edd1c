import AsyncHTTPClient
import Foundation
import GRDB
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket
import SwitchboardAgent
import SwitchboardProtocol

/// Baseline (c) of the `turns` scenario: the least a turn can cost with the gateway's own
/// libraries. A `chat.send` frame in (NIO WebSocket, Codable), one SQLite insert (GRDB, WAL,
/// fsynced like the gateway's default `storage.durability: full`), the `res`, one HTTP/1.1
/// request to the provider (AsyncHTTPClient, one shared client) whose SSE stream is parsed
/// with the gateway's parser, and one final `chat` frame out. No sessions, history, events
/// per chunk, auth or transcript: everything else the gateway does is what it costs above this.
struct BaselineTurnServer {
    let port: Int
    let threads: Int
    let providerURL: String
    let databasePath: String

    func run() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        var configuration = Configuration()
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        let database = try DatabasePool(path: databasePath, configuration: configuration)
        try await database.write { db in
            try db.execute(sql: "CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY, session TEXT NOT NULL, run TEXT NOT NULL, text TEXT NOT NULL)")
        }
        let http = HTTPClient(eventLoopGroup: group, configuration: .init())
        let turn = TurnContext(database: database, http: http, providerURL: providerURL)
        let server = try await BaselineListener.bind(group: group, port: port) { BaselineTurnHandler(turn: turn) }
        print("baseline turn listening on \(port)")
        try await server.closeFuture.get()
        try await http.shutdown()
    }
}

/// What every connection's turns share.
struct TurnContext: Sendable {
    let database: DatabasePool
    let http: HTTPClient
    let providerURL: String

    struct Envelope: Decodable {
        struct Params: Decodable {
            var sessionKey: String
            var message: String
            var idempotencyKey: String
        }

        var type: String
        var id: String
        var method: String
        var params: Params
    }

    struct ProviderRequest: Encodable {
        struct Message: Encodable {
            var role: String
            var content: String
        }

        var model = "m1"
        var stream = true
        var messages: [Message]
    }

    /// The final `chat` event's payload (the frame around it is written by hand: gateway
    /// frames start with `"type"`, and the encoder sorts keys).
    struct FinalPayload: Encodable {
        var runId: String
        var sessionKey: String
        var seq = 1
        var state = "final"
        var message: ChatMessage
    }
}

/// One connection: each `chat.send` runs the minimal turn; frames go out on the channel's loop.
final class BaselineTurnHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    let turn: TurnContext
    // Touched only on the channel's event loop.
    private var context: ChannelHandlerContext?

    init(turn: TurnContext) {
        self.turn = turn
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text:
            guard let request = try? GatewayJSON.decoder.decode(TurnContext.Envelope.self, from: Data(frame.unmaskedData.readableBytesView)) else {
                return context.close(promise: nil)
            }
            start(request, loop: context.eventLoop)
        case .connectionClose:
            context.close(promise: nil)
        default:
            break
        }
    }

    private func start(_ request: TurnContext.Envelope, loop: any EventLoop) {
        let params = request.params
        let this = NIOLoopBound(self, eventLoop: loop)
        turn.database.asyncWrite({ db in
            try db.execute(sql: "INSERT INTO messages (session, run, text) VALUES (?, ?, ?)", arguments: [params.sessionKey, params.idempotencyKey, params.message])
        }, completion: { _, result in
            loop.execute {
                guard case .success = result else { return this.value.context?.close(promise: nil) ?? () }
                this.value.write(#"{"type":"res","id":"\#(request.id)","ok":true,"payload":{"runId":"\#(params.idempotencyKey)","status":"started"}}"#)
                this.value.callProvider(params, loop: loop)
            }
        })
    }

    private func callProvider(_ params: TurnContext.Envelope.Params, loop: any EventLoop) {
        let body = TurnContext.ProviderRequest(messages: [.init(role: "user", content: params.message)])
        guard let encoded = try? GatewayJSON.encoder.encode(body), var request = try? HTTPClient.Request(url: turn.providerURL, method: .POST) else { return }
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(encoded)
        let delegate = SSETextCollector()
        let this = NIOLoopBound(self, eventLoop: loop)
        turn.http.execute(request: request, delegate: delegate, eventLoop: .delegate(on: loop)).futureResult.whenComplete { result in
            guard case .success(let text) = result else { return this.value.context?.close(promise: nil) ?? () }
            let final = TurnContext.FinalPayload(runId: params.idempotencyKey, sessionKey: params.sessionKey, message: .text(text, role: "assistant", timestamp: 0))
            guard let data = try? GatewayJSON.encoder.encode(final) else { return }
            this.value.write(#"{"type":"event","event":"chat","payload":"# + String(decoding: data, as: UTF8.self) + "}")
        }
    }

    private func write(_ text: String) {
        guard let context else { return }
        let frame = WebSocketFrame(fin: true, opcode: .text, data: context.channel.allocator.buffer(string: text))
        context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
    }
}

/// Parses an OpenAI-compatible SSE stream and collects the text of its deltas.
final class SSETextCollector: HTTPClientResponseDelegate, @unchecked Sendable {
    typealias Response = String
    // Called on one event loop (the delegate's) only.
    private var parser = SSEParser()
    private var text = ""

    private struct Chunk: Decodable {
        struct Choice: Decodable {
            struct Delta: Decodable { var content: String? }
            var delta: Delta?
        }

        var choices: [Choice]
    }

    func didReceiveBodyPart(task: HTTPClient.Task<String>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        if let events = try? parser.feed(buffer.readableBytesView) {
            for event in events where event.data != "[DONE]" {
                guard let chunk = try? GatewayJSON.decoder.decode(Chunk.self, from: Data(event.data.utf8)) else { continue }
                text += chunk.choices.first?.delta?.content ?? ""
            }
        }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didFinishRequest(task: HTTPClient.Task<String>) throws -> String { text }
}
