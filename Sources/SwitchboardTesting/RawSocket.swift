import Foundation
import HTTPTypes
import HummingbirdWSClient
import Logging
import NIOCore
import NIOWebSocket
public import SwitchboardProtocol

/// A WebSocket with no protocol logic: tests send any bytes and see exactly what comes back,
/// including the close code and reason. For handshake and hostile-client tests.
public final class RawSocket: @unchecked Sendable {
    // Used only from the one socket task that owns it (the session body).
    private var iterator: WebSocketInboundStream.AsyncIterator
    private let outbound: WebSocketOutboundWriter

    init(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) {
        self.iterator = inbound.makeAsyncIterator()
        self.outbound = outbound
    }

    public func send(text: String) async throws {
        try await outbound.write(.text(text))
    }

    public func send(binary: [UInt8]) async throws {
        try await outbound.write(.binary(ByteBuffer(bytes: binary)))
    }

    /// Sends any Encodable as a JSON text frame.
    public func send(json value: some Encodable) async throws {
        try await send(text: GatewayJSON.string(value))
    }

    /// The next message as JSON; nil when the socket closed.
    public func receive() async throws -> JSONValue? {
        guard let message = try await iterator.nextMessage(maxSize: 64 * 1024 * 1024) else { return nil }
        switch message {
        case .text(let text): return try GatewayJSON.decoder.decode(JSONValue.self, from: Data(text.utf8))
        case .binary(let buffer): return try GatewayJSON.decoder.decode(JSONValue.self, from: Data(buffer.readableBytesView))
        }
    }

    /// Skips frames until one matches; nil if the socket closed first.
    public func receive(where predicate: (JSONValue) -> Bool) async throws -> JSONValue? {
        while let frame = try await receive() {
            if predicate(frame) { return frame }
        }
        return nil
    }

    /// The response to request `id`.
    public func response(id: String) async throws -> JSONValue? {
        try await receive { $0["type"] == "res" && $0["id"]?.stringValue == id }
    }

    /// Reads until the server closes; returns how many frames arrived meanwhile.
    @discardableResult
    public func drainUntilClosed() async throws -> [JSONValue] {
        var frames: [JSONValue] = []
        while let frame = try await receive() { frames.append(frame) }
        return frames
    }

    public func close(code: Int = 1000) async throws {
        try await outbound.close(WebSocketErrorCode(codeNumber: code), reason: nil)
    }

    /// How a raw session ended.
    public struct Closure: Sendable {
        public var code: Int?
        public var reason: String?
    }

    /// Opens a socket, runs `script`, then waits for the close; returns the close frame seen.
    /// `headers` are added to the upgrade request (an `Origin` a browser would send, a `Host`).
    public static func session(
        url: String, headers: [String: String] = [:], _ script: @escaping @Sendable (RawSocket) async throws -> Void
    ) async throws -> Closure {
        var fields = HTTPFields()
        for (name, value) in headers { if let name = HTTPField.Name(name) { fields[name] = value } }
        let configuration = WebSocketClientConfiguration(maxFrameSize: 64 * 1024 * 1024, additionalHeaders: fields)
        let client = WebSocketClient(url: url, configuration: configuration, logger: Logger(label: "raw-socket")) {
            inbound, outbound, _ in
            let socket = RawSocket(inbound: inbound, outbound: outbound)
            try await script(socket)
            // Keep reading so the server's close frame is processed.
            while try await socket.receive() != nil {}
        }
        let frame = try await client.run()
        return Closure(code: frame.map { Int(UInt16(webSocketErrorCode: $0.closeCode)) }, reason: frame?.reason)
    }
}

extension ConnectParams {
    /// A minimal valid `connect` for tests.
    public static func test(
        min: Int = 3, max: Int = 4, token: String? = nil, scopes: [OperatorScope]? = [.admin], role: GatewayRole? = nil, mode: String = "test"
    ) -> ConnectParams {
        ConnectParams(
            minProtocol: min, maxProtocol: max, client: ClientInfo(id: "test", version: "1.0", platform: "linux", mode: mode),
            role: role, scopes: scopes, auth: token.map { ConnectAuth(token: $0) }
        )
    }
}
