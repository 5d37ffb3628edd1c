import Foundation
import NIOCore
import Synchronization

/// A connection's bounded outbound buffer, drained by one writer task.
///
/// Producers (the event bus, request handlers) never wait: a full queue drops a `dropIfSlow`
/// event, and for anything else turns the connection into a slow consumer that is closed
/// with 1008, so one slow client can never hold up the others (§6.6).
final class OutboundQueue: Sendable {
    enum Item: Sendable {
        case frame(ByteBuffer)
        case close(code: UInt16, reason: String?)
    }

    enum EnqueueResult: Sendable, Equatable {
        case queued
        case dropped
        /// The queue overflowed; the connection will close as a slow consumer.
        case overflow
        /// The connection is already closing; the frame was discarded.
        case closed
    }

    private struct State {
        var items = CircularBuffer<ByteBuffer>(initialCapacity: 4)
        var bytes = 0
        var closeRequest: (code: UInt16, reason: String?)?
        var closeDelivered = false
        var cancelled = false
        var waiter: CheckedContinuation<Item?, Never>?
        var closingWaiters: [UUID: CheckedContinuation<Void, Never>] = [:]
    }

    let limit: Int
    private let state = Mutex(State())

    init(limit: Int) {
        self.limit = limit
    }

    /// Queues an encoded frame without waiting.
    func enqueue(_ frame: ByteBuffer, dropIfSlow: Bool) -> EnqueueResult {
        var wake: (CheckedContinuation<Item?, Never>, Item)?
        var closing: [CheckedContinuation<Void, Never>] = []
        let result: EnqueueResult = state.withLock { state in
            if state.closeRequest != nil || state.cancelled { return .closed }
            if state.bytes + frame.readableBytes > limit {
                if dropIfSlow { return .dropped }
                state.items.removeAll()
                state.bytes = 0
                state.closeRequest = (1008, "slow consumer")
                closing = Array(state.closingWaiters.values)
                state.closingWaiters = [:]
                if let waiter = state.waiter.take() {
                    state.closeDelivered = true
                    wake = (waiter, .close(code: 1008, reason: "slow consumer"))
                }
                return .overflow
            }
            if let waiter = state.waiter.take() {
                wake = (waiter, .frame(frame))
                return .queued
            }
            state.items.append(frame)
            state.bytes += frame.readableBytes
            return .queued
        }
        if let (waiter, item) = wake { waiter.resume(returning: item) }
        for waiter in closing { waiter.resume() }
        return result
    }

    /// Asks the writer to close after what is queued (or at once, dropping it).
    func requestClose(code: UInt16, reason: String?, discardPending: Bool = false) {
        var wake: CheckedContinuation<Item?, Never>?
        let closing: [CheckedContinuation<Void, Never>] = state.withLock { state in
            guard state.closeRequest == nil else { return [] }
            state.closeRequest = (code, reason)
            if discardPending {
                state.items.removeAll()
                state.bytes = 0
            }
            if state.items.isEmpty, let waiter = state.waiter.take() {
                state.closeDelivered = true
                wake = waiter
            }
            defer { state.closingWaiters = [:] }
            return Array(state.closingWaiters.values)
        }
        wake?.resume(returning: .close(code: code, reason: reason))
        for waiter in closing { waiter.resume() }
    }

    /// Whether a close has been requested (slow consumer, shutdown, handshake failure).
    var isClosing: Bool { state.withLock { $0.closeRequest != nil } }

    /// Suspends until a close is requested, the queue finishes, or the task is cancelled;
    /// the connection's hard-close watchdog waits here.
    func waitUntilClosing() async {
        let id = UUID()
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { state in
                    if state.closeRequest != nil || state.cancelled { return true }
                    state.closingWaiters[id] = continuation
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { $0.closingWaiters.removeValue(forKey: id) }
            waiter?.resume()
        }
    }

    /// The writer's next item; nil when the queue is finished or the task is cancelled.
    func next() async -> Item? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Item?, Never>) in
                let immediate: Item?? = state.withLock { state in
                    if state.cancelled { return .some(nil) }
                    if let item = Self.takeNext(&state) { return .some(item) }
                    if state.closeDelivered { return .some(nil) }
                    state.waiter = continuation
                    return .none
                }
                if case .some(let item) = immediate { continuation.resume(returning: item) }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                state.cancelled = true
                return state.waiter.take()
            }
            waiter?.resume(returning: nil)
        }
    }

    /// Ends the queue when the connection is gone: wakes anyone still waiting on it.
    func finish() {
        let (waiter, closing) = state.withLock { state in
            state.cancelled = true
            state.items.removeAll()
            state.bytes = 0
            defer { state.closingWaiters = [:] }
            return (state.waiter.take(), Array(state.closingWaiters.values))
        }
        waiter?.resume(returning: nil)
        for continuation in closing { continuation.resume() }
    }

    /// Pops the next frame, or the close once the frames are gone.
    private static func takeNext(_ state: inout State) -> Item? {
        if let frame = state.items.popFirst() {
            state.bytes -= frame.readableBytes
            return .frame(frame)
        }
        if let close = state.closeRequest, !state.closeDelivered {
            state.closeDelivered = true
            return .close(code: close.code, reason: close.reason)
        }
        return nil
    }

    /// Bytes waiting to be written (for metrics and tests).
    var bufferedBytes: Int { state.withLock { $0.bytes } }
}
