import Foundation
import Synchronization
import SwitchboardProtocol

/// `config.get`, `config.set`, `config.patch`, `config.apply`, `config.schema` (§5.6). Writes
/// are guarded by `baseHash`, validated with the process's environment and flags before
/// anything is written, keep a `.bak`, and are rate limited per method.
struct ConfigMethods {
    let parts: GatewayRuntimeParts

    func register(into registry: inout MethodRegistry) {
        let parts = parts
        let limiter = ConfigWriteLimiter(clock: parts.clock)
        registry.register(ConfigGet.self) { _, _ in Self.get(parts) }
        registry.register(ConfigSet.self) { params, _ in
            try limiter.admit(ConfigSet.name, perMinute: parts.host.live.current.gateway.configWritesPerMinute)
            return try Self.write(parts, params, method: ConfigSet.name, forceRestart: false) { _ throws(GatewayError) in try Self.parse(params.raw) }
        }
        registry.register(ConfigPatch.self) { params, _ in
            try limiter.admit(ConfigPatch.name, perMinute: parts.host.live.current.gateway.configWritesPerMinute)
            return try Self.write(parts, params, method: ConfigPatch.name, forceRestart: false) { current throws(GatewayError) in
                let patch = try Self.parse(params.raw, object: false)
                return ConfigDocument.mergePatch(current.parsed ?? .object([:]), patch)
            }
        }
        registry.register(ConfigApply.self) { params, _ in
            try limiter.admit(ConfigApply.name, perMinute: parts.host.live.current.gateway.configWritesPerMinute)
            return try Self.write(parts, params, method: ConfigApply.name, forceRestart: true) { _ throws(GatewayError) in try Self.parse(params.raw) }
        }
        registry.register(ConfigSchema.self) { _, _ in
            ConfigSchema.Result(
                schema: ConfigSchemaBuilder.schema(), uiHints: ConfigSchemaBuilder.uiHints(), version: parts.version,
                generatedAt: Date().formatted(.iso8601)
            )
        }
    }

    static func get(_ parts: GatewayRuntimeParts) -> ConfigGet.Result {
        let path = parts.loaded.paths.configPath
        let effective = ConfigRedaction.effective(parts.host.live.current)
        let snapshot: ConfigFileSnapshot
        do {
            snapshot = try ConfigLoader.readFile(at: path)
        } catch let error as ConfigError {
            let data = FileManager.default.contents(atPath: path) ?? Data()
            return ConfigGet.Result(
                path: path, exists: true, valid: false, config: .null, effective: effective, hash: ConfigLoader.sha256Hex(data), issues: error.problems
            )
        } catch {
            return ConfigGet.Result(path: path, exists: false, valid: false, config: .null, effective: effective, hash: "", issues: ["\(error)"])
        }
        var issues: [String] = []
        if let parsed = snapshot.parsed {
            var scratch = GatewayConfiguration()
            issues = ConfigLoader.apply(json: parsed, to: &scratch)
        }
        let redacted = snapshot.parsed.map { ConfigRedaction.redact($0) } ?? .object([:])
        var result = ConfigGet.Result(
            path: path, exists: snapshot.exists, valid: issues.isEmpty, config: redacted, effective: effective, hash: snapshot.hash, issues: issues
        )
        // Always the redacted JSON, never the file's own text: a comment can hold a secret
        // (`// old token: …`) that no key-based redaction sees.
        if snapshot.exists { result.raw = GatewayJSON.string(redacted, pretty: true) }
        return result
    }

    static func write(
        _ parts: GatewayRuntimeParts, _ params: ConfigWriteParams, method: String, forceRestart: Bool,
        edit: (ConfigFileSnapshot) throws(GatewayError) -> JSONValue
    ) throws(GatewayError) -> ConfigWriteResult {
        let delayMs = params.restartDelayMs ?? 0
        guard ConfigWriteParams.restartDelayRange.contains(delayMs) else {
            throw .invalidRequest("invalid params: params.restartDelayMs: expected an integer from 0 to 600000")
        }
        let reason = "\(method)" + (params.note.map { ": \($0)" } ?? "")
        // The restart waits a moment at least, so this response reaches the caller before the 1012 close.
        let (snapshot, outcome) = try parts.host.reloader.write(
            baseHash: params.baseHash, forceRestart: forceRestart, restartDelayMs: max(delayMs, Self.minimumRestartDelayMs), reason: reason, edit: edit
        )
        let changed: [String]
        let applied: ConfigWriteResult.Applied
        switch outcome {
        case .unchanged: (changed, applied) = ([], .none)
        case .applied(let keys): (changed, applied) = (keys, .hot)
        case .restarting(let keys): (changed, applied) = (keys, .restart)
        case .rejected(let problems): throw .invalidRequest("invalid config: " + problems.joined(separator: "; "))
        }
        var restart: ConfigWriteResult.Restart?
        if applied == .restart {
            restart = .init(reason: reason, delayMs: max(delayMs, Self.minimumRestartDelayMs), expectedMs: RestartTrigger.expectedRestartMs)
        }
        return ConfigWriteResult(
            ok: true, path: snapshot.path, config: snapshot.parsed.map { ConfigRedaction.redact($0) } ?? .object([:]), hash: snapshot.hash,
            changed: changed, applied: applied, restart: restart
        )
    }

    /// A restart caused by a write never starts sooner than this.
    static let minimumRestartDelayMs = 100

    /// Parses JSON5 `raw`; the whole file must be an object, a patch may be any value.
    static func parse(_ raw: String, object: Bool = true) throws(GatewayError) -> JSONValue {
        let value: JSONValue
        do {
            value = try GatewayJSON.json5Decoder.decode(JSONValue.self, from: Data(raw.utf8))
        } catch {
            throw .invalidRequest("invalid params: params.raw: not valid JSON5 (\(ConfigLoader.describeParseError(error)))")
        }
        if object, value.objectValue == nil {
            throw .invalidRequest("invalid params: params.raw: the config must be a JSON object, got \(value.typeName)")
        }
        return value
    }
}

/// Control-plane writes per method per minute (OpenClaw: 30 per 60 s), so a runaway client
/// cannot make the gateway restart in a loop.
final class ConfigWriteLimiter: Sendable {
    private let clock: GatewayClock
    private let recent = Mutex<[String: [Int]]>([:])

    init(clock: GatewayClock) {
        self.clock = clock
    }

    func admit(_ method: String, perMinute limit: Int) throws(GatewayError) {
        let now = clock.nowMs()
        let retryAfter: Int? = recent.withLock { recent in
            var times = (recent[method] ?? []).filter { now - $0 < 60_000 }
            defer { recent[method] = times }
            guard times.count < limit else { return 60_000 - (now - (times.first ?? now)) }
            times.append(now)
            return nil
        }
        if let retryAfter {
            throw .unavailable("\(method) is limited to \(limit) calls a minute (gateway.configWritesPerMinute); retry later", retryAfterMs: retryAfter)
        }
    }
}
