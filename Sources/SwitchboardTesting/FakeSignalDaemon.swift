import Foundation
import NIOCore
import NIOPosix
import Synchronization
import SwitchboardProtocol

/// A stand-in for `signal-cli daemon --tcp --receive-mode manual` on loopback: newline-delimited
/// JSON-RPC 2.0, `subscribeReceive`, the `receive` notifications it pushes to subscribed
/// clients, and the `send` method (to a
/// `recipient` list or a `groupId`), with scripted errors.
public final class FakeSignalDaemon: Sendable {
    public static let account = "+15550001111"

    public enum SendBehaviour: Sendable {
        case ok
        /// A JSON-RPC error with `code` (signal-cli uses -1 for a failed send, -32602 for bad params).
        case error(code: Int, message: String)
        /// Never answered: the client may die meanwhile.
        case hang
    }

    public struct Sent: Sendable, Hashable {
        /// The recipient number, or `group:<id>`.
        public var target: String
        public var message: String

        public init(target: String, message: String) {
            self.target = target
            self.message = message
        }
    }

    private struct State {
        var clients: [Int: NIOAsyncChannelOutboundWriter<ByteBuffer>] = [:]
        var channels: [Int: any Channel] = [:]
        /// Clients that called subscribeReceive: only they get `receive` notifications.
        var subscribed: Set<Int> = []
        var nextClient = 0
        var sent: [Sent] = []
        var sendScript: [SendBehaviour] = []
        var timestamp = 1_700_000_000_000
        var sendAttempts = 0
    }

    private let state = Mutex(State())
    public let port: Int
    /// Yields the number of connections so far each time a client connects.
    public let connections = AsyncStream<Int>.makeStream(bufferingPolicy: .unbounded)
    public let delivered = AsyncStream<Int>.makeStream(bufferingPolicy: .unbounded)
    /// Yields each `send` attempt's number (answered or not).
    public let sendAttempted = AsyncStream<Int>.makeStream(bufferingPolicy: .unbounded)
    /// Yields the client number each time a client subscribes (connections count from 1).
    public let subscriptions = AsyncStream<Int>.makeStream(bufferingPolicy: .unbounded)

    init(port: Int) { self.port = port }

    public var sent: [Sent] { state.withLock { $0.sent } }
    public var sendAttempts: Int { state.withLock { $0.sendAttempts } }
    public func scriptSends(_ behaviours: SendBehaviour...) { state.withLock { $0.sendScript += behaviours } }

    /// A message to the account: direct, or in `groupId`; `mention` mentions the account.
    public func push(text: String, from number: String, name: String = "Tester", groupId: String? = nil, mention: Bool = false) async {
        let (clients, timestamp) = state.withLock { state in
            state.timestamp += 1
            return (state.clients.filter { state.subscribed.contains($0.key) }.map(\.value), state.timestamp)
        }
        var data: [String: JSONValue] = ["timestamp": .int(timestamp), "message": .string(text), "expiresInSeconds": 0, "viewOnce": false]
        if let groupId { data["groupInfo"] = ["groupId": .string(groupId), "type": "DELIVER"] }
        if mention { data["mentions"] = [["number": .string(Self.account), "uuid": "u-bot", "start": 0, "length": 1]] }
        let notification: JSONValue = [
            "jsonrpc": "2.0", "method": "receive",
            "params": [
                "account": .string(Self.account),
                "envelope": [
                    "source": .string(number), "sourceNumber": .string(number), "sourceUuid": .string("uuid-\(number)"), "sourceName": .string(name),
                    "sourceDevice": 1, "timestamp": .int(timestamp), "dataMessage": .object(data),
                ],
            ],
        ]
        for client in clients { try? await client.write(Self.line(notification)) }
    }

    /// Closes every client connection (the daemon restarting, say).
    public func dropClients() async {
        let channels = state.withLock { state in
            defer {
                state.clients = [:]
                state.channels = [:]
            }
            return Array(state.channels.values)
        }
        for channel in channels { try? await channel.close() }
    }

    public func waitForDelivered(_ count: Int, timeout: Duration = .seconds(30)) async throws {
        if sent.count >= count { return }
        try await withTimeout(timeout, "\(count) Signal messages delivered (have \(sent.count))") {
            for await delivered in self.delivered.stream where delivered >= count { return }
        }
    }

    private func serve(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async throws {
        let channel = connection.channel
        try await connection.executeThenClose { inbound, outbound in
            let (id, count) = state.withLock { state in
                state.nextClient += 1
                state.clients[state.nextClient] = outbound
                state.channels[state.nextClient] = channel
                return (state.nextClient, state.nextClient)
            }
            connections.continuation.yield(count)
            defer {
                state.withLock { state in
                    state.clients[id] = nil
                    state.channels[id] = nil
                    state.subscribed.remove(id)
                }
            }
            var pending = ""
            for try await chunk in inbound {
                pending += String(buffer: chunk)
                while let newline = pending.firstIndex(of: "\n") {
                    let line = String(pending[..<newline])
                    pending = String(pending[pending.index(after: newline)...])
                    if let answer = answer(line, client: id) { try await outbound.write(Self.line(answer)) }
                }
            }
        }
    }

    private func answer(_ line: String, client: Int) -> JSONValue? {
        guard let request = try? GatewayJSON.decoder.decode(JSONValue.self, from: Data(line.utf8)), let id = request["id"] else { return nil }
        if request["method"]?.stringValue == "subscribeReceive" {
            state.withLock { _ = $0.subscribed.insert(client) }
            subscriptions.continuation.yield(client)
            return ["jsonrpc": "2.0", "id": id, "result": .int(client)]
        }
        guard request["method"]?.stringValue == "send", let params = request["params"] else {
            return ["jsonrpc": "2.0", "id": id, "error": ["code": -32601, "message": "Method not implemented"]]
        }
        let (behaviour, attempt) = state.withLock { state -> (SendBehaviour, Int) in
            state.sendAttempts += 1
            return (state.sendScript.isEmpty ? SendBehaviour.ok : state.sendScript.removeFirst(), state.sendAttempts)
        }
        sendAttempted.continuation.yield(attempt)
        switch behaviour {
        case .error(let code, let message):
            return ["jsonrpc": "2.0", "id": id, "error": ["code": .int(code), "message": .string(message)]]
        case .hang:
            return nil
        case .ok:
            break
        }
        let target: String
        if let group = params["groupId"]?.stringValue {
            target = "group:\(group)"
        } else if case .array(let recipients)? = params["recipient"], let first = recipients.first?.stringValue {
            target = first
        } else {
            return ["jsonrpc": "2.0", "id": id, "error": ["code": -32602, "message": "No recipients given"]]
        }
        let (count, timestamp) = state.withLock { state -> (Int, Int) in
            state.timestamp += 1
            state.sent.append(Sent(target: target, message: params["message"]?.stringValue ?? ""))
            return (state.sent.count, state.timestamp)
        }
        delivered.continuation.yield(count)
        return ["jsonrpc": "2.0", "id": id, "result": ["timestamp": .int(timestamp), "results": [["type": "SUCCESS"]]]]
    }

    private static func line(_ value: JSONValue) -> ByteBuffer {
        var buffer = ByteBuffer(string: GatewayJSON.string(value))
        buffer.writeString("\n")
        return buffer
    }

    /// Runs the daemon on `port` (0: a free one) for the duration of `body`.
    public static func with<T: Sendable>(port: Int = 0, _ body: @escaping @Sendable (FakeSignalDaemon) async throws -> T) async throws -> T {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
        let fake = FakeSignalDaemon(port: server.channel.localAddress?.port ?? port)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await server.executeThenClose { inbound in
                    try await withThrowingDiscardingTaskGroup { connections in
                        for try await connection in inbound { connections.addTask { try? await fake.serve(connection) } }
                    }
                }
                return nil
            }
            group.addTask { try await body(fake) }
            defer { group.cancelAll() }
            while let result = try await group.next() {
                if let result { return result }
            }
            throw CancellationError()
        }
    }
}
