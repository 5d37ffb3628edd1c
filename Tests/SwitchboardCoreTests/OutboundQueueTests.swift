import NIOCore
import Testing

@testable import SwitchboardCore

struct OutboundQueueTests {
    func frame(_ size: Int) -> ByteBuffer { ByteBuffer(repeating: 0x61, count: size) }

    @Test func deliversInOrderThenTheClose() async {
        let queue = OutboundQueue(limit: 100)
        #expect(queue.enqueue(frame(10), dropIfSlow: false) == .queued)
        #expect(queue.enqueue(frame(20), dropIfSlow: false) == .queued)
        queue.requestClose(code: 1012, reason: "service restart")
        #expect(queue.enqueue(frame(5), dropIfSlow: false) == .closed)
        guard case .frame(let first) = await queue.next(), case .frame(let second) = await queue.next() else {
            Issue.record("expected two frames")
            return
        }
        #expect(first.readableBytes == 10 && second.readableBytes == 20)
        guard case .close(let code, let reason) = await queue.next() else { Issue.record("expected close"); return }
        #expect(code == 1012 && reason == "service restart")
        #expect(await queue.next() == nil)
    }

    @Test func fullQueueDropsDroppableEventsAndClosesOnOthers() async {
        let queue = OutboundQueue(limit: 100)
        #expect(queue.enqueue(frame(90), dropIfSlow: false) == .queued)
        #expect(queue.enqueue(frame(20), dropIfSlow: true) == .dropped)
        #expect(queue.bufferedBytes == 90)
        #expect(queue.enqueue(frame(20), dropIfSlow: false) == .overflow)
        #expect(queue.isClosing)
        // The pending frames are discarded: a slow consumer gets the close next.
        guard case .close(let code, let reason) = await queue.next() else { Issue.record("expected close"); return }
        #expect(code == 1008 && reason == "slow consumer")
    }

    @Test func aWaitingWriterIsWokenByEnqueue() async {
        let queue = OutboundQueue(limit: 100)
        async let next = queue.next()
        // Whichever runs first, the writer must get the frame.
        #expect(queue.enqueue(frame(3), dropIfSlow: false) == .queued)
        guard case .frame(let buffer) = await next else { Issue.record("expected frame"); return }
        #expect(buffer.readableBytes == 3)
    }

    @Test func cancellingTheWriterEndsIt() async {
        let queue = OutboundQueue(limit: 100)
        let task = Task { await queue.next() }
        task.cancel()
        #expect(await task.value == nil)
    }
}
