import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import ServiceLifecycle
public import SwitchboardProtocol

/// A WebSocket server that plays a script against each client: for testing client behaviour
/// the real gateway never shows (silence, missing ticks, seq gaps, dropped requests).
public enum ScriptedGatewayServer {
    /// The server side of one scripted connection.
    public final class Peer: @unchecked Sendable {
        // Used only from the one connection task that owns it.
        private var iterator: WebSocketInboundStream.AsyncIterator
        private let outbound: WebSocketOutboundWriter

        init(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) {
            iterator = inbound.makeAsyncIterator()
            self.outbound = outbound
        }

        public func send(_ value: some Encodable) async throws {
            try await outbound.write(.text(GatewayJSON.string(value)))
        }

        /// The next frame from the client as JSON; nil when it closed.
        public func receive() async throws -> JSONValue? {
            guard let message = try await iterator.nextMessage(maxSize: 1 << 24) else { return nil }
            switch message {
            case .text(let text): return try GatewayJSON.decoder.decode(JSONValue.self, from: Data(text.utf8))
            case .binary(let buffer): return try GatewayJSON.decoder.decode(JSONValue.self, from: Data(buffer.readableBytesView))
            }
        }

        /// Challenge, then answers `connect` with a v4 `hello-ok` announcing `tickIntervalMs`.
        public func acceptConnect(tickIntervalMs: Int = 30_000) async throws {
            try await send(EventFrame(event: "connect.challenge", payload: ConnectChallenge(nonce: "scripted", ts: 1)))
            guard let request = try await receive(), let id = request["id"]?.stringValue else { return }
            let hello = HelloOK(
                protocol: 4, server: .init(version: "scripted", connId: "c"), features: .init(methods: [], events: []),
                snapshot: Snapshot(presence: [], health: HealthSummary(ts: 1), stateVersion: .init(presence: 1, health: 1), uptimeMs: 0),
                auth: .init(deviceToken: nil, role: .operator, scopes: [], issuedAtMs: nil),
                policy: .init(maxPayload: 1 << 20, maxBufferedBytes: 1 << 20, tickIntervalMs: tickIntervalMs)
            )
            try await send(ResponseFrame.success(id: id, hello))
        }
    }

    /// Runs a server on a free loopback port for the duration of `body`.
    public static func with<T: Sendable>(
        script: @escaping @Sendable (Peer) async throws -> Void,
        _ body: @Sendable (_ url: String) async throws -> T
    ) async throws -> T {
        try await LoopbackServer.with(label: "scripted-gateway") { onRunning in
            Application(
                router: Router(),
                server: .http1WebSocketUpgrade(configuration: .init()) { _, _, _ in
                    .upgrade([:]) { inbound, outbound, _ in
                        try await script(Peer(inbound: inbound, outbound: outbound))
                    }
                },
                configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                onServerRunning: onRunning,
                logger: Logger(label: "scripted-gateway")
            )
        } _: { port in
            try await body("ws://127.0.0.1:\(port)")
        }
    }
}
