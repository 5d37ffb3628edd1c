import Logging

/// What a new user needs from the start log: where to open WebChat and the Control UI, and,
/// while the agent cannot answer, the one thing to do about it.
enum StartupHints {
    static func log(runtime: GatewayRuntime, port: Int) {
        let config = runtime.configuration
        let scheme = runtime.tls != nil ? "https" : "http"
        // A wildcard bind is reached on this machine through loopback.
        let host = ["0.0.0.0", "::"].contains(config.bindHost) ? "127.0.0.1" : config.bindHost.contains(":") ? "[\(config.bindHost)]" : config.bindHost
        let base = "\(scheme)://\(host):\(port)"
        var metadata: Logger.Metadata = [:]
        if config.channels.webchatEnabled { metadata["sb.webchat"] = "\(base)/chat" }
        if config.gateway.controlUi.enabled { metadata["sb.control"] = "\(base)\(ControlUIPage.path)" }
        if !metadata.isEmpty { runtime.logger.notice("open in a browser", metadata: metadata) }
        let warnings = HealthWarnings.current(
            agent: runtime.host.live.current.agent, providerEnvironment: runtime.loaded.providerEnvironment, configPath: runtime.loaded.paths.configPath
        )
        for warning in warnings { runtime.logger.warning("\(warning)") }
    }
}
