public import NIOCore
import NIOPosix
import Synchronization

/// A bare TCP connection for hostile-client tests: writes exactly the bytes given (half-open
/// sockets, trickled headers, hand-made WebSocket frames) and collects what comes back.
public final class RawTCP: Sendable {
    public let channel: any Channel
    private let collected: Collector

    private init(channel: any Channel, collected: Collector) {
        self.channel = channel
        self.collected = collected
    }

    /// Connects to 127.0.0.1:`port`.
    public static func connect(port: Int) async throws -> RawTCP {
        let collector = Collector()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(CollectingHandler(collector: collector)) }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return RawTCP(channel: channel, collected: collector)
    }

    public func send(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(ByteBuffer(bytes: bytes))
    }

    public func send(_ text: String) async throws {
        try await send(Array(text.utf8))
    }

    /// Everything received so far.
    public var received: [UInt8] { collected.bytes }

    /// Waits until the server closes the connection.
    public func waitUntilClosed(timeout: Duration) async throws {
        let channel = channel
        try await withTimeout(timeout, "the server to close the socket") { try await channel.closeFuture.get() }
    }

    /// Waits until at least `count` bytes arrived (or the socket closed).
    public func waitForBytes(_ count: Int, timeout: Duration) async throws -> [UInt8] {
        let collected = collected
        return try await withTimeout(timeout, "\(count) bytes from the server") { await collected.wait(atLeast: count) }
    }

    public var isOpen: Bool { channel.isActive }

    public func close() async {
        try? await channel.close()
    }

    final class Collector: Sendable {
        private struct State {
            var bytes: [UInt8] = []
            var closed = false
            var waiters: [(Int, CheckedContinuation<[UInt8], Never>)] = []
        }

        private let state = Mutex(State())

        var bytes: [UInt8] { state.withLock { $0.bytes } }

        func append(_ buffer: ByteBuffer?) {
            let ready: [(CheckedContinuation<[UInt8], Never>, [UInt8])] = state.withLock { state in
                if let buffer { state.bytes += buffer.readableBytesView } else { state.closed = true }
                let bytes = state.bytes
                let (done, waiting) = state.waiters.reduce(into: ([CheckedContinuation<[UInt8], Never>](), [(Int, CheckedContinuation<[UInt8], Never>)]())) {
                    if bytes.count >= $1.0 || state.closed { $0.0.append($1.1) } else { $0.1.append($1) }
                }
                state.waiters = waiting
                return done.map { ($0, bytes) }
            }
            for (continuation, bytes) in ready { continuation.resume(returning: bytes) }
        }

        func wait(atLeast count: Int) async -> [UInt8] {
            await withCheckedContinuation { continuation in
                let now: [UInt8]? = state.withLock { state in
                    if state.bytes.count >= count || state.closed { return state.bytes }
                    state.waiters.append((count, continuation))
                    return nil
                }
                if let now { continuation.resume(returning: now) }
            }
        }
    }

    private final class CollectingHandler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let collector: Collector

        init(collector: Collector) {
            self.collector = collector
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            collector.append(unwrapInboundIn(data))
        }

        func channelInactive(context: ChannelHandlerContext) {
            collector.append(nil)
            context.fireChannelInactive()
        }
    }
}

/// Hand-made WebSocket wire bytes (RFC 6455), for tests that must send what no client library would.
public enum WebSocketWire {
    /// The HTTP upgrade request for `path`, with `host` as its Host and any extra header lines.
    public static func upgradeRequest(path: String = "/", host: String = "127.0.0.1", headers: [String: String] = [:]) -> String {
        "GET \(path) HTTP/1.1\r\nHost: \(host)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + headers.map { "\($0.key): \($0.value)\r\n" }.joined()
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    }

    /// One masked client frame (opcode 1 = text, 0 = continuation, 8 = close).
    public static func frame(_ payload: [UInt8], opcode: UInt8 = 1, fin: Bool = true) -> [UInt8] {
        var bytes: [UInt8] = [(fin ? 0x80 : 0) | opcode]
        let mask: [UInt8] = [0x12, 0x34, 0x56, 0x78]
        switch payload.count {
        case ..<126: bytes.append(0x80 | UInt8(payload.count))
        case ..<65536: bytes += [0x80 | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        default: bytes += [0x80 | 127] + (0..<8).reversed().map { UInt8((payload.count >> ($0 * 8)) & 0xFF) }
        }
        bytes += mask
        bytes += payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
        return bytes
    }

    public static func text(_ string: String) -> [UInt8] { frame(Array(string.utf8)) }

    /// The server's frames in `bytes` after the HTTP response head: (opcode, payload).
    public static func serverFrames(in bytes: [UInt8]) -> [(opcode: UInt8, payload: [UInt8])] {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let headEnd = (0..<max(0, bytes.count - 3)).first(where: { Array(bytes[$0..<$0 + 4]) == separator }) else { return [] }
        var index = headEnd + 4
        var frames: [(UInt8, [UInt8])] = []
        while index + 2 <= bytes.count {
            let opcode = bytes[index] & 0x0F
            var length = Int(bytes[index + 1] & 0x7F)
            var start = index + 2
            if length == 126, start + 2 <= bytes.count {
                length = Int(bytes[start]) << 8 | Int(bytes[start + 1])
                start += 2
            } else if length == 127, start + 8 <= bytes.count {
                length = bytes[start..<start + 8].reduce(0) { $0 << 8 | Int($1) }
                start += 8
            }
            guard start + length <= bytes.count else { break }
            frames.append((opcode, Array(bytes[start..<start + length])))
            index = start + length
        }
        return frames
    }

    /// The close code of the server's close frame, if it sent one.
    public static func closeCode(in bytes: [UInt8]) -> Int? {
        guard let close = serverFrames(in: bytes).first(where: { $0.opcode == 8 }), close.payload.count >= 2 else { return nil }
        return Int(close.payload[0]) << 8 | Int(close.payload[1])
    }
}
