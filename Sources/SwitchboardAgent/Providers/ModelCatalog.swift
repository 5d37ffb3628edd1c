import AsyncHTTPClient

/// The configured providers and the default model: turns a `provider/model` reference into a
/// provider client, and lists what `models.list` shows.
public struct ModelCatalog: Sendable {
    public let providers: [ProviderSettings]
    /// `provider/model` used when a run names none.
    public let defaultModel: String?
    let clients: [String: any LLMProvider]
    /// The config file the gateway reads, named in the "no provider" error.
    let configPath: String?

    /// - Parameters:
    ///   - providers: from ``ProviderSettings/merging(configured:environment:)``.
    ///   - defaultModel: `agents.defaults.model`; nil picks the first provider's first model.
    public init(providers: [ProviderSettings], defaultModel: String?, http: ProviderHTTP, configPath: String? = nil) {
        self.providers = providers
        self.configPath = configPath
        var clients: [String: any LLMProvider] = [:]
        for provider in providers {
            switch provider.api {
            case .openai:
                clients[provider.id] = OpenAICompatibleProvider(
                    id: provider.id, baseURL: provider.baseURL, apiKey: provider.apiKey, extraHeaders: provider.headers, http: http
                )
            case .anthropic:
                clients[provider.id] = AnthropicProvider(id: provider.id, baseURL: provider.baseURL, apiKey: provider.apiKey, http: http)
            }
        }
        self.clients = clients
        if let defaultModel {
            self.defaultModel = defaultModel
        } else if let first = providers.first(where: { !$0.models.isEmpty }), let model = first.models.first {
            self.defaultModel = "\(first.id)/\(model.id)"
        } else {
            self.defaultModel = nil
        }
    }

    /// `provider/model` split at the first slash; a bare id has no provider.
    public static func split(_ reference: String) -> (provider: String?, model: String) {
        guard let slash = reference.firstIndex(of: "/") else { return (nil, reference) }
        return (String(reference[..<slash]), String(reference[reference.index(after: slash)...]))
    }

    /// A resolved model reference.
    public struct Resolved: Sendable {
        public var provider: any LLMProvider
        public var providerId: String
        public var model: String
        public var settings: ModelSettings?
    }

    /// Resolves `reference` (`provider/model`, or a bare model id of the default provider).
    /// - Throws: ``ProviderError`` of kind `notConfigured` that says how to fix it.
    public func resolve(_ reference: String?) throws -> Resolved {
        guard !clients.isEmpty else { throw ProviderError.noProvider(configPath: configPath) }
        guard let reference = reference ?? defaultModel else { throw ProviderError.noProvider(configPath: configPath) }
        let providerId: String
        let model: String
        if let slash = reference.firstIndex(of: "/"), clients[String(reference[..<slash])] != nil {
            providerId = String(reference[..<slash])
            model = String(reference[reference.index(after: slash)...])
        } else if let slash = defaultModel?.firstIndex(of: "/"), let defaultModel {
            providerId = String(defaultModel[..<slash])
            model = reference
        } else {
            let known = clients.keys.sorted().joined(separator: ", ")
            throw ProviderError(.notConfigured, "model \"\(reference)\" names no configured provider; use <provider>/<model> with one of: \(known)")
        }
        guard let provider = clients[providerId], !model.isEmpty else {
            let known = clients.keys.sorted().joined(separator: ", ")
            throw ProviderError(.notConfigured, "unknown provider in model \"\(reference)\"; configured providers: \(known)")
        }
        let settings = providers.first { $0.id == providerId }?.models.first { $0.id == model }
        return Resolved(provider: provider, providerId: providerId, model: model, settings: settings)
    }
}
