@testable import SwitchboardCore
import SwitchboardTesting
import Testing

/// The outbox loop's wake-up: a signal is never lost, the timeout ends a wait, and
/// cancellation ends it too.
struct WakeSignalTests {
    @Test("a signal before the wait is remembered once; a signal during the wait ends it before its timeout")
    func signals() async throws {
        let wake = WakeSignal()
        wake.signal()
        let started = ContinuousClock.now
        await wake.wait(timeoutMs: 60_000)
        #expect(ContinuousClock.now - started < .seconds(30), "the remembered signal")
        try await withTimeout(.seconds(30), "a signal during the wait") {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await wake.wait(timeoutMs: 600_000) }
                // Signal until the waiter has returned (a signal sent before it waits is remembered too).
                group.addTask {
                    while !Task.isCancelled {
                        wake.signal()
                        try await Task.sleep(for: .milliseconds(10))
                    }
                }
                try await group.next()
                group.cancelAll()
            }
        }
    }

    @Test("the timeout ends a wait with no signal; a signalled wait returns at once, each time")
    func timeouts() async throws {
        let wake = WakeSignal()
        try await withTimeout(.seconds(30), "200 short waits") {
            for _ in 0..<200 { await wake.wait(timeoutMs: 1) }
        }
        for _ in 0..<200 {
            wake.signal()
            await wake.wait(timeoutMs: 600_000)
        }
    }

    @Test("cancelling the waiting task ends the wait")
    func cancellation() async throws {
        let wake = WakeSignal()
        try await withTimeout(.seconds(30), "a cancelled wait") {
            let waiting = Task { await wake.wait(timeoutMs: 600_000) }
            waiting.cancel()
            await waiting.value
        }
    }
}
