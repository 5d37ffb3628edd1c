import SwitchboardProtocol

/// `config.get` (writes arrive with the operations issue).
struct ConfigMethods {
    let parts: GatewayRuntimeParts

    func register(into registry: inout MethodRegistry) {
        let parts = parts
        registry.register(ConfigGet.self) { _, _ in
            let path = parts.loaded.paths.configPath
            var issues: [String] = []
            var valid = true
            let snapshot: ConfigFileSnapshot
            do {
                snapshot = try ConfigLoader.readFile(at: path)
                if let parsed = snapshot.parsed {
                    var scratch = GatewayConfiguration()
                    issues = ConfigLoader.apply(json: parsed, to: &scratch)
                    valid = issues.isEmpty
                }
            } catch let error as ConfigError {
                return ConfigGet.Result(
                    path: path, exists: true, valid: false, config: .null,
                    effective: ConfigRedaction.effective(parts.loaded.configuration), hash: parts.loaded.file.hash, issues: error.problems
                )
            }
            return ConfigGet.Result(
                path: path,
                exists: snapshot.exists,
                valid: valid,
                config: snapshot.parsed.map { ConfigRedaction.redact($0) } ?? .object([:]),
                effective: ConfigRedaction.effective(parts.loaded.configuration),
                hash: snapshot.hash,
                issues: issues
            )
        }
    }
}
