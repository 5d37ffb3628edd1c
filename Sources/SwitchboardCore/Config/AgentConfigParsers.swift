import SwitchboardAgent
import SwitchboardProtocol

/// Reads `models.providers` (a map of id → provider object) with key-path errors.
enum ProviderConfigParser {
    static func providers(_ value: JSONValue) -> Result<[ProviderSettings], ConfigProblem> {
        guard case .object(let object) = value else { return .failure(ConfigProblem("models.providers: expected an object, got \(value.typeName)")) }
        var result: [ProviderSettings] = []
        for (id, entry) in object.sorted(by: { $0.key < $1.key }) {
            let path = "models.providers.\(id)"
            guard !id.isEmpty, !id.contains("/") else { return .failure(ConfigProblem("\(path): provider ids must be non-empty and contain no \"/\"")) }
            guard case .object(let fields) = entry else { return .failure(ConfigProblem("\(path): expected an object, got \(entry.typeName)")) }
            let known: Set = ["baseUrl", "apiKey", "api", "models", "headers"]
            if let unknown = fields.keys.sorted().first(where: { !known.contains($0) }) {
                return .failure(ConfigProblem("\(path).\(unknown): unknown key (expected baseUrl, apiKey, api, models, headers)"))
            }
            let apiText = fields["api"]?.stringValue ?? (id == "anthropic" ? "anthropic" : "openai")
            guard let api = ProviderSettings.API(rawValue: apiText) else {
                return .failure(ConfigProblem("\(path).api: expected one of openai, anthropic, got \"\(apiText)\""))
            }
            guard let baseURL = fields["baseUrl"]?.stringValue ?? defaultBaseURL(id: id),
                let scheme = baseURL.split(separator: ":").first, scheme == "http" || scheme == "https"
            else {
                return .failure(ConfigProblem("\(path).baseUrl: expected an http(s) URL such as https://api.openai.com/v1"))
            }
            var apiKey: String?
            if let key = fields["apiKey"] {
                guard let string = key.stringValue else { return .failure(ConfigProblem("\(path).apiKey: expected a string")) }
                apiKey = string.isEmpty ? nil : string
            }
            var models: [ModelSettings] = []
            for (index, model) in (fields["models"]?.arrayValue ?? []).enumerated() {
                if let name = model.stringValue, !name.isEmpty {
                    models.append(ModelSettings(id: name))
                } else if case .object(let spec) = model, let modelId = spec["id"]?.stringValue, !modelId.isEmpty {
                    models.append(
                        ModelSettings(
                            id: modelId, name: spec["name"]?.stringValue, contextWindow: spec["contextWindow"]?.intValue,
                            reasoning: spec["reasoning"]?.boolValue, maxOutputTokens: spec["maxOutputTokens"]?.intValue
                        )
                    )
                } else {
                    return .failure(ConfigProblem("\(path).models[\(index)]: expected a model id string or {id, name?, contextWindow?}"))
                }
            }
            if let list = fields["models"], list.arrayValue == nil {
                return .failure(ConfigProblem("\(path).models: expected an array, got \(list.typeName)"))
            }
            var headers: [String: String] = [:]
            for (name, header) in fields["headers"]?.objectValue ?? [:] {
                guard let text = header.stringValue else { return .failure(ConfigProblem("\(path).headers.\(name): expected a string")) }
                headers[name] = text
            }
            result.append(ProviderSettings(id: id, api: api, baseURL: baseURL, apiKey: apiKey, models: models, headers: headers))
        }
        return .success(result)
    }

    static func defaultBaseURL(id: String) -> String? {
        switch id {
        case "openai": "https://api.openai.com/v1"
        case "anthropic": "https://api.anthropic.com"
        case "openrouter": "https://openrouter.ai/api/v1"
        case "ollama": "http://127.0.0.1:11434/v1"
        default: nil
        }
    }

    /// The providers as config JSON, keys redacted.
    static func json(_ providers: [ProviderSettings]) -> JSONValue {
        var object: [String: JSONValue] = [:]
        for provider in providers {
            var fields: [String: JSONValue] = ["baseUrl": .string(provider.baseURL), "api": .string(provider.api.rawValue)]
            if provider.apiKey != nil { fields["apiKey"] = .string(ConfigRedaction.placeholder) }
            fields["models"] = .array(provider.models.map { .string($0.id) })
            if !provider.headers.isEmpty { fields["headers"] = .object(provider.headers.mapValues { _ in .string(ConfigRedaction.placeholder) }) }
            object[provider.id] = .object(fields)
        }
        return .object(object)
    }
}

/// Reads `agents.list`.
enum AgentListParser {
    static func agents(_ value: JSONValue) -> Result<[AgentDefinition], ConfigProblem> {
        guard case .array(let items) = value else { return .failure(ConfigProblem("agents.list: expected an array, got \(value.typeName)")) }
        var result: [AgentDefinition] = []
        for (index, item) in items.enumerated() {
            let path = "agents.list[\(index)]"
            guard case .object(let fields) = item else { return .failure(ConfigProblem("\(path): expected an object, got \(item.typeName)")) }
            guard let id = fields["id"]?.stringValue, AgentIdentity.isValidAgentId(id) else {
                return .failure(ConfigProblem("\(path).id: expected a lowercase id of letters, digits, - or _ (e.g. \"main\")"))
            }
            guard !result.contains(where: { $0.id == id }) else { return .failure(ConfigProblem("\(path).id: \"\(id)\" is listed twice")) }
            var runner: ExternalAgentRunner.Settings?
            if let spec = fields["runner"] {
                guard let command = spec["command"]?.stringValue, !command.isEmpty else {
                    return .failure(ConfigProblem("\(path).runner.command: expected the command to run"))
                }
                let args = spec["args"]?.arrayValue?.compactMap(\.stringValue) ?? []
                let env = (spec["env"]?.objectValue ?? [:]).compactMapValues(\.stringValue)
                runner = ExternalAgentRunner.Settings(command: command, args: args, env: env)
            }
            result.append(
                AgentDefinition(
                    id: id, name: fields["name"]?.stringValue, emoji: fields["emoji"]?.stringValue, avatar: fields["avatar"]?.stringValue,
                    model: fields["model"]?.stringValue, systemPrompt: fields["systemPrompt"]?.stringValue, runner: runner
                )
            )
        }
        return .success(result)
    }

    static func json(_ agents: [AgentDefinition]) -> JSONValue {
        .array(
            agents.map { agent in
                var fields: [String: JSONValue] = ["id": .string(agent.id)]
                if let name = agent.name { fields["name"] = .string(name) }
                if let model = agent.model { fields["model"] = .string(model) }
                if let runner = agent.runner {
                    fields["runner"] = ["command": .string(runner.command), "args": .array(runner.args.map { .string($0) })]
                }
                return .object(fields)
            }
        )
    }
}

/// Reads `mcp.servers` (a map of name → server object).
enum MCPConfigParser {
    static func servers(_ value: JSONValue) -> Result<[MCPServerSettings], ConfigProblem> {
        guard case .object(let object) = value else { return .failure(ConfigProblem("mcp.servers: expected an object, got \(value.typeName)")) }
        var result: [MCPServerSettings] = []
        for (name, entry) in object.sorted(by: { $0.key < $1.key }) {
            let path = "mcp.servers.\(name)"
            guard case .object(let fields) = entry else { return .failure(ConfigProblem("\(path): expected an object, got \(entry.typeName)")) }
            let known: Set = ["command", "args", "env", "cwd", "enabled", "callTimeoutMs", "startTimeoutMs"]
            if let unknown = fields.keys.sorted().first(where: { !known.contains($0) }) {
                return .failure(ConfigProblem("\(path).\(unknown): unknown key (expected command, args, env, cwd, enabled, callTimeoutMs, startTimeoutMs)"))
            }
            guard let command = fields["command"]?.stringValue, !command.isEmpty else {
                return .failure(ConfigProblem("\(path).command: expected the server's command, e.g. \"uvx\" or \"/usr/bin/mcp-server-time\""))
            }
            var args: [String] = []
            for (index, arg) in (fields["args"]?.arrayValue ?? []).enumerated() {
                guard let text = arg.stringValue else { return .failure(ConfigProblem("\(path).args[\(index)]: expected a string")) }
                args.append(text)
            }
            var env: [String: String] = [:]
            for (key, text) in fields["env"]?.objectValue ?? [:] {
                guard let text = text.stringValue else { return .failure(ConfigProblem("\(path).env.\(key): expected a string")) }
                env[key] = text
            }
            var settings = MCPServerSettings(name: name, command: command, args: args, env: env, cwd: fields["cwd"]?.stringValue)
            settings.enabled = fields["enabled"]?.boolValue ?? true
            if let timeout = fields["callTimeoutMs"] {
                guard let ms = timeout.intValue, ms > 0 else { return .failure(ConfigProblem("\(path).callTimeoutMs: expected a positive integer")) }
                settings.callTimeoutMs = ms
            }
            if let timeout = fields["startTimeoutMs"] {
                guard let ms = timeout.intValue, ms > 0 else { return .failure(ConfigProblem("\(path).startTimeoutMs: expected a positive integer")) }
                settings.startTimeoutMs = ms
            }
            result.append(settings)
        }
        return .success(result)
    }

    static func json(_ servers: [MCPServerSettings]) -> JSONValue {
        var object: [String: JSONValue] = [:]
        for server in servers {
            object[server.name] = [
                "command": .string(server.command), "args": .array(server.args.map { .string($0) }), "enabled": .bool(server.enabled),
                "env": .object(server.env.mapValues { _ in .string(ConfigRedaction.placeholder) }),
            ]
        }
        return .object(object)
    }
}
