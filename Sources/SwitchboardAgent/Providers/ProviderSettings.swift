import Foundation

/// One configured model provider (`models.providers.<id>` in the config file).
public struct ProviderSettings: Sendable, Hashable {
    public enum API: String, Sendable, Hashable, CaseIterable {
        /// Chat Completions (OpenAI, Ollama, llama.cpp, vLLM, OpenRouter…).
        case openai
        /// Anthropic Messages.
        case anthropic
    }

    public var id: String
    public var api: API
    public var baseURL: String
    public var apiKey: String?
    public var models: [ModelSettings]
    public var headers: [String: String]

    public init(id: String, api: API, baseURL: String, apiKey: String? = nil, models: [ModelSettings] = [], headers: [String: String] = [:]) {
        self.id = id
        self.api = api
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.models = models
        self.headers = headers
    }
}

/// A model a provider offers.
public struct ModelSettings: Sendable, Hashable {
    public var id: String
    public var name: String?
    public var contextWindow: Int?
    public var reasoning: Bool?
    public var maxOutputTokens: Int?

    public init(id: String, name: String? = nil, contextWindow: Int? = nil, reasoning: Bool? = nil, maxOutputTokens: Int? = nil) {
        self.id = id
        self.name = name
        self.contextWindow = contextWindow
        self.reasoning = reasoning
        self.maxOutputTokens = maxOutputTokens
    }
}

extension ProviderSettings {
    /// Providers implied by the standard variables, for those not configured in the file:
    /// `OPENAI_API_KEY`/`OPENAI_BASE_URL`, `ANTHROPIC_API_KEY`/`ANTHROPIC_BASE_URL`, `OLLAMA_HOST`.
    /// A configured provider without `apiKey` also takes its key from the variable.
    public static func merging(configured: [ProviderSettings], environment: [String: String]) -> [ProviderSettings] {
        func value(_ name: String) -> String? {
            guard let text = environment[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            return text
        }
        var result = configured.map { provider in
            var provider = provider
            if provider.apiKey == nil {
                switch provider.id {
                case "openai": provider.apiKey = value("OPENAI_API_KEY")
                case "anthropic": provider.apiKey = value("ANTHROPIC_API_KEY")
                default: break
                }
            }
            return provider
        }
        let ids = Set(result.map(\.id))
        if !ids.contains("openai"), value("OPENAI_API_KEY") != nil || value("OPENAI_BASE_URL") != nil {
            result.append(
                ProviderSettings(
                    id: "openai", api: .openai, baseURL: value("OPENAI_BASE_URL") ?? "https://api.openai.com/v1",
                    apiKey: value("OPENAI_API_KEY"), models: [ModelSettings(id: "gpt-4o-mini")]
                )
            )
        }
        if !ids.contains("anthropic"), value("ANTHROPIC_API_KEY") != nil || value("ANTHROPIC_BASE_URL") != nil {
            result.append(
                ProviderSettings(
                    id: "anthropic", api: .anthropic, baseURL: value("ANTHROPIC_BASE_URL") ?? "https://api.anthropic.com",
                    apiKey: value("ANTHROPIC_API_KEY"), models: [ModelSettings(id: "claude-sonnet-4-5")]
                )
            )
        }
        if !ids.contains("ollama"), let host = value("OLLAMA_HOST") {
            var base = host.contains("://") ? host : "http://\(host)"
            if base.hasSuffix("/") { base.removeLast() }
            result.append(ProviderSettings(id: "ollama", api: .openai, baseURL: base + "/v1", models: [ModelSettings(id: "llama3.2")]))
        }
        return result
    }
}
