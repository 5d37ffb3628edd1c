import Foundation
import NIOCore

/// One adapter connection (a Clara-style node on `/adapter`) running a closed loop of
/// `message` → its `response_end`.
///
/// `@unchecked Sendable`: `waiting` is touched only on the connection's event loop.
final class AdapterTurner: TurnDriver, @unchecked Sendable {
    static let secret = "switchboard-bench-adapter-secret"
    let connection: LoadConnection
    let index: Int
    private var waiting: [String: EventLoopPromise<Void>] = [:]
    private var registered: EventLoopPromise<Void>?
    private static let end = FrameField(marker: "\"type\":\"response_end\"", key: "request_id")
    private static let registeredMarker = Array("\"type\":\"registered\"".utf8)

    /// Opens `/adapter` and registers as node `bench-<index>` with the streaming capability.
    init(client: LoadClient, index: Int) async throws {
        let (connection, _) = try await client.connect(path: "/adapter")
        self.connection = connection
        self.index = index
        let ready = try await connection.eventLoop.submit { () -> EventLoopFuture<Void> in
            let promise = connection.eventLoop.makePromise(of: Void.self)
            self.registered = promise
            connection.setReceiver { [unowned self] frame, _ in self.observe(frame) }
            connection.send(ByteBuffer(string: #"{"type":"register","node_id":"bench-\#(index)","platform":"bench","capabilities":["streaming"],"secret":"\#(Self.secret)"}"#))
            connection.channel.closeFuture.whenComplete { _ in
                self.registered?.fail(LoadClientError.unexpected("adapter socket closed (code \(connection.closeCode.map(String.init) ?? "none"))"))
                self.registered = nil
                let waiting = self.waiting
                self.waiting = [:]
                for promise in waiting.values { promise.fail(LoadClientError.unexpected("adapter socket closed with a message outstanding")) }
            }
            return promise.futureResult
        }.get()
        try await ready.get()
    }

    private func observe(_ frame: ByteBuffer) {
        if let registered, frame.readableBytesView.firstRange(of: Self.registeredMarker) != nil {
            self.registered = nil
            registered.succeed(())
            return
        }
        if FrameScan.contains(Array("\"type\":\"error\"".utf8), in: frame) {
            let text = String(buffer: frame)
            registered?.fail(LoadClientError.unexpected("adapter error: \(text.prefix(300))"))
            registered = nil
            return
        }
        guard let id = Self.end.value(in: frame) else { return }
        waiting.removeValue(forKey: id)?.succeed(())
    }

    func loop(until stopAt: UInt64, fresh: Bool) async throws -> Samples {
        try await TurnMeasurement.closedLoop(until: stopAt) { turn, run in
            let id = "m-\(run)-\(index)-\(turn)"
            // A direct message's session is the sender's: a fresh session needs a new sender.
            let user = fresh ? "u-\(run)-\(index)-\(turn)" : "u\(index)"
            let frame = #"{"type":"message","id":"\#(id)","user":{"id":"\#(user)","name":"Bench"},"channel":{"id":"c-\#(index)","type":"dm"},"content":"hello","metadata":{}}"#
            let done = try await connection.eventLoop.submit { () -> EventLoopFuture<Void> in
                let promise = self.connection.eventLoop.makePromise(of: Void.self)
                self.waiting[id] = promise
                self.connection.send(ByteBuffer(string: frame))
                return promise.futureResult
            }.get()
            try await done.get()
        }
    }

    func close() async { _ = try? await connection.close().get() }
}
