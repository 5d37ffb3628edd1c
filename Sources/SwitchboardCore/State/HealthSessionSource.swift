import Synchronization
import SwitchboardAutomation
import SwitchboardPluginAPI
import SwitchboardProtocol

/// The agents and session counts `health` reports (OpenClaw's v4 `HealthSnapshot` requires
/// both). Counts are read from the store before each periodic refresh and cached, so building
/// a summary never waits on the database.
final class HealthSessionSource: Sendable {
    /// Where sessions are stored (the SQLite file), reported as `sessions.path`.
    let path: String
    private let store: any SessionStoring
    private let agents: @Sendable () -> AgentConfiguration
    private let cached = Mutex<Counts>(Counts())
    /// How many recently updated sessions are listed.
    static let recentLimit = 10
    /// Counts are read at most this often: `health {probe: true}` needs no scope, so a client
    /// repeating it must not turn into a database scan per call.
    static let minReadIntervalMs = 1_000
    private let lastRead = Mutex<ContinuousClock.Instant?>(nil)

    struct Counts {
        var total = 0
        var byAgent: [String: Int] = [:]
        var recent: [(key: String, agentId: String, updatedAtMs: Int)] = []
    }

    init(path: String, store: any SessionStoring, agents: @escaping @Sendable () -> AgentConfiguration) {
        self.path = path
        self.store = store
        self.agents = agents
    }

    /// Reads the counts again (at most every ``minReadIntervalMs``); keeps the last ones if the
    /// store cannot answer.
    func update() async {
        let due = lastRead.withLock { last in
            let now = ContinuousClock.now
            guard last.map({ now - $0 >= .milliseconds(Self.minReadIntervalMs) }) ?? true else { return false }
            last = now
            return true
        }
        guard due else { return }
        guard let byAgent = try? await store.sessionCountsByAgent(),
            let recent = try? await store.sessions(limit: Self.recentLimit, search: nil, activeSinceMs: nil, agentId: nil, label: nil)
        else { return }
        cached.withLock {
            $0 = Counts(total: byAgent.values.reduce(0, +), byAgent: byAgent, recent: recent.map { ($0.key, $0.agentId, $0.updatedAtMs) })
        }
    }

    /// Every configured agent (the default first) with its sessions, and all sessions.
    func describe(nowMs: Int) -> (agents: [HealthSummary.AgentHealth], sessions: HealthSummary.SessionsHealth) {
        let counts = cached.withLock { $0 }
        let configuration = agents()
        var definitions = configuration.agents
        if !definitions.contains(where: { $0.id == AgentConfiguration.defaultAgentId }) {
            definitions.insert(AgentDefinition(id: AgentConfiguration.defaultAgentId), at: 0)
        }
        func recent(_ entries: [(key: String, agentId: String, updatedAtMs: Int)]) -> [HealthSummary.SessionsHealth.Recent] {
            entries.map { .init(key: $0.key, updatedAt: $0.updatedAtMs, age: max(0, nowMs - $0.updatedAtMs)) }
        }
        let heartbeat = Self.heartbeat(configuration.heartbeat)
        let agents = definitions.map { definition in
            // Heartbeats run for the default agent only (OpenClaw's rule when no agent sets its own).
            HealthSummary.AgentHealth(
                agentId: definition.id, name: definition.name, isDefault: definition.id == AgentConfiguration.defaultAgentId,
                heartbeat: definition.id == AgentConfiguration.defaultAgentId ? heartbeat : Self.disabled(configuration.heartbeat),
                sessions: .init(path: path, count: counts.byAgent[definition.id] ?? 0, recent: recent(counts.recent.filter { $0.agentId == definition.id }))
            )
        }
        return (agents, .init(path: path, count: counts.total, recent: recent(counts.recent)))
    }

    /// The default agent's heartbeat in OpenClaw's shape.
    static func heartbeat(_ settings: HeartbeatSettings) -> HealthSummary.Heartbeat {
        guard let everyMs = settings.everyMs else { return disabled(settings) }
        return HealthSummary.Heartbeat(
            enabled: true, every: settings.every, everyMs: everyMs, prompt: settings.effectivePrompt, target: settings.target, ackMaxChars: settings.ackMaxChars)
    }

    static func disabled(_ settings: HeartbeatSettings) -> HealthSummary.Heartbeat {
        HealthSummary.Heartbeat(
            enabled: false, every: "disabled", everyMs: nil, prompt: settings.effectivePrompt, target: settings.target, ackMaxChars: settings.ackMaxChars)
    }
}
