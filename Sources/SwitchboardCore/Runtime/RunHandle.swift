import Synchronization
import SwitchboardPluginAPI
import SwitchboardAgent
import SwitchboardChannels
import SwitchboardProtocol

/// What a caller asks for when it starts a run.
struct RunRequest: Sendable {
    enum Origin: Sendable {
        /// `chat.send`: completion is reported only through `chat` events.
        case chat
        /// `agent`: a second `res` carries the result.
        case agent
        /// A channel message: the reply goes through the outbox.
        case channel
    }

    var runId: String
    var sessionKey: String
    var agentId: String
    var message: String
    var origin: Origin
    /// The connection that started it (tool events go there).
    var connectionId: String?
    var timeoutMs: Int
    var model: String?
    var extraSystemPrompt: String?
    /// Image blocks stored with the user's message (text attachments are already in `message`).
    var images: [ChatContentBlock] = []
    /// Watches the run as it streams (adapters that show replies live).
    var observer: (any ChannelRunObserver)?
    /// Written to the run journal before its ack (`chat.send`, `agent`): a stop defers it to
    /// the next start instead of dropping it, and its outcome is journaled.
    var journaled = false
    /// The caller saves the run's final answer and tokens in a commit of its own (the channel
    /// router, with the message's completion): they come back in ``RunResult/handedOver``.
    var handsOverAnswer = false
}

/// How a run ended.
struct RunResult: Sendable, Hashable {
    enum Status: String, Sendable {
        case ok, error, aborted
    }

    var status: Status
    var text: String
    var stopReason: String?
    var errorMessage: String?
    var errorKind: String?
    var usage: TokenUsage
    var toolCalls: Int
    var startedAtMs: Int?
    var endedAtMs: Int
    /// The outcome and tokens are recorded already: committed with the final answer by the
    /// journal, or handed over to the caller (`handedOver`), which commits them.
    var outcomeRecorded = false
    /// The final answer and tokens, not yet saved, for a run with `handsOverAnswer`.
    var handedOver: HandedOverAnswer?
}

/// A run's final answer and tokens, for the caller to save in its own commit.
struct HandedOverAnswer: Sendable, Hashable {
    var reply: RunReply
    var usage: SessionUsage?
}

/// One submitted run: queued in its session's lane, then running, then finished.
final class RunHandle: Sendable {
    let request: RunRequest
    let acceptedAtMs: Int
    /// Raised when the run finished (any outcome), after its events and transcript are written.
    let finished = OneShotSignal()
    /// Raised to stop the run early; `abortReason` says why.
    let abortSignal = OneShotSignal()

    private struct State {
        var abortReason: String?
        var result: RunResult?
        var startedAtMs: Int?
        var callbacks: [@Sendable (RunResult) -> Void] = []
    }

    private let state = Mutex(State())

    init(request: RunRequest, acceptedAtMs: Int) {
        self.request = request
        self.acceptedAtMs = acceptedAtMs
    }

    var runId: String { request.runId }
    var sessionKey: String { request.sessionKey }

    /// Asks the run to stop with `reason` (`rpc`, `stop`, `timeout`, `shutdown`); the first reason wins.
    func abort(reason: String) {
        let first = state.withLock { state -> Bool in
            guard state.abortReason == nil, state.result == nil else { return false }
            state.abortReason = reason
            return true
        }
        if first { abortSignal.raise() }
    }

    var abortReason: String? { state.withLock { $0.abortReason } }

    /// The abort reason of a journaled run a stop put off until the next start.
    static let deferredReason = "deferred"
    var isDeferred: Bool { request.journaled && abortReason == Self.deferredReason }
    var result: RunResult? { state.withLock { $0.result } }
    var startedAtMs: Int? { state.withLock { $0.startedAtMs } }

    func markStarted(atMs: Int) {
        state.withLock { $0.startedAtMs = atMs }
    }

    /// Marks the run started unless a stop deferred it first; false when deferred. Decided
    /// under one lock with ``deferIfNotStarted()``: a run is either deferred (and runs after
    /// the restart) or started (and journaled `running`), never started and then deferred,
    /// which journaled it as done with "aborted (deferred)" and lost it.
    func claimStart(atMs: Int) -> Bool {
        state.withLock { state in
            if request.journaled && state.abortReason == Self.deferredReason { return false }
            if state.startedAtMs == nil { state.startedAtMs = atMs }
            return true
        }
    }

    /// A stop's deferral of a journaled run that has not started; false when it already has.
    @discardableResult
    func deferIfNotStarted() -> Bool {
        let deferred = state.withLock { state -> Bool in
            guard request.journaled, state.startedAtMs == nil, state.abortReason == nil, state.result == nil else { return false }
            state.abortReason = Self.deferredReason
            return true
        }
        if deferred { abortSignal.raise() }
        return deferred
    }

    func finish(_ result: RunResult) {
        let callbacks = state.withLock { state -> [@Sendable (RunResult) -> Void] in
            state.result = result
            defer { state.callbacks.removeAll() }
            return state.callbacks
        }
        for callback in callbacks { callback(result) }
        finished.raise()
    }

    /// Calls `callback` with the outcome (at once if the run already ended). Keep it short:
    /// it runs on the run's task.
    func onFinish(_ callback: @escaping @Sendable (RunResult) -> Void) {
        let done = state.withLock { state -> RunResult? in
            if let result = state.result { return result }
            state.callbacks.append(callback)
            return nil
        }
        if let done { callback(done) }
    }

    /// Waits for the outcome; nil when the calling task was cancelled first.
    func waitForResult() async -> RunResult? {
        await finished.wait()
        return result
    }
}
