import SwitchboardAgent
import Testing

@testable import SwitchboardCore

/// A stop defers a journaled run only if it has not started; a deferred run never starts.
/// (Racing the two once journaled a run as done with "aborted (deferred)": lost. CI caught it.)
struct RunHandleDeferralTests {
    static func handle(journaled: Bool = true) -> RunHandle {
        var request = RunRequest(
            runId: "r1", sessionKey: "s", agentId: "main", message: "hi", origin: .chat, connectionId: nil, timeoutMs: 1000, model: nil,
            extraSystemPrompt: nil, observer: nil
        )
        request.journaled = journaled
        return RunHandle(request: request, acceptedAtMs: 0)
    }

    @Test("deferred first: the run never starts, and is deferred")
    func deferThenClaim() {
        let handle = Self.handle()
        #expect(handle.deferIfNotStarted())
        #expect(!handle.claimStart(atMs: 5))
        #expect(handle.isDeferred && handle.startedAtMs == nil && handle.abortSignal.isRaised)
    }

    @Test("started first: the stop does not defer it (it is journaled running and cut short instead)")
    func claimThenDefer() {
        let handle = Self.handle()
        #expect(handle.claimStart(atMs: 5))
        #expect(!handle.deferIfNotStarted())
        #expect(!handle.isDeferred && handle.startedAtMs == 5 && !handle.abortSignal.isRaised)
    }

    @Test("a run that is not journaled is never deferred")
    func notJournaled() {
        let handle = Self.handle(journaled: false)
        #expect(!handle.deferIfNotStarted())
        #expect(handle.claimStart(atMs: 1))
    }
}
