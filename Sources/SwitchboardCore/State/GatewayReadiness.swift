import Synchronization

/// Whether the gateway is starting, serving or draining; `/ready` answers from it.
public final class GatewayReadiness: Sendable {
    public enum Phase: String, Sendable {
        case starting, ready, draining
    }

    private let phase = Mutex(Phase.starting)

    public init() {}

    public var current: Phase { phase.withLock { $0 } }

    func set(_ newPhase: Phase) {
        phase.withLock { $0 = newPhase }
    }
}
