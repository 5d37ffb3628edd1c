import Crypto
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
import NIOWebSocket
import Synchronization
import SwitchboardProtocol
import WSClient
@_spi(WSInternal) import WSCore

/// How the client opens its socket: TCP, TLS when the URL says `wss://`, then the HTTP
/// upgrade. It replaces the WebSocket library's own client channel for three reasons:
///
/// - **Pinning** (OpenClaw's `tlsFingerprint`): the certificate is checked against the pinned
///   SHA-256 fingerprint inside this very handshake, whoever signed it, and a mismatch is
///   refused with "gateway tls fingerprint mismatch".
/// - **IP addresses**: no SNI is sent for an IP literal (the library sent it, and TLS refused).
/// - **A close before the upgrade answer** (a non-gateway port, a TLS port spoken to in
///   plain text) fails the connect at once; the library waited for ever.
///
/// After the upgrade the library's WebSocket handler runs the socket (frames, ping/pong, close).
struct GatewaySocketChannel: ClientConnectionChannel {
    typealias Value = EventLoopFuture<NIOAsyncChannel<WebSocketFrame, WebSocketFrame>>
    typealias Result = WebSocketCloseFrame?

    struct Target {
        var host: String
        var port: Int
        var path: String
        var secure: Bool

        init(url: String) throws(GatewayClientError) {
            guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), ["ws", "wss", "http", "https"].contains(scheme),
                let host = parsed.host, !host.isEmpty
            else {
                throw GatewayClientError(.unreachable, "invalid gateway URL \"\(url.prefix(200))\": expected ws://host:port or wss://host:port")
            }
            secure = scheme == "wss" || scheme == "https"
            self.host = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
            port = parsed.port ?? (secure ? 443 : 80)
            let query = parsed.query.map { "?\($0)" } ?? ""
            path = (parsed.path.isEmpty ? "/" : parsed.path) + query
        }

        var hostHeader: String { (host.contains(":") ? "[\(host)]" : host) + ":\(port)" }
        var isIPAddress: Bool {
            var bytes = [UInt8](repeating: 0, count: 16)
            return inet_pton(AF_INET, host, &bytes) == 1 || inet_pton(AF_INET6, host, &bytes) == 1
        }
    }

    /// The pin's verdict, read after a failed handshake to say why it failed.
    final class PinVerdict: Sendable {
        let mismatch = Mutex<GatewayClientError?>(nil)
    }

    struct Context: WebSocketContext {
        let logger: Logger
    }

    let target: Target
    let url: String
    let tls: NIOSSLContext?
    let pinned: TLSFingerprint?
    let verdict: PinVerdict
    let maxFrameSize: Int
    let closeTimeout: Duration
    let handler: WebSocketDataHandler<Context>

    init(
        url: String, pinned: TLSFingerprint?, maxFrameSize: Int, closeTimeout: Duration, verdict: PinVerdict,
        handler: @escaping WebSocketDataHandler<Context>
    ) throws(GatewayClientError) {
        let target = try Target(url: url)
        self.target = target
        self.url = url
        self.pinned = pinned
        self.verdict = verdict
        self.maxFrameSize = maxFrameSize
        self.closeTimeout = closeTimeout
        self.handler = handler
        guard target.secure else {
            tls = nil
            return
        }
        var configuration = TLSConfiguration.makeClientConfiguration()
        // With a pin the fingerprint decides, as OpenClaw's client does; without one, the usual checks.
        if pinned != nil { configuration.certificateVerification = .noHostnameVerification }
        do {
            tls = try NIOSSLContext(configuration: configuration)
        } catch {
            throw GatewayClientError(.unreachable, "cannot set up TLS: \(error)")
        }
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            // The connection allows half-closure: a peer that stops sending has nothing more to say to us.
            try channel.pipeline.syncOperations.addHandler(CloseOnInputClosed(), position: .first)
            if let tls {
                let serverName = target.isIPAddress ? nil : target.host
                let handler: NIOSSLClientHandler
                if let pinned {
                    let verdict = verdict
                    let url = url
                    handler = try NIOSSLClientHandler(context: tls, serverHostname: serverName) { certificates, result in
                        let presented = certificates.first.flatMap { try? $0.toDERBytes() }.map { TLSFingerprint(digest: SHA256.hash(data: $0)) }
                        if presented == pinned {
                            result.succeed(.certificateVerified)
                        } else {
                            let shown = presented.map { "\($0)" } ?? "no certificate"
                            verdict.mismatch.withLock {
                                $0 = GatewayClientError(
                                    .tlsFingerprintMismatch, "gateway tls fingerprint mismatch: expected \(pinned), the gateway at \(url) presented \(shown)"
                                )
                            }
                            result.succeed(.failed)
                        }
                    }
                } else {
                    handler = try NIOSSLClientHandler(context: tls, serverHostname: serverName)
                }
                try channel.pipeline.syncOperations.addHandler(handler)
            }
            let upgrader = NIOTypedWebSocketClientUpgrader<NIOAsyncChannel<WebSocketFrame, WebSocketFrame>>(
                maxFrameSize: maxFrameSize,
                upgradePipelineHandler: { channel, _ in
                    channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<WebSocketFrame, WebSocketFrame>(wrappingChannelSynchronously: channel) }
                }
            )
            var headers = HTTPHeaders()
            headers.add(name: "Host", value: target.hostHeader)
            let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: target.path, headers: headers)
            let upgrade = NIOTypedHTTPClientUpgradeConfiguration(
                upgradeRequestHead: head, upgraders: [upgrader],
                notUpgradingCompletionHandler: { channel in
                    channel.eventLoop.makeFailedFuture(
                        GatewayClientError(.unreachable, "the server at \(url) did not accept a WebSocket connection (is it a gateway? is the path right?)")
                    )
                }
            )
            var configuration = NIOUpgradableHTTPClientPipelineConfiguration(upgradeConfiguration: upgrade)
            configuration.leftOverBytesStrategy = .forwardBytes
            let upgraded = try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(configuration: configuration)
            // The upgrade alone waits for ever when the socket closes before any answer.
            let promise = channel.eventLoop.makePromise(of: NIOAsyncChannel<WebSocketFrame, WebSocketFrame>.self)
            upgraded.cascade(to: promise)
            channel.closeFuture.whenComplete { _ in
                promise.fail(closedBeforeUpgrade)
            }
            return promise.futureResult
        }
    }

    /// A server that hangs up on the upgrade request: often a TLS port spoken to in plain text.
    var closedBeforeUpgrade: GatewayClientError {
        GatewayClientError(
            .unreachable, "the server at \(url) closed the connection before answering the WebSocket upgrade" + (target.secure ? "" : " (if the gateway serves TLS, use wss://)")
        )
    }

    func handle(value: Value, logger: Logger) async throws -> WebSocketCloseFrame? {
        let socket: NIOAsyncChannel<WebSocketFrame, WebSocketFrame>
        do {
            socket = try await value.get()
        } catch let error as ChannelError where error == .inappropriateOperationForState || error == .ioOnClosedChannel || error == .eof {
            throw closedBeforeUpgrade
        }
        return try await WebSocketHandler.handle(
            type: .client,
            configuration: .init(extensions: [], autoPing: .disabled, closeTimeout: closeTimeout, validateUTF8: false, maxFrameSize: maxFrameSize),
            asyncChannel: socket,
            context: Context(logger: logger),
            handler: handler
        )
    }
}

/// Closes the socket when the peer closes its side. The connection library allows half-closure,
/// so without this a server that hangs up before the upgrade answer left the socket in
/// CLOSE-WAIT and the connect waiting for ever.
final class CloseOnInputClosed: ChannelInboundHandler, Sendable {
    typealias InboundIn = NIOAny

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .inputClosed = event as? ChannelEvent {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }
}
