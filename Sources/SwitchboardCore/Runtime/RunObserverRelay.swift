import Synchronization
import SwitchboardAgent
import SwitchboardChannels

/// Feeds a run's steps to a ``ChannelRunObserver``, keeping the text so far and the tool step
/// count it reports.
final class RunObserverRelay: Sendable {
    let observer: any ChannelRunObserver
    private let state = Mutex<(text: String, step: Int)>(("", 0))
    /// Tool output shown to adapters is cut to this many characters.
    static let previewLimit = 500

    init(_ observer: any ChannelRunObserver) {
        self.observer = observer
    }

    func started(runId: String) {
        observer.runStarted(runId: runId)
    }

    func step(_ step: AgentStep) {
        switch step {
        case .textDelta(let delta):
            let text = state.withLock { state in
                state.text += delta
                return state.text
            }
            observer.textDelta(delta, accumulated: text)
        case .assistantTurn:
            break
        case .toolStarted(let call):
            let step = state.withLock { state in
                state.step += 1
                return state.step
            }
            observer.toolStarted(name: call.name, step: step)
        case .toolFinished(let call, let output, let ms):
            observer.toolFinished(name: call.name, success: !output.isError, preview: String(output.text.prefix(Self.previewLimit)), durationMs: ms)
        }
    }
}
