import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import NIOWebSocket

/// The gateway's port: HTTP requests go to Hummingbird's router; a WebSocket upgrade gets a
/// ``GatewaySocketHandler`` in the channel pipeline and lives on in NIO, with no task of its
/// own (Hummingbird's WebSocket layer keeps a task, an async stream and a writer per socket).
struct GatewayServerChannel: ServerChildChannel, HTTPChannelHandler {
    enum Negotiated: Sendable {
        case websocket
        case http(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>)
        case refused(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>)
    }

    struct Value: ServerChildChannelValue {
        let negotiated: EventLoopFuture<Negotiated>
        let channel: any Channel
    }

    /// A keep-alive HTTP connection with no request for this long is closed.
    static let httpIdleTimeoutMs = 60_000

    let responder: HTTPChannelHandler.Responder
    let runtime: GatewayRuntime
    let dispatcher: Dispatcher
    let timings: SocketTimings

    init(responder: @escaping HTTPChannelHandler.Responder, runtime: GatewayRuntime) {
        self.responder = responder
        self.runtime = runtime
        self.dispatcher = Dispatcher(registry: runtime.registry, logger: runtime.logger, metrics: runtime.host.metrics)
        let config = runtime.configuration.gateway
        self.timings = SocketTimings(handshakeTimeoutMs: config.handshakeTimeoutMs, closeTimeoutMs: config.closeTimeoutMs)
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            let attempted = NIOLoopBoundBox(false, eventLoop: channel.eventLoop)
            let runtime = runtime
            let upgrader = NIOTypedWebSocketServerUpgrader<Negotiated>(
                maxFrameSize: runtime.configuration.gateway.maxPayloadBytes,
                shouldUpgrade: { channel, head in
                    attempted.value = true
                    let adapterPath = Self.isAdapterPath(head.uri)
                    let refuse = adapterPath && runtime.channels.adapters == nil
                    return channel.eventLoop.makeSucceededFuture(refuse ? nil : HTTPHeaders())
                },
                upgradePipelineHandler: { channel, head in
                    channel.eventLoop.makeCompletedFuture {
                        UpgradeDeadline.remove(from: channel)
                        try self.installSocket(on: channel, adapterPath: Self.isAdapterPath(head.uri))
                        return Negotiated.websocket
                    }
                }
            )
            let upgrade = NIOTypedHTTPServerUpgradeConfiguration(
                upgraders: [upgrader],
                notUpgradingCompletionHandler: { channel in
                    channel.eventLoop.makeCompletedFuture {
                        UpgradeDeadline.remove(from: channel)
                        try channel.pipeline.syncOperations.addHandler(HTTP1ToHTTPServerCodec(secure: false))
                        try channel.pipeline.syncOperations.addHandler(
                            HTTPConnectionStateHandler(idleTimeout: .milliseconds(Int64(Self.httpIdleTimeoutMs)), logger: logger)
                        )
                        let http = try NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>(
                            wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true)
                        )
                        return attempted.value ? .refused(http) : .http(http)
                    }
                }
            )
            var configuration = NIOUpgradableHTTPServerPipelineConfiguration<Negotiated>(upgradeConfiguration: upgrade)
            configuration.enablePipelining = false
            configuration.enableErrorHandling = false
            configuration.enableResponseHeaderValidation = false
            try channel.pipeline.syncOperations.addHandler(UpgradeDeadline(timeoutMs: timings.handshakeTimeoutMs), name: UpgradeDeadline.name)
            let negotiated = try channel.pipeline.syncOperations.configureUpgradableHTTPServerPipeline(configuration: configuration)
            return Value(negotiated: negotiated, channel: channel)
        }
    }

    func handle(value: Value, logger: Logger) async {
        do {
            switch try await value.negotiated.get() {
            case .websocket:
                // The socket handler owns the connection from here.
                return
            case .http(let http):
                await handleHTTP(asyncChannel: http, logger: logger)
            case .refused(let http):
                await Self.refuse(http)
            }
        } catch {
            logger.debug("connection ended before the HTTP exchange", metadata: ["error.type": "\(type(of: error))"])
        }
    }

    /// After the 101: the frame-size guard ahead of NIO's decoder, then the socket handler.
    private func installSocket(on channel: any Channel, adapterPath: Bool) throws {
        let session = ConnectionSession(
            runtime: runtime, dispatcher: dispatcher, remote: channel.remoteAddress, eventLoop: channel.eventLoop, adapterPath: adapterPath
        )
        let pipeline = channel.pipeline.syncOperations
        let decoder = try pipeline.handler(type: ByteToMessageHandler<WebSocketFrameDecoder>.self)
        try pipeline.addHandler(FrameLengthGuard(limit: session.limit), position: .before(decoder))
        try pipeline.addHandler(GatewaySocketHandler(session: session, timings: timings))
    }

    /// A refused upgrade (`/adapter` with adapters disabled) gets a plain 400.
    private static func refuse(_ http: NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>) async {
        try? await http.executeThenClose { _, outbound in
            let response = HTTPResponse(status: .badRequest, headerFields: [.connection: "close", .contentLength: "0"])
            try await outbound.write(contentsOf: [.head(response), .end(nil)])
        }
    }

    static func isAdapterPath(_ uri: String) -> Bool {
        uri.split(separator: "?", maxSplits: 1).first == "/adapter"
    }
}
