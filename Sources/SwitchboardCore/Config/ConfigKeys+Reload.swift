import SwitchboardProtocol

/// How a running gateway takes a changed key.
public enum ConfigReload: String, Sendable {
    /// Applied in place: the parts that read the key read it again on each use.
    case hot
    /// Needs the in-process restart (sockets, listeners, services built from it).
    case restart
}

extension ConfigKey {
    public var reload: ConfigReload { ConfigKeys.hotPaths.contains(path) ? .hot : .restart }
}

extension ConfigKeys {
    /// The keys applied without a restart. Everything else restarts the gateway in-process:
    /// a key belongs here only when every reader takes it from ``LiveConfiguration`` per use.
    public static let hotPaths: Set<String> = [
        "logging.level",
        "agents.defaults.systemPrompt",
        "agents.defaults.timeoutSeconds",
        "agents.defaults.maxQueuedRunsPerSession",
        "agents.defaults.maxQueuedRuns",
        "agents.defaults.maxToolIterations",
        "agents.defaults.maxContinuations",
        "agents.defaults.historyLimit",
        "agents.defaults.attachmentMaxBytes", "agents.defaults.attachmentMaxCount",
        "agents.defaults.chatDeltaThrottleMs",
        "agents.defaults.heartbeat.every", "agents.defaults.heartbeat.prompt", "agents.defaults.heartbeat.target", "agents.defaults.heartbeat.to",
        "agents.defaults.heartbeat.accountId", "agents.defaults.heartbeat.ackMaxChars", "agents.defaults.heartbeat.activeHours",
        "automation.systemEventsMax", "automation.systemEventMaxChars", "automation.jobs", "automation.hooks",
        "channels.telegram.dmPolicy", "channels.telegram.allowFrom", "channels.telegram.groupAllowFrom", "channels.telegram.requireMention",
        "channels.adapter.dmPolicy", "channels.adapter.allowFrom", "channels.adapter.groupAllowFrom", "channels.adapter.requireMention",
        "channels.pairing.codeTtlMs", "channels.pairing.maxPendingPerChannel",
        "tools.nodes.enabled", "tools.nodes.allow", "tools.nodes.timeoutMs",
        "gateway.configWritesPerMinute",
        "gateway.firstFrameWaitMs",
        "gateway.shutdownDrainMs",
    ]

    /// The keys whose effective value differs between two configurations, in table order.
    public static func changes(from old: GatewayConfiguration, to new: GatewayConfiguration) -> [ConfigKey] {
        all.filter { key in key.differs.map { $0(old, new) } ?? (key.current(old) != key.current(new)) }
    }
}
