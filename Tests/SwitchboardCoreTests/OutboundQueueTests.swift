import NIOCore
import Synchronization
import Testing

@testable import SwitchboardCore

struct OutboundQueueTests {
    func frame(_ size: Int) -> ByteBuffer { ByteBuffer(repeating: 0x61, count: size) }

    @Test func deliversInOrderThenTheClose() {
        let queue = OutboundQueue(limit: 100)
        #expect(queue.enqueue(frame(10), dropIfSlow: false) == .queued)
        #expect(queue.enqueue(frame(20), dropIfSlow: false) == .queued)
        queue.requestClose(code: 1012, reason: "service restart")
        #expect(queue.enqueue(frame(5), dropIfSlow: false) == .closed)
        #expect(queue.next() == .frame(frame(10)))
        #expect(queue.next() == .frame(frame(20)))
        #expect(queue.next() == .close(code: 1012, reason: "service restart"))
        #expect(queue.next() == nil)
    }

    @Test func fullQueueDropsDroppableEventsAndClosesOnOthers() {
        let queue = OutboundQueue(limit: 100)
        #expect(queue.enqueue(frame(90), dropIfSlow: false) == .queued)
        #expect(queue.enqueue(frame(20), dropIfSlow: true) == .dropped)
        #expect(queue.bufferedBytes == 90)
        #expect(queue.enqueue(frame(20), dropIfSlow: false) == .overflow)
        #expect(queue.isClosing)
        // The pending frames are discarded: a slow consumer gets the close next.
        #expect(queue.next() == .close(code: 1008, reason: "slow consumer"))
    }

    /// A burst asks the socket to drain once; after the drain found the queue empty, the next
    /// frame asks again.
    @Test func drainIsRequestedOncePerBurst() {
        let queue = OutboundQueue(limit: 1000)
        let requests = Mutex(0)
        queue.attach { requests.withLock { $0 += 1 } }
        for _ in 0..<5 { _ = queue.enqueue(frame(3), dropIfSlow: false) }
        #expect(requests.withLock { $0 } == 1)
        while queue.next() != nil {}
        _ = queue.enqueue(frame(3), dropIfSlow: false)
        #expect(requests.withLock { $0 } == 2)
    }

    /// Frames queued with `wake: false` wait for one `wake()`: a run's step of two events
    /// costs the socket one hop and one write; `wake()` on an empty queue asks for nothing.
    @Test func groupedFramesWakeTheSocketOnce() {
        let queue = OutboundQueue(limit: 1000)
        let requests = Mutex(0)
        queue.attach { requests.withLock { $0 += 1 } }
        _ = queue.enqueue(frame(1), dropIfSlow: false, wake: false)
        _ = queue.enqueue(frame(2), dropIfSlow: true, wake: false)
        #expect(requests.withLock { $0 } == 0)
        queue.wake()
        #expect(requests.withLock { $0 } == 1)
        #expect(queue.next() == .frame(frame(1)))
        #expect(queue.next() == .frame(frame(2)))
        #expect(queue.next() == nil)
        queue.wake()
        #expect(requests.withLock { $0 } == 1)
    }

    /// Frames queued before the socket handler attached are drained when it does.
    @Test func attachingDrainsWhatIsAlreadyQueued() {
        let queue = OutboundQueue(limit: 1000)
        _ = queue.enqueue(frame(7), dropIfSlow: false)
        let requests = Mutex(0)
        queue.attach { requests.withLock { $0 += 1 } }
        #expect(requests.withLock { $0 } == 1)
        #expect(queue.next() == .frame(frame(7)))
    }

    @Test func finishedQueueRefusesFrames() {
        let queue = OutboundQueue(limit: 100)
        _ = queue.enqueue(frame(10), dropIfSlow: false)
        queue.finish()
        #expect(queue.next() == nil)
        #expect(queue.enqueue(frame(1), dropIfSlow: false) == .closed)
        #expect(queue.bufferedBytes == 0)
    }
}
