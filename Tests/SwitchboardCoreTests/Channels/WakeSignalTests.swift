import SwitchboardPluginAPI
import SwitchboardTesting
import Testing

/// The outbox loop's wake-up: a signal is never lost, the timeout ends a wait, and
/// cancellation ends it too.
struct WakeSignalTests {
    @Test("a signal before the wait is remembered once; a signal from another task ends a wait before its timeout")
    func signals() async throws {
        let wake = WakeSignal()
        wake.signal()
        let started = ContinuousClock.now
        await wake.wait(timeoutMs: 60_000)
        #expect(ContinuousClock.now - started < .seconds(30), "the remembered signal")
        // Signalled once from another task: whether that lands before the wait (remembered) or
        // during it (ends it), the wait returns long before its 600 s timeout.
        try await withTimeout(.seconds(30), "a signal from another task") {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await wake.wait(timeoutMs: 600_000) }
                group.addTask { wake.signal() }
                await group.waitForAll()
            }
        }
    }

    @Test("the timeout ends a wait with no signal; a signalled wait returns at once, each time")
    func timeouts() async throws {
        let wake = WakeSignal()
        try await withTimeout(.seconds(30), "200 short waits") {
            for _ in 0..<200 { await wake.wait(timeoutMs: 1) }
        }
        try await withTimeout(.seconds(30), "200 signalled waits") {
            for _ in 0..<200 {
                wake.signal()
                await wake.wait(timeoutMs: 600_000)
            }
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
