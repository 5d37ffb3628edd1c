import SwitchboardAgent
import SwitchboardProtocol

/// The agent runtime's keys: models, agents, tools and MCP servers.
extension ConfigKeys {
    static let agentKeys: [ConfigKey] = [
        ConfigKey(
            path: "models.providers", environment: nil,
            help: "map of provider id → {baseUrl, apiKey?, api: openai|anthropic, models: [id | {id, name, contextWindow, maxOutputTokens}], headers?}",
            isSecret: false,
            apply: { config, value in
                switch ProviderConfigParser.providers(value) {
                case .success(let providers):
                    config.agent.providers = providers
                    return nil
                case .failure(let problem): return problem.message
                }
            },
            current: { ProviderConfigParser.json($0.agent.providers) },
            schema: ["type": "object", "additionalProperties": ["type": "object", "required": ["baseUrl"]]],
            // The JSON hides keys and model details: a corrected apiKey must still count as a change.
            differs: { $0.agent.providers != $1.agent.providers }
        ),
        optionalString("agents.defaults.model", \.agent.defaultModel, env: "SWITCHBOARD_MODEL", secret: false, help: "default model as provider/model"),
        int("agents.defaults.timeoutSeconds", \.agent.timeoutSeconds, 1...86_400, help: "run timeout"),
        optionalString("agents.defaults.workspace", \.agent.workspace, env: nil, secret: false, help: "file tools' directory (default <stateDir>/workspace)"),
        optionalString("agents.defaults.systemPrompt", \.agent.systemPrompt, env: nil, secret: false, help: "system prompt for every run"),
        int("agents.defaults.maxConcurrentRuns", \.agent.maxConcurrentRuns, 1...256, help: "runs executing at once, all sessions"),
        int("agents.defaults.maxQueuedRunsPerSession", \.agent.maxQueuedRunsPerSession, 1...10_000, help: "runs waiting per session"),
        int("agents.defaults.maxQueuedRuns", \.agent.maxQueuedRuns, 1...1_000_000, help: "runs queued or running, all sessions"),
        int("agents.defaults.maxToolIterations", \.agent.maxToolIterations, 1...100, help: "model turns ending in tool calls per run"),
        int("agents.defaults.maxContinuations", \.agent.maxContinuations, 0...20, help: "continuations after a length stop"),
        int("agents.defaults.historyLimit", \.agent.historyLimit, 1...10_000, help: "transcript messages sent as context"),
        int("agents.defaults.attachmentMaxBytes", \.agent.attachmentMaxBytes, 1_024...50_000_000, help: "largest attachment (decoded bytes) on a message"),
        int("agents.defaults.attachmentMaxCount", \.agent.attachmentMaxCount, 0...64, help: "most attachments on one message"),
        int("agents.defaults.chatDeltaThrottleMs", \.agent.chatDeltaThrottleMs, 0...10_000, help: "minimum gap between chat deltas of a run"),
        ConfigKey(
            path: "agents.list", environment: nil, help: "[{id, name?, emoji?, avatar?, model?, systemPrompt?, runner?: {command, args?, env?}}]",
            isSecret: false,
            apply: { config, value in
                switch AgentListParser.agents(value) {
                case .success(let agents):
                    config.agent.agents = agents
                    return nil
                case .failure(let problem): return problem.message
                }
            },
            current: { AgentListParser.json($0.agent.agents) },
            schema: ["type": "array", "items": ["type": "object", "required": ["id"]]]
        ),
        int("models.retry.maxAttempts", \.agent.retry.maxAttempts, 1...10, help: "attempts per model call (429/5xx/disconnect)"),
        int("models.retry.baseDelayMs", \.agent.retry.baseDelayMs, 0...60_000, help: "first backoff delay"),
        int("models.retry.maxDelayMs", \.agent.retry.maxDelayMs, 0...600_000, help: "longest wait between attempts"),
        int("models.timeouts.connectMs", \.agent.timeouts.connectMs, 100...600_000, help: "connect to a provider"),
        int("models.timeouts.responseMs", \.agent.timeouts.responseMs, 100...3_600_000, help: "wait for a provider's response head"),
        int("models.timeouts.idleMs", \.agent.timeouts.idleMs, 100...3_600_000, help: "longest silence mid-stream"),
        bool("tools.currentTime.enabled", \.agent.currentTimeTool, help: "built-in current_time tool"),
        bool("tools.fetchUrl.enabled", \.agent.fetchTool, help: "built-in fetch_url tool"),
        int("tools.fetchUrl.maxBytes", \.agent.fetchLimits.maxBytes, 1024...(64 * 1024 * 1024), help: "bytes read per fetch"),
        int("tools.fetchUrl.timeoutMs", \.agent.fetchLimits.timeoutMs, 100...600_000, help: "time per fetch"),
        bool("tools.fetchUrl.allowPrivateNetwork", \.agent.fetchLimits.allowPrivateNetwork, help: "allow loopback/private addresses"),
        bool("tools.files.enabled", \.agent.fileTools, help: "built-in read_file/write_file/list_files (workspace only)"),
        int("tools.files.maxReadBytes", \.agent.fileMaxReadBytes, 1...(64 * 1024 * 1024), help: "bytes returned by read_file"),
        int("tools.files.maxWriteBytes", \.agent.fileMaxWriteBytes, 1...(64 * 1024 * 1024), help: "bytes accepted by write_file"),
        bool("tools.nodes.enabled", \.agent.nodeTools, help: "offer connected nodes' declared commands to the model as tools"),
        stringList("tools.nodes.allow", \.agent.nodeToolsAllow, help: "node commands offered (`command` or `nodeName/command`); empty: every declared one"),
        int("tools.nodes.timeoutMs", \.agent.nodeToolsTimeoutMs, 1_000...600_000, help: "how long a node command called as a tool may take"),
        ConfigKey(
            path: "mcp.servers", environment: nil, help: "map of name → {command, args?, env?, cwd?, enabled?, callTimeoutMs?}", isSecret: false,
            apply: { config, value in
                switch MCPConfigParser.servers(value) {
                case .success(let servers):
                    config.agent.mcpServers = servers
                    return nil
                case .failure(let problem): return problem.message
                }
            },
            current: { MCPConfigParser.json($0.agent.mcpServers) },
            schema: ["type": "object", "additionalProperties": ["type": "object", "required": ["command"]]],
            // The JSON hides env values: a corrected secret in `env` must still count as a change.
            differs: { $0.agent.mcpServers != $1.agent.mcpServers }
        ),
    ]

    static func bool(_ path: String, _ keyPath: any WritableKeyPath<GatewayConfiguration, Bool> & Sendable, help: String) -> ConfigKey {
        ConfigKey(
            path: path, environment: nil, help: help, isSecret: false,
            apply: { config, value in
                guard let bool = value.boolValue else { return "\(path): expected true or false, got \(describe(value))" }
                config[keyPath: keyPath] = bool
                return nil
            },
            current: { .bool($0[keyPath: keyPath]) },
            schema: ["type": "boolean"]
        )
    }
}

/// A config problem already phrased with its key path.
struct ConfigProblem: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
