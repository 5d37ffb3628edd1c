import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import NIOSSL
import NIOWebSocket
import SwitchboardProtocol

/// The gateway's port: HTTP requests go to Hummingbird's router; a WebSocket upgrade gets a
/// ``GatewaySocketHandler`` in the channel pipeline and lives on in NIO, with no task of its
/// own (Hummingbird's WebSocket layer keeps a task, an async stream and a writer per socket).
struct GatewayServerChannel: ServerChildChannel, HTTPChannelHandler {
    enum Negotiated: Sendable {
        case websocket
        case http(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>)
        case refused(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>, BrowserGuard.Refusal?)
    }

    /// What happened to an upgrade request, for the handlers that run after the decision.
    enum UpgradeAttempt: Sendable {
        case none
        case accepted
        case adapterDisabled
        case refused(BrowserGuard.Refusal)
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
            let attempt = NIOLoopBoundBox(UpgradeAttempt.none, eventLoop: channel.eventLoop)
            let runtime = runtime
            let upgrader = NIOTypedWebSocketServerUpgrader<Negotiated>(
                maxFrameSize: runtime.configuration.gateway.maxPayloadBytes,
                shouldUpgrade: { channel, head in
                    // Who may open a socket is decided before the 101: a foreign Host never gets one;
                    // a foreign Origin gets OpenClaw's error on its first frame, then 1008.
                    let origin = BrowserOriginPolicy.browserOrigin(among: head.headers[canonicalForm: "origin"].map(String.init))
                    let hosts = head.headers["host"]
                    // Two Host lines are never a browser's and could hide a rebinding name: judge the odd one.
                    let host = hosts.first { runtime.browserGuard.check(origin: nil, host: $0) != nil } ?? hosts.first
                    let refusal = runtime.browserGuard.check(origin: origin, host: host)
                    attempt.value = refusal.map { .refused($0) } ?? .accepted
                    if let refusal, refusal.hostRefused { return channel.eventLoop.makeSucceededFuture(nil) }
                    let adapterPath = Self.isAdapterPath(head.uri)
                    if adapterPath && runtime.channels.adapters == nil {
                        attempt.value = .adapterDisabled
                        return channel.eventLoop.makeSucceededFuture(nil)
                    }
                    return channel.eventLoop.makeSucceededFuture(HTTPHeaders())
                },
                upgradePipelineHandler: { channel, head in
                    channel.eventLoop.makeCompletedFuture {
                        UpgradeDeadline.remove(from: channel)
                        var originRefusal: BrowserGuard.Refusal?
                        if case .refused(let refusal) = attempt.value { originRefusal = refusal }
                        try self.installSocket(
                            on: channel, adapterPath: Self.isAdapterPath(head.uri),
                            origin: BrowserOriginPolicy.browserOrigin(among: head.headers[canonicalForm: "origin"].map(String.init)), originRefusal: originRefusal,
                            speaksFirst: Self.likelySpeaksFirst(userAgent: head.headers.first(name: "user-agent"))
                        )
                        return Negotiated.websocket
                    }
                }
            )
            let upgrade = NIOTypedHTTPServerUpgradeConfiguration(
                upgraders: [upgrader],
                notUpgradingCompletionHandler: { channel in
                    channel.eventLoop.makeCompletedFuture {
                        UpgradeDeadline.remove(from: channel)
                        try channel.pipeline.syncOperations.addHandler(HTTP1ToHTTPServerCodec(secure: runtime.tls != nil))
                        try channel.pipeline.syncOperations.addHandler(
                            HTTPConnectionStateHandler(idleTimeout: .milliseconds(Int64(Self.httpIdleTimeoutMs)), logger: logger)
                        )
                        let http = try NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>(
                            wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true)
                        )
                        switch attempt.value {
                        case .none: return .http(http)
                        case .refused(let refusal): return .refused(http, refusal)
                        case .accepted, .adapterDisabled: return .refused(http, nil)
                        }
                    }
                }
            )
            var configuration = NIOUpgradableHTTPServerPipelineConfiguration<Negotiated>(upgradeConfiguration: upgrade)
            configuration.enablePipelining = false
            configuration.enableErrorHandling = false
            configuration.enableResponseHeaderValidation = false
            // With TLS, the handshake happens first and within the same upgrade deadline.
            if let tls = runtime.tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls.context)) }
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
            case .refused(let http, let refusal):
                await Self.refuse(http, refusal)
            }
        } catch {
            logger.debug("connection ended before the HTTP exchange", metadata: ["error.type": "\(type(of: error))"])
        }
    }

    /// After the 101: the frame-size guard ahead of NIO's decoder, then the socket handler.
    private func installSocket(
        on channel: any Channel, adapterPath: Bool, origin: String?, originRefusal: BrowserGuard.Refusal?, speaksFirst: Bool
    ) throws {
        let session = ConnectionSession(
            runtime: runtime, dispatcher: dispatcher, remote: channel.remoteAddress, eventLoop: channel.eventLoop, adapterPath: adapterPath,
            browserOrigin: origin.map { String($0.prefix(300)) }, originRefusal: originRefusal, speaksFirst: speaksFirst
        )
        let pipeline = channel.pipeline.syncOperations
        let decoder = try pipeline.handler(type: ByteToMessageHandler<WebSocketFrameDecoder>.self)
        try pipeline.addHandler(FrameLengthGuard(limit: session.limit), position: .before(decoder))
        try pipeline.addHandler(GatewaySocketHandler(session: session, timings: timings))
    }

    /// A refused upgrade: a foreign `Host` gets 403 with the reason; `/adapter` with adapters
    /// disabled a plain 400.
    private static func refuse(_ http: NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>, _ refusal: BrowserGuard.Refusal?) async {
        try? await http.executeThenClose { _, outbound in
            guard let refusal else {
                let response = HTTPResponse(status: .badRequest, headerFields: [.connection: "close", .contentLength: "0"])
                try await outbound.write(contentsOf: [.head(response), .end(nil)])
                return
            }
            var body = ByteBuffer()
            body.writeString(
                GatewayJSON.string(["ok": false, "error": ["code": .string(refusal.code), "message": .string(refusal.message), "reason": .string(refusal.reason)]] as JSONValue)
            )
            let response = HTTPResponse(
                status: .forbidden,
                headerFields: [.connection: "close", .contentType: "application/json; charset=utf-8", .contentLength: "\(body.readableBytes)"]
            )
            try await outbound.write(contentsOf: [.head(response), .body(body), .end(nil)])
        }
    }

    /// Python's `websockets` library (`User-Agent: Python/3.x websockets/…`) is what Clara's
    /// adapters, the daemon extraction's example client and most Python JSON-RPC clients use, and
    /// they send their first frame without waiting; OpenClaw's clients (Node, browsers, Swift)
    /// never send that agent. Such a socket gets a short first-frame wait even when
    /// `gateway.firstFrameWaitMs` is 0, so Clara's client works on `/` as shipped.
    static func likelySpeaksFirst(userAgent: String?) -> Bool {
        guard let userAgent else { return false }
        return userAgent.contains("websockets/")
    }

    static func isAdapterPath(_ uri: String) -> Bool {
        uri.split(separator: "?", maxSplits: 1).first == "/adapter"
    }
}
