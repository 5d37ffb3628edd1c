public import SwitchboardAgent
public import SwitchboardAutomation

/// Settings of the agent runtime: which model answers, how long a run may take, which tools
/// it may use. Keys are listed in ``ConfigKeys``.
public struct AgentConfiguration: Sendable, Hashable {
    /// `provider/model`; nil picks the first configured provider's first model.
    public var defaultModel: String?
    /// A run still going after this long is aborted with `stopReason: "timeout"`.
    public var timeoutSeconds = 600
    /// Directory the file tools may use; nil means `<stateDir>/workspace`.
    public var workspace: String?
    /// Runs executing at once across all sessions; more wait in their session's lane.
    public var maxConcurrentRuns = 4
    /// Runs waiting per session key before `chat.send`/`agent` are refused.
    public var maxQueuedRunsPerSession = 16
    /// Runs queued or running across all sessions; more are refused with UNAVAILABLE.
    public var maxQueuedRuns = 1_000
    public var maxToolIterations = 10
    public var maxContinuations = 2
    /// Transcript messages sent to the model as context (newest kept).
    public var historyLimit = 100
    /// Largest attachment (decoded) and most attachments on one message (OpenClaw's 5 MB).
    public var attachmentMaxBytes = 5_000_000
    public var attachmentMaxCount = 8
    public var systemPrompt: String?
    /// Minimum gap between two `chat` deltas of one run (§6.4: 150 ms).
    public var chatDeltaThrottleMs = 150
    /// Agents besides the default `main` (or overriding it).
    public var agents: [AgentDefinition] = []

    public var providers: [ProviderSettings] = []
    public var retry = RetryPolicy()
    public var timeouts = ProviderHTTP.Timeouts()

    public var currentTimeTool = true
    public var fetchTool = true
    public var fetchLimits = FetchURLTool.Limits()
    public var fileTools = true
    public var fileMaxReadBytes = 256 * 1024
    public var fileMaxWriteBytes = 1024 * 1024
    /// Connected nodes' declared commands offered to the model as tools (off by default: a
    /// prompt-injected run could otherwise reach every device).
    public var nodeTools = false
    /// Which commands (`command` or `nodeName/command`); empty allows every declared one.
    public var nodeToolsAllow: [String] = []
    public var nodeToolsTimeoutMs = 30_000

    public var mcpServers: [MCPServerSettings] = []

    /// The default agent's heartbeat (`agents.defaults.heartbeat.*`).
    public var heartbeat = HeartbeatSettings()

    public init() {}

    public static let defaultAgentId = "main"

    /// The definition for `id` (the implicit `main` agent when not configured).
    public func agent(_ id: String) -> AgentDefinition? {
        if let agent = agents.first(where: { $0.id == id }) { return agent }
        return id == Self.defaultAgentId ? AgentDefinition(id: id) : nil
    }
}

/// One agent from `agents.list`.
public struct AgentDefinition: Sendable, Hashable {
    public var id: String
    public var name: String?
    public var emoji: String?
    public var avatar: String?
    /// `provider/model` for this agent; nil uses the default.
    public var model: String?
    public var systemPrompt: String?
    /// When set, runs go to this command (JSON lines over stdio) instead of a model.
    public var runner: ExternalAgentRunner.Settings?

    public init(id: String, name: String? = nil, emoji: String? = nil, avatar: String? = nil, model: String? = nil, systemPrompt: String? = nil,
        runner: ExternalAgentRunner.Settings? = nil)
    {
        self.id = id
        self.name = name
        self.emoji = emoji
        self.avatar = avatar
        self.model = model
        self.systemPrompt = systemPrompt
        self.runner = runner
    }
}
