import NIOCore
import Synchronization

/// A connection's bounded outbound buffer, drained by its socket handler on the event loop.
///
/// Producers (the event bus, request handlers) never wait: a full queue drops a `dropIfSlow`
/// event, and for anything else turns the connection into a slow consumer that is closed
/// with 1008, so one slow client can never hold up the others (§6.6). Producers on any thread
/// only append under a lock; the first append after the queue emptied asks the socket to
/// drain once (``attach(drain:)``), so a burst of events costs one event-loop hop, not one each.
final class OutboundQueue: Sendable {
    enum Item: Sendable, Equatable {
        case frame(ByteBuffer)
        /// A frame whose sender wants to know when it was written and flushed (or never).
        case tracked(ByteBuffer, WriteReceipt)
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

    private struct Entry {
        var frame: ByteBuffer
        var receipt: WriteReceipt?
    }

    private struct State {
        var items = CircularBuffer<Entry>(initialCapacity: 2)
        var bytes = 0
        var closeRequest: (code: UInt16, reason: String?)?
        var closeDelivered = false
        var finished = false
        /// A drain was requested and has not yet found the queue empty.
        var drainRequested = false
        var drain: (@Sendable () -> Void)?
    }

    let limit: Int
    private let state = Mutex(State())

    init(limit: Int) {
        self.limit = limit
    }

    /// Connects the queue to the socket: `drain` is called (from any thread) when there is
    /// something to write; it must hop to the event loop and call ``next()`` until nil.
    func attach(drain: @escaping @Sendable () -> Void) {
        let pending = state.withLock { state in
            state.drain = drain
            guard !state.items.isEmpty || (state.closeRequest != nil && !state.closeDelivered) else { return false }
            state.drainRequested = true
            return true
        }
        if pending { drain() }
    }

    /// Queues an encoded frame without waiting. `receipt`, when given, is told whether the
    /// frame reached the socket (written and flushed) or never will. With `wake: false` the
    /// socket is not told yet: the caller queues more and then calls ``wake()`` once, so a
    /// group of frames costs one event-loop hop and one write.
    func enqueue(_ frame: ByteBuffer, dropIfSlow: Bool, receipt: WriteReceipt? = nil, wake wakeNow: Bool = true) -> EnqueueResult {
        var wake: (@Sendable () -> Void)?
        var abandoned: [WriteReceipt] = []
        let result: EnqueueResult = state.withLock { state in
            if state.closeRequest != nil || state.finished { return .closed }
            if state.bytes + frame.readableBytes > limit {
                if dropIfSlow { return .dropped }
                abandoned = state.items.compactMap(\.receipt)
                state.items.removeAll()
                state.bytes = 0
                state.closeRequest = (1008, "slow consumer")
                wake = Self.requestDrain(&state)
                return .overflow
            }
            state.items.append(Entry(frame: frame, receipt: receipt))
            state.bytes += frame.readableBytes
            if wakeNow { wake = Self.requestDrain(&state) }
            return .queued
        }
        if result != .queued { receipt?.complete(false) }
        for receipt in abandoned { receipt.complete(false) }
        wake?()
        return result
    }

    /// Asks the socket to write what ``enqueue(_:dropIfSlow:receipt:wake:)`` queued without waking it.
    func wake() {
        let wake = state.withLock { state -> (@Sendable () -> Void)? in
            guard !state.items.isEmpty else { return nil }
            return Self.requestDrain(&state)
        }
        wake?()
    }

    /// Asks the socket to close after what is queued (or at once, dropping it).
    func requestClose(code: UInt16, reason: String?, discardPending: Bool = false) {
        var abandoned: [WriteReceipt] = []
        let wake: (@Sendable () -> Void)? = state.withLock { state in
            guard state.closeRequest == nil, !state.finished else { return nil }
            state.closeRequest = (code, reason)
            if discardPending {
                abandoned = state.items.compactMap(\.receipt)
                state.items.removeAll()
                state.bytes = 0
            }
            // Always tell the socket, even mid-drain: it arms the close watchdog.
            state.drainRequested = true
            return state.drain
        }
        for receipt in abandoned { receipt.complete(false) }
        wake?()
    }

    /// Whether a close has been requested (slow consumer, shutdown, handshake failure).
    var isClosing: Bool { state.withLock { $0.closeRequest != nil } }

    /// The next item to write, on the event loop; nil when nothing is left (the next enqueue
    /// asks for a drain again). After the close item, always nil.
    func next() -> Item? {
        state.withLock { state in
            if state.finished { return nil }
            if let entry = state.items.popFirst() {
                state.bytes -= entry.frame.readableBytes
                if let receipt = entry.receipt { return .tracked(entry.frame, receipt) }
                return .frame(entry.frame)
            }
            if let close = state.closeRequest, !state.closeDelivered {
                state.closeDelivered = true
                return .close(code: close.code, reason: close.reason)
            }
            state.drainRequested = false
            return nil
        }
    }

    /// Ends the queue when the socket is gone: drops what is queued and refuses new frames.
    func finish() {
        let abandoned = state.withLock { state in
            state.finished = true
            let receipts = state.items.compactMap(\.receipt)
            state.items.removeAll()
            state.bytes = 0
            state.drain = nil
            return receipts
        }
        for receipt in abandoned { receipt.complete(false) }
    }

    /// Bytes waiting to be written (for metrics and tests).
    var bufferedBytes: Int { state.withLock { $0.bytes } }

    private static func requestDrain(_ state: inout State) -> (@Sendable () -> Void)? {
        guard !state.drainRequested, let drain = state.drain else { return nil }
        state.drainRequested = true
        return drain
    }
}

/// Tells a sender, once, whether its frame was written to the socket and flushed (true) or
/// dropped with the connection (false). Compared by identity.
final class WriteReceipt: Sendable, Equatable {
    private let callback: Mutex<(@Sendable (Bool) -> Void)?>

    init(_ callback: @escaping @Sendable (Bool) -> Void) {
        self.callback = Mutex(callback)
    }

    func complete(_ written: Bool) {
        let callback = self.callback.withLock { callback in
            defer { callback = nil }
            return callback
        }
        callback?(written)
    }

    static func == (lhs: WriteReceipt, rhs: WriteReceipt) -> Bool { lhs === rhs }
}
