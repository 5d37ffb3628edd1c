import NIOCore

/// Request/response over a load connection for scenarios that need answers (stream, soak):
/// responses are matched to promises by id; events go to an optional observer.
///
/// `@unchecked Sendable`: state is touched only on the connection's event loop.
final class RPCCaller: @unchecked Sendable {
    let connection: LoadConnection
    private var pending: [Int: EventLoopPromise<ByteBuffer>] = [:]
    private var nextId = 0

    init(connection: LoadConnection, onEvent: (@Sendable (ByteBuffer, UInt64) -> Void)? = nil) async throws {
        self.connection = connection
        try await connection.eventLoop.submit {
            connection.setReceiver { [unowned self] frame, now in
                if FrameScan.isEvent(frame) {
                    onEvent?(frame, now)
                } else if let id = FrameScan.requestId(frame), let promise = self.pending.removeValue(forKey: id) {
                    promise.succeed(frame)
                }
            }
        }.get()
        connection.channel.closeFuture.whenComplete { _ in
            let pending = self.pending
            self.pending = [:]
            for promise in pending.values { promise.fail(LoadClientError.unexpected("socket closed with a request outstanding")) }
        }
    }

    /// Sends `method` with `params` (a JSON object literal); the answer's raw frame.
    func call(_ method: String, params: String = "{}") -> EventLoopFuture<ByteBuffer> {
        connection.eventLoop.flatSubmit {
            self.nextId += 1
            let promise = self.connection.eventLoop.makePromise(of: ByteBuffer.self)
            self.pending[self.nextId] = promise
            self.connection.send(ByteBuffer(string: "{\"type\":\"req\",\"id\":\"\(self.nextId)\",\"method\":\"\(method)\",\"params\":\(params)}"))
            return promise.futureResult
        }
    }
}
