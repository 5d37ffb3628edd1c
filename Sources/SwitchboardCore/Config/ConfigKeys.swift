public import SwitchboardProtocol

/// One configurable setting: where it lives in the file, its env variable, how to parse it.
public struct ConfigKey: Sendable {
    public var path: String
    public var environment: String?
    public var help: String
    public var isSecret: Bool
    let apply: @Sendable (inout GatewayConfiguration, JSONValue) -> String?
    let current: @Sendable (GatewayConfiguration) -> JSONValue
    /// JSON Schema of the value, for `config.schema`.
    var schema: JSONValue = .object([:])
    /// Whether two configurations differ in this key, for keys whose ``current`` hides part of
    /// the value (redacted secrets, model details); nil compares ``current``.
    var differs: (@Sendable (GatewayConfiguration, GatewayConfiguration) -> Bool)?

    /// The key's effective value in `configuration`, as JSON.
    public func value(in configuration: GatewayConfiguration) -> JSONValue { current(configuration) }

    /// Parses a string from env or a flag into the JSON the key expects.
    func parseText(_ text: String) -> JSONValue {
        if let int = Int(text) { return .int(int) }
        if text == "true" { return .bool(true) }
        if text == "false" { return .bool(false) }
        return .string(text)
    }
}

/// The table of every config key. Loader, redaction, `config.get` and the README's key list
/// all read it, so a key is declared once.
public enum ConfigKeys {
    public static let all: [ConfigKey] = [
        int("gateway.port", \.gateway.port, 0...65535, env: "SWITCHBOARD_GATEWAY_PORT", help: "TCP port (0 = any free port)"),
        bindAddress("gateway.bind", \.gateway.bind, env: "SWITCHBOARD_GATEWAY_BIND", help: "loopback, lan, or an IP address"),
        enumeration("gateway.auth.mode", \.gateway.auth.mode, help: "none, token or password (default: inferred)"),
        optionalString("gateway.auth.token", \.gateway.auth.token, env: "SWITCHBOARD_GATEWAY_TOKEN", secret: true, help: "shared token"),
        optionalString(
            "gateway.auth.password", \.gateway.auth.password, env: "SWITCHBOARD_GATEWAY_PASSWORD", secret: true,
            help: "shared password"
        ),
        int("gateway.auth.rateLimitMaxAttempts", \.gateway.auth.rateLimitMaxAttempts, 1...100_000, help: "failed auth attempts per address per window"),
        int("gateway.auth.rateLimitWindowMs", \.gateway.auth.rateLimitWindowMs, 1_000...86_400_000, help: "auth rate-limit window"),
        int(
            "gateway.handshakeTimeoutMs", \.gateway.handshakeTimeoutMs, 100...600_000, env: "SWITCHBOARD_HANDSHAKE_TIMEOUT_MS",
            help: "time allowed to complete connect"
        ),
        int(
            "gateway.firstFrameWaitMs", \.gateway.firstFrameWaitMs, 0...5_000,
            help: "how long / holds connect.challenge for a client that speaks first (Clara adapters, hello, JSON-RPC); 0 = send at once"
        ),
        int("gateway.tickIntervalMs", \.gateway.tickIntervalMs, 50...3_600_000, env: "SWITCHBOARD_TICK_INTERVAL_MS", help: "tick event period"),
        int("gateway.healthRefreshIntervalMs", \.gateway.healthRefreshIntervalMs, 100...86_400_000, help: "health cache refresh period"),
        int("gateway.healthCoalesceMs", \.gateway.healthCoalesceMs, 0...60_000, help: "minimum gap between connect-triggered health refreshes"),
        int("gateway.presenceCoalesceMs", \.gateway.presenceCoalesceMs, 0...60_000, help: "minimum gap between connect/disconnect presence broadcasts"),
        int("gateway.maxPayloadBytes", \.gateway.maxPayloadBytes, 1024...(256 * 1024 * 1024), help: "largest frame after connect"),
        int("gateway.maxPreAuthPayloadBytes", \.gateway.maxPreAuthPayloadBytes, 1024...(16 * 1024 * 1024), help: "largest frame before connect"),
        int("gateway.maxBufferedBytes", \.gateway.maxBufferedBytes, 1024...(1024 * 1024 * 1024), help: "outbound queue per connection"),
        int("gateway.maxInFlightRequests", \.gateway.maxInFlightRequests, 1...10_000, help: "concurrent requests per connection"),
        int("gateway.closeTimeoutMs", \.gateway.closeTimeoutMs, 100...60_000, help: "wait for the client's close frame"),
        int("gateway.pairing.maxPending", \.gateway.pairingMaxPending, 1...10_000, help: "device pairing requests waiting for approval; more are refused"),
        int("gateway.pairing.requestTtlMs", \.gateway.pairingRequestTtlMs, 10_000...86_400_000, help: "how long a device pairing request (and an approval not yet collected) lives"),
        bool("gateway.pairing.trustHostAddresses", \.gateway.pairingTrustHostAddresses, help: "devices connecting from this host's own LAN/tailnet addresses count as local"),
        int("gateway.deviceSignatureSkewMs", \.gateway.deviceSignatureSkewMs, 1_000...3_600_000, help: "allowed device clock skew"),
        int("gateway.idempotency.ttlMs", \.gateway.idempotency.ttlMs, 1_000...86_400_000, help: "idempotency cache entry lifetime"),
        int("gateway.idempotency.maxEntries", \.gateway.idempotency.maxEntries, 1...1_000_000, help: "idempotency cache size"),
        int("gateway.shutdownDrainMs", \.gateway.shutdownDrainMs, 0...600_000, help: "stop/restart waits this long for clients and runs"),
        int("gateway.memoryTrimIntervalMs", \.gateway.memoryTrimIntervalMs, 0...3_600_000, help: "return freed heap to the OS this often (0: never)"),
        bool("gateway.reload.watch", \.gateway.reload.watch, help: "apply config file edits while running"),
        int("gateway.reload.debounceMs", \.gateway.reload.debounceMs, 0...60_000, help: "quiet time after an edit before it is read"),
        int("gateway.reload.pollIntervalMs", \.gateway.reload.pollIntervalMs, 100...3_600_000, help: "file check period without change notifications"),
        bool("gateway.metrics.enabled", \.gateway.metricsEnabled, help: "serve GET /metrics (Prometheus text; gateway auth applies)"),
        int("gateway.configWritesPerMinute", \.gateway.configWritesPerMinute, 1...10_000, help: "config.set/patch/apply calls per method per minute"),
        bool("gateway.controlUi.enabled", \.gateway.controlUi.enabled, help: "serve the Control UI at /control (admin still needs a paired device)"),
        originList("gateway.controlUi.allowedOrigins", \.gateway.controlUi.allowedOrigins, help: "extra browser page origins allowed to connect (* = any)"),
        bool("gateway.tls.enabled", \.gateway.tls.enabled, help: "serve wss:// and https:// on the gateway port"),
        optionalString("gateway.tls.certPath", \.gateway.tls.certPath, env: nil, secret: false, help: "PEM certificate chain (default <stateDir>/gateway/tls/gateway-cert.pem)"),
        optionalString("gateway.tls.keyPath", \.gateway.tls.keyPath, env: nil, secret: false, help: "PEM private key (default <stateDir>/gateway/tls/gateway-key.pem)"),
        bool("gateway.tls.autoGenerate", \.gateway.tls.autoGenerate, help: "make a self-signed certificate when neither file exists"),
        bool("gateway.http.endpoints.chatCompletions.enabled", \.gateway.chatCompletions.enabled, help: "serve the OpenAI-compatible POST /v1/chat/completions and GET /v1/models"),
        int(
            "gateway.http.endpoints.chatCompletions.maxBodyBytes", \.gateway.chatCompletions.maxBodyBytes, 1024...(256 * 1024 * 1024),
            help: "largest /v1/chat/completions request body"
        ),
        url("gateway.publicUrl", \.gateway.publicUrl, help: "URL browsers reach the gateway at through a proxy; its origin is trusted"),
        choice(
            "logging.level", \.logging.level, ["trace", "debug", "info", "notice", "warning", "error", "critical"],
            env: "SWITCHBOARD_LOG_LEVEL", help: "log level"
        ),
        optionalString("logging.file", \.logging.file, env: nil, secret: false, help: "JSON-lines log file (default <stateDir>/logs/gateway.jsonl)"),
        choice("logging.console", \.logging.console, ["human", "json", "off"], env: nil, help: "console log format"),
        int("logging.maxFileBytes", \.logging.maxFileBytes, 4096...(1024 * 1024 * 1024), help: "rotate the log file past this size"),
        int("logging.maxFiles", \.logging.maxFiles, 1...100, help: "rotated log files kept"),
        choice("storage.durability", \.storage.durability, ["full", "normal"], env: nil, help: "full: acks fsynced (survive power loss); normal: survive a crash"),
    ] + agentKeys + channelKeys + discordKeys + slackKeys + signalKeys + automationKeys + heartbeatKeys

    public static func key(_ path: String) -> ConfigKey? { all.first { $0.path == path } }

    static func int(
        _ path: String, _ keyPath: any WritableKeyPath<GatewayConfiguration, Int> & Sendable, _ range: ClosedRange<Int>,
        env: String? = nil, help: String
    ) -> ConfigKey {
        ConfigKey(
            path: path, environment: env, help: help, isSecret: false,
            apply: { config, value in
                guard let int = value.intValue, range.contains(int) else {
                    return "\(path): expected an integer from \(range.lowerBound) to \(range.upperBound), got \(describe(value))"
                }
                config[keyPath: keyPath] = int
                return nil
            },
            current: { .int($0[keyPath: keyPath]) },
            schema: ["type": "integer", "minimum": .int(range.lowerBound), "maximum": .int(range.upperBound)]
        )
    }

    static func string(_ path: String, _ keyPath: any WritableKeyPath<GatewayConfiguration, String> & Sendable, env: String?, help: String) -> ConfigKey {
        ConfigKey(
            path: path, environment: env, help: help, isSecret: false,
            apply: { config, value in
                guard let string = value.stringValue, !string.isEmpty else { return "\(path): expected a non-empty string, got \(describe(value))" }
                config[keyPath: keyPath] = string
                return nil
            },
            current: { .string($0[keyPath: keyPath]) },
            schema: ["type": "string", "minLength": 1]
        )
    }

    static func optionalString(
        _ path: String, _ keyPath: any WritableKeyPath<GatewayConfiguration, String?> & Sendable, env: String?, secret: Bool, help: String
    ) -> ConfigKey {
        ConfigKey(
            path: path, environment: env, help: help, isSecret: secret,
            apply: { config, value in
                if case .null = value {
                    config[keyPath: keyPath] = nil
                    return nil
                }
                guard let string = value.stringValue else {
                    // Never echo a value that may be a secret.
                    return "\(path): expected a string\(secret ? "" : ", got \(describe(value))")"
                }
                config[keyPath: keyPath] = string.isEmpty ? nil : string
                return nil
            },
            current: { config in config[keyPath: keyPath].map { .string($0) } ?? .null },
            schema: ["type": ["string", "null"]]
        )
    }

    static func choice(
        _ path: String, _ keyPath: any WritableKeyPath<GatewayConfiguration, String> & Sendable, _ values: [String], env: String?, help: String
    ) -> ConfigKey {
        ConfigKey(
            path: path, environment: env, help: help, isSecret: false,
            apply: { config, value in
                guard let string = value.stringValue, values.contains(string) else {
                    return "\(path): expected one of \(values.joined(separator: ", ")), got \(describe(value))"
                }
                config[keyPath: keyPath] = string
                return nil
            },
            current: { .string($0[keyPath: keyPath]) },
            schema: ["enum": .array(values.map { .string($0) })]
        )
    }

    static func enumeration(
        _ path: String, _ keyPath: any WritableKeyPath<GatewayConfiguration, GatewayConfiguration.AuthMode?> & Sendable, help: String
    ) -> ConfigKey {
        let values = GatewayConfiguration.AuthMode.allCases.map(\.rawValue)
        return ConfigKey(
            path: path, environment: nil, help: help, isSecret: false,
            apply: { config, value in
                if case .null = value {
                    config[keyPath: keyPath] = nil
                    return nil
                }
                guard let string = value.stringValue, let mode = GatewayConfiguration.AuthMode(rawValue: string) else {
                    return "\(path): expected one of \(values.joined(separator: ", ")), got \(describe(value))"
                }
                config[keyPath: keyPath] = mode
                return nil
            },
            current: { config in config[keyPath: keyPath].map { .string($0.rawValue) } ?? .null },
            schema: ["enum": .array(values.map { .string($0) } + [.null])]
        )
    }

    static func describe(_ value: JSONValue) -> String {
        switch value {
        case .string(let string): "\"\(string.prefix(64))\""
        case .object, .array: value.typeName
        default: GatewayJSON.string(value)
        }
    }
}
