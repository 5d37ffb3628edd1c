import ArgumentParser
import SwitchboardAgent
import SwitchboardProtocol

/// The provider kinds `switchboard onboard --provider` takes.
enum OnboardProviderKind: String, CaseIterable, ExpressibleByArgument {
    case openai, anthropic, ollama
    case openAICompatible = "openai-compatible"
    /// The first local server found (Ollama, LM Studio, llama.cpp, vLLM).
    case local
    /// No provider now (WebChat and channels work; the agent cannot answer yet).
    case none

    var defaultBaseURL: String? {
        switch self {
        case .openai: "https://api.openai.com/v1"
        case .anthropic: "https://api.anthropic.com"
        case .ollama: "http://127.0.0.1:11434/v1"
        case .openAICompatible, .local, .none: nil
        }
    }

    var defaultModel: String? {
        switch self {
        case .openai: "gpt-4o-mini"
        case .anthropic: "claude-sonnet-4-5"
        case .ollama: "llama3.2"
        case .openAICompatible, .local, .none: nil
        }
    }

    /// The variable a key is taken from when `--api-key` is not given.
    var keyVariable: String? {
        switch self {
        case .openai: "OPENAI_API_KEY"
        case .anthropic: "ANTHROPIC_API_KEY"
        default: nil
        }
    }

    var needsKey: Bool { self == .openai || self == .anthropic }
}

/// The provider onboarding settles on, and what it writes for it.
struct OnboardProvider: Sendable, Equatable {
    var id: String
    var api: ProviderSettings.API
    var baseURL: String
    var apiKey: String?
    var model: String

    var settings: ProviderSettings { ProviderSettings(id: id, api: api, baseURL: baseURL, apiKey: apiKey) }

    /// `models.providers.<id>` and `agents.defaults.model`, as a merge patch.
    var patch: JSONValue {
        var provider: [String: JSONValue] = [
            "api": .string(api == .anthropic ? "anthropic" : "openai"), "baseUrl": .string(baseURL), "models": [.string(model)],
        ]
        if let apiKey { provider["apiKey"] = .string(apiKey) }
        return ["models": ["providers": .object([id: .object(provider)])], "agents": ["defaults": ["model": .string("\(id)/\(model)")]]]
    }

    /// `openai`, `anthropic`, `ollama` (also a local server that is Ollama), `local` for
    /// another local server, `custom` for another OpenAI-compatible endpoint.
    static func id(for kind: OnboardProviderKind, serverName: String?) -> String {
        switch kind {
        case .openai, .anthropic, .ollama: kind.rawValue
        case .local: serverName == "Ollama" ? "ollama" : "local"
        case .openAICompatible, .none: "custom"
        }
    }
}
