import Foundation
import NIOCore

/// One connection's closed loop of `chat.send` → the run's final `chat` event (the gateway, or
/// baseline (c), which answers the same frames).
///
/// `@unchecked Sendable`: `waiting` is touched only on the connection's event loop.
final class ChatTurner: TurnDriver, @unchecked Sendable {
    let connection: LoadConnection
    let index: Int
    private var caller: RPCCaller!
    private var waiting: [String: EventLoopPromise<Void>] = [:]
    private static let final = FrameField(marker: "\"state\":\"final\"", key: "runId")

    init(connection: LoadConnection, index: Int) async throws {
        self.connection = connection
        self.index = index
        caller = try await RPCCaller(connection: connection) { [unowned self] frame, _ in self.observe(frame) }
    }

    /// Called on the event loop for every event frame.
    private func observe(_ frame: ByteBuffer) {
        guard let runId = Self.final.value(in: frame) else { return }
        waiting.removeValue(forKey: runId)?.succeed(())
    }

    func loop(until stopAt: UInt64, fresh: Bool) async throws -> Samples {
        try await TurnMeasurement.closedLoop(until: stopAt) { turn, run in
            let runId = "turn-\(run)-\(index)-\(turn)"
            let session = fresh ? "bench-\(run)-\(index)-\(turn)" : "bench-\(index)"
            let done = try await connection.eventLoop.submit { () -> EventLoopFuture<Void> in
                let promise = self.connection.eventLoop.makePromise(of: Void.self)
                self.waiting[runId] = promise
                return promise.futureResult
            }.get()
            let answer = try await caller.call("chat.send", params: "{\"sessionKey\":\"\(session)\",\"message\":\"hello\",\"idempotencyKey\":\"\(runId)\"}").get()
            if answer.readableBytesView.firstRange(of: Array("\"ok\":false".utf8)) != nil {
                throw LoadClientError.unexpected("chat.send refused: \(String(buffer: answer).prefix(300))")
            }
            try await done.get()
        }
    }

    func close() async { _ = try? await connection.close().get() }
}
