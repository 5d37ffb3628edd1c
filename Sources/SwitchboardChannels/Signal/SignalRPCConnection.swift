import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// One JSON-RPC 2.0 connection to signal-cli's daemon: newline-delimited JSON over TCP.
/// Requests get ids and await their responses; notifications (`receive`) go to a handler.
/// Lines longer than ``maxLineBytes`` end the connection.
final class SignalRPCConnection: Sendable {
    struct Failure: Error, Sendable, CustomStringConvertible {
        var description: String
        /// signal-cli's error code, when it answered with an error.
        var code: Int?
    }

    private struct State {
        var nextId = 1
        var waiting: [Int: CheckedContinuation<SignalIncoming, any Error>] = [:]
        var closed = false
    }

    private let state = Mutex(State())
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    /// Largest line accepted from the daemon (a message with a long text, or many results).
    static let maxLineBytes = 4 * 1024 * 1024

    private init(outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) {
        self.outbound = outbound
    }

    /// Connects, runs `body` with the connection while reading lines, and returns when the
    /// daemon closes the socket (or `body` ends). Notifications go to `onNotification`.
    static func connect(
        host: String, port: Int, onNotification: @escaping @Sendable (String, SignalIncoming.Params) async -> Void,
        _ body: @escaping @Sendable (SignalRPCConnection) async throws -> Void
    ) async throws {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(10))
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
        try await channel.executeThenClose { inbound, outbound in
            let connection = SignalRPCConnection(outbound: outbound)
            defer { connection.failAll(Failure(description: "signal-cli closed the connection")) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await body(connection) }
                group.addTask {
                    var pending = ByteBuffer()
                    for try await chunk in inbound {
                        var chunk = chunk
                        pending.writeBuffer(&chunk)
                        while let newline = pending.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) {
                            let length = newline - pending.readerIndex
                            let line = pending.readSlice(length: length)!
                            pending.moveReaderIndex(forwardBy: 1)
                            await connection.handle(line: line, onNotification: onNotification)
                        }
                        if pending.readableBytes > maxLineBytes { throw Failure(description: "signal-cli sent a line over \(maxLineBytes) bytes") }
                        pending.discardReadBytes()
                    }
                }
                // Either ending ends the connection.
                _ = try await group.next()
                group.cancelAll()
            }
        }
    }

    /// Sends a request and waits for its result (or error).
    func call(_ method: String, _ params: [String: any Sendable], timeout: Duration = .seconds(30)) async throws -> SignalIncoming {
        let id = state.withLock { state in
            defer { state.nextId += 1 }
            return state.nextId
        }
        let data = try JSONSerialization.data(withJSONObject: ["jsonrpc": "2.0", "method": method, "params": params, "id": id])
        return try await withThrowingTaskGroup(of: SignalIncoming.self) { group in
            group.addTask {
                try await withCheckedThrowingContinuation { continuation in
                    let closed = self.state.withLock { state in
                        if !state.closed { state.waiting[id] = continuation }
                        return state.closed
                    }
                    if closed { continuation.resume(throwing: Failure(description: "signal-cli is not connected")) }
                }
            }
            group.addTask {
                var line = ByteBuffer(bytes: data)
                line.writeInteger(UInt8(ascii: "\n"))
                try await self.outbound.write(line)
                try await Task.sleep(for: timeout)
                throw Failure(description: "signal-cli did not answer \(method) within \(timeout)")
            }
            defer {
                group.cancelAll()
                _ = state.withLock { $0.waiting.removeValue(forKey: id) }.map { $0.resume(throwing: CancellationError()) }
            }
            return try await group.next()!
        }
    }

    private func handle(line: ByteBuffer, onNotification: @Sendable (String, SignalIncoming.Params) async -> Void) async {
        guard let incoming = try? JSONDecoder().decode(SignalIncoming.self, from: Data(line.readableBytesView)) else { return }
        if let method = incoming.method {
            if let params = incoming.params { await onNotification(method, params) }
            return
        }
        guard let id = incoming.id, let continuation = state.withLock({ $0.waiting.removeValue(forKey: id) }) else { return }
        if let error = incoming.error {
            continuation.resume(throwing: Failure(description: error.message ?? "signal-cli error", code: error.code))
        } else {
            continuation.resume(returning: incoming)
        }
    }

    private func failAll(_ failure: Failure) {
        let waiting = state.withLock { state in
            state.closed = true
            defer { state.waiting = [:] }
            return state.waiting
        }
        for continuation in waiting.values { continuation.resume(throwing: failure) }
    }
}
