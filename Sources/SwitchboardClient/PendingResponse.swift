import Foundation
import Synchronization

/// One awaited response: fulfilled by the reader, awaited by the caller, in either order.
final class PendingResponse: Sendable {
    private enum State {
        case waiting(CheckedContinuation<Data, any Error>?)
        case done(Result<Data, any Error>)
    }

    private let state = Mutex(State.waiting(nil))

    func fulfill(_ data: Data) { complete(.success(data)) }
    func fail(_ error: any Error) { complete(.failure(error)) }

    private func complete(_ result: Result<Data, any Error>) {
        let continuation: CheckedContinuation<Data, any Error>? = state.withLock { state in
            guard case .waiting(let continuation) = state else { return nil }
            state = .done(result)
            return continuation
        }
        continuation?.resume(with: result)
    }

    func wait() async throws -> Data {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Data, any Error>) in
                let ready: Result<Data, any Error>? = state.withLock { state in
                    switch state {
                    case .done(let result): return result
                    case .waiting:
                        state = .waiting(continuation)
                        return nil
                    }
                }
                if let ready { continuation.resume(with: ready) }
            }
        } onCancel: {
            self.fail(CancellationError())
        }
    }
}
