import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket

/// Opens load-generator WebSockets on a small event loop group of its own.
struct LoadClient: Sendable {
    let group: MultiThreadedEventLoopGroup
    let host: String
    let port: Int

    /// Largest message the client accepts (health snapshots, history pages).
    static let maxMessageBytes = 16 * 1024 * 1024

    init(port: Int, threads: Int, host: String = "127.0.0.1") {
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        self.host = host
        self.port = port
    }

    func shutdown() async {
        try? await group.shutdownGracefully()
    }

    /// Connects and upgrades; the returned connection has no receiver yet, so a message that
    /// arrives first (the gateway's challenge) is held until one is set. See ``Greeting``.
    func connect(path: String = "/") async throws -> (LoadConnection, Greeting) {
        let upgraded = group.next().makePromise(of: (LoadConnection, Greeting).self)
        let host = host
        let port = port
        let bootstrap = ClientBootstrap(group: group)
            .channelOption(ChannelOptions.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let upgrader = NIOWebSocketClientUpgrader(maxFrameSize: Self.maxMessageBytes, automaticErrorHandling: false) { channel, _ in
                        channel.eventLoop.makeCompletedFuture {
                            let connection = LoadConnection(channel: channel)
                            let greeting = Greeting(connection: connection)
                            try channel.pipeline.syncOperations.addHandler(
                                NIOWebSocketFrameAggregator(
                                    minNonFinalFragmentSize: 0, maxAccumulatedFrameCount: 1024, maxAccumulatedFrameSize: Self.maxMessageBytes
                                )
                            )
                            try channel.pipeline.syncOperations.addHandler(LoadFrameHandler(connection: connection))
                            upgraded.succeed((connection, greeting))
                        }
                    }
                    let request = UpgradeRequestWriter(host: "\(host):\(port)", path: path)
                    try channel.pipeline.syncOperations.addHTTPClientHandlers(
                        leftOverBytesStrategy: .forwardBytes,
                        withClientUpgrade: (upgraders: [upgrader], completionHandler: { context in
                            context.pipeline.removeHandler(name: UpgradeRequestWriter.name, promise: nil)
                        })
                    )
                    try channel.pipeline.syncOperations.addHandler(request, name: UpgradeRequestWriter.name)
                }
            }
        let channel = try await bootstrap.connect(host: host, port: port).get()
        channel.closeFuture.whenComplete { _ in upgraded.fail(LoadClientError.upgradeRefused) }
        return try await upgraded.futureResult.get()
    }
}

enum LoadClientError: Error, CustomStringConvertible {
    case upgradeRefused
    case handshakeFailed(String)
    case unexpected(String)

    var description: String {
        switch self {
        case .upgradeRefused: "the server closed the socket before the WebSocket upgrade completed"
        case .handshakeFailed(let detail): "connect was refused: \(detail)"
        case .unexpected(let detail): detail
        }
    }
}

/// Holds messages that arrive before a scenario attaches its receiver (the challenge is sent
/// as soon as the socket opens).
final class Greeting: @unchecked Sendable {
    // Event-loop confined, like LoadConnection.
    private var held: [ByteBuffer] = []
    private var waiter: EventLoopPromise<ByteBuffer>?
    let connection: LoadConnection

    init(connection: LoadConnection) {
        self.connection = connection
        connection.setReceiver { [unowned self] message, _ in
            if let waiter = self.waiter {
                self.waiter = nil
                waiter.succeed(message)
            } else {
                self.held.append(message)
            }
        }
    }

    /// The next message, from the hold or the socket.
    func next() -> EventLoopFuture<ByteBuffer> {
        connection.eventLoop.flatSubmit {
            if !self.held.isEmpty { return self.connection.eventLoop.makeSucceededFuture(self.held.removeFirst()) }
            let promise = self.connection.eventLoop.makePromise(of: ByteBuffer.self)
            self.waiter = promise
            self.connection.channel.closeFuture.whenComplete { _ in promise.fail(LoadClientError.unexpected("socket closed (code \(self.connection.closeCode.map(String.init) ?? "none"))")) }
            return promise.futureResult
        }
    }
}

/// Sends the HTTP upgrade request once the TCP connection is up.
private final class UpgradeRequestWriter: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    static let name = "upgrade-request"
    let host: String
    let path: String

    init(host: String, path: String) {
        self.host = host
        self.path = path
    }

    func channelActive(context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: host)
        headers.add(name: "Content-Length", value: "0")
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // A non-101 answer: the upgrade was refused.
        context.close(promise: nil)
    }
}
