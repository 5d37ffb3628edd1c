import ArgumentParser
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket
import SwitchboardProtocol

/// The two baselines every Switchboard figure is divided by.
enum BaselineKind: String, CaseIterable, ExpressibleByArgument, Sendable {
    /// A bare SwiftNIO WebSocket echo: the transport's limit.
    case echo
    /// The same echo, decoding each frame with Codable and encoding it again: the stack's limit.
    case codable
    /// The minimal agent turn built from the same libraries (``BaselineTurnServer``).
    case turn

    var label: String {
        switch self {
        case .echo: "baseline (a) NIO echo"
        case .codable: "baseline (b) NIO + Codable"
        case .turn: "baseline (c) minimal turn"
        }
    }
}

/// `switchboard-bench baseline-server`: the baseline servers, run as their own processes so
/// they are measured the same way as the gateway. They live here, never in the product.
struct BaselineServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "baseline-server", abstract: "Run a baseline WebSocket server (used by the scenarios).")

    @Option(help: "echo or codable") var kind: BaselineKind = .echo
    @Option(help: "TCP port on 127.0.0.1") var port: Int
    @Option(help: "Event loop threads (the gateway uses one per core)") var threads = System.coreCount
    @Option(help: "turn: the provider's chat completions URL") var providerUrl: String?
    @Option(help: "turn: the SQLite file") var database: String?

    func run() async throws {
        if kind == .turn {
            guard let providerUrl, let database else { throw ValidationError("--kind turn needs --provider-url and --database") }
            return try await BaselineTurnServer(port: port, threads: threads, providerURL: providerUrl, databasePath: database).run()
        }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        let kind = kind
        let server = try await BaselineListener.bind(group: group, port: port) { BaselineEchoHandler(kind: kind) }
        print("baseline \(kind.rawValue) listening on \(port)")
        try await server.closeFuture.get()
    }
}

/// The baselines' WebSocket listener on 127.0.0.1: each upgraded socket gets `handler()`.
enum BaselineListener {
    static func bind(
        group: MultiThreadedEventLoopGroup, port: Int, handler: @escaping @Sendable () -> any ChannelHandler
    ) async throws -> any Channel {
        let upgrader = NIOWebSocketServerUpgrader(
            maxFrameSize: 1 << 24, automaticErrorHandling: true,
            shouldUpgrade: { channel, _ in channel.eventLoop.makeSucceededFuture(HTTPHeaders()) },
            upgradePipelineHandler: { channel, _ in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(handler()) }
            }
        )
        return try await ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 1024)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withServerUpgrade: (upgraders: [upgrader], completionHandler: { _ in }))
                }
            }
            .bind(host: "127.0.0.1", port: port).get()
    }
}

/// Echoes every text frame back; `codable` decodes and re-encodes it on the way.
final class BaselineEchoHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    let kind: BaselineKind

    init(kind: BaselineKind) {
        self.kind = kind
    }

    /// The envelope a gateway request carries; `params` stays an untyped JSON value.
    struct Envelope: Codable {
        var type: String
        var id: String
        var method: String?
        var params: JSONValue?
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text, .binary:
            var payload = frame.unmaskedData
            if kind == .codable {
                guard let envelope = try? GatewayJSON.decoder.decode(Envelope.self, from: Data(payload.readableBytesView)),
                    let encoded = try? GatewayJSON.encoder.encode(envelope)
                else { return context.close(promise: nil) }
                payload = context.channel.allocator.buffer(bytes: encoded)
            }
            context.write(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .text, data: payload)), promise: nil)
        case .ping:
            context.write(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData)), promise: nil)
        case .connectionClose:
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: frame.unmaskedData)), promise: nil)
            context.close(promise: nil)
        default:
            break
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }
}
