import ArgumentParser
import Foundation
import SwitchboardAgent

/// How `onboard` settles the provider: from the flags (and `OPENAI_API_KEY`/`ANTHROPIC_API_KEY`),
/// or by asking; then the model; then a test of the URL and key, asked again on a terminal
/// until they work (or given up), never written when they fail in a script.
extension OnboardCommand {
    func chooseProvider(local: [ProviderProbe.LocalServer], prompts: OnboardPrompts, say: (String) -> Void) async throws -> OnboardProvider? {
        let environment = ProcessInfo.processInfo.environment
        var kind = provider
        var server = local.first
        if kind == nil {
            if nonInteractive {
                if !local.isEmpty {
                    kind = .local
                } else if environment["OPENAI_API_KEY"] != nil {
                    kind = .openai
                } else if environment["ANTHROPIC_API_KEY"] != nil {
                    kind = .anthropic
                } else {
                    throw fail(
                        "--provider is needed with --non-interactive: no local model server was found and neither OPENAI_API_KEY nor ANTHROPIC_API_KEY is set "
                            + "(use --provider none to set up without one)", code: ExitCodes.usage)
                }
            } else {
                var options = local.map { "\($0.name) on this machine (\($0.baseURL), \($0.models.count) model(s))" }
                options += ["OpenAI (API key)", "Anthropic (API key)", "Another OpenAI-compatible server (URL)", "None for now"]
                guard let index = prompts.choose("Which model provider should the agent use?", options) else { throw ExitCode(1) }
                if index < local.count {
                    kind = .local
                    server = local[index]
                } else {
                    kind = [.openai, .anthropic, .openAICompatible, OnboardProviderKind.none][index - local.count]
                }
            }
        }
        guard let kind, kind != .none else {
            say("No provider set: WebChat and channels work, the agent answers once one is configured (run onboard again).")
            return nil
        }
        if kind == .local, server == nil {
            throw fail("--provider local: no local model server answered at \((detectURLs.isEmpty ? ProviderProbe.usualLocalServers.map(\.baseURL) : detectURLs).joined(separator: ", "))", code: ExitCodes.failure)
        }
        if kind == .ollama, baseURL == nil, let found = local.first(where: { $0.name == "Ollama" }) { server = found }
        var chosen = try initialProvider(kind: kind, server: kind == .local || kind == .ollama ? server : nil, prompts: prompts, environment: environment)
        if skipTest { return chosen }
        while true {
            say("Checking \(chosen.baseURL)…")
            switch await ProviderProbe.check(chosen.settings, timeout: .seconds(timeout)) {
            case .answered(let status, let models) where (200..<300).contains(status):
                if !models.isEmpty, !models.contains(chosen.model) {
                    say("  note: \(chosen.model) is not among the models it lists: \(models.prefix(8).joined(separator: ", "))")
                    if !nonInteractive, let again = prompts.ask("Model", default: models[0]) { chosen.model = again }
                }
                say("  ok: it answered and takes the key (\(models.count) model(s) listed)")
                return chosen
            case .answered(let status, _):
                try retryOrFail("\(chosen.baseURL) answered HTTP \(status) to GET /models", prompts: prompts)
            case .refused(let status):
                try retryOrFail("\(chosen.baseURL) refused the API key (HTTP \(status))", prompts: prompts)
                chosen.apiKey = prompts.secret("API key")
            case .unreachable(let reason):
                try retryOrFail("\(chosen.baseURL) is unreachable (\(reason))", prompts: prompts)
                if let url = prompts.ask("Base URL", default: chosen.baseURL) { chosen.baseURL = url }
            }
        }
    }

    /// Non-interactive: fails (nothing written). On a terminal: says what failed and asks again.
    private func retryOrFail(_ problem: String, prompts: OnboardPrompts) throws {
        if nonInteractive { throw fail("\(problem); nothing was written (check it, or pass --skip-test)", code: ExitCodes.failure) }
        print("  \(problem)")
        if !prompts.confirm("Try again?", default: true) { throw ExitCode(1) }
    }

    private func initialProvider(
        kind: OnboardProviderKind, server: ProviderProbe.LocalServer?, prompts: OnboardPrompts, environment: [String: String]
    ) throws -> OnboardProvider {
        var base = baseURL ?? server?.baseURL ?? kind.defaultBaseURL
        if base == nil {
            guard !nonInteractive else { throw fail("--provider \(kind.rawValue) needs --base-url (an OpenAI-compatible URL ending in /v1)", code: ExitCodes.usage) }
            base = prompts.ask("Base URL (OpenAI-compatible, ending in /v1)")
        }
        guard var base, let parsed = URL(string: base), parsed.scheme == "http" || parsed.scheme == "https", parsed.host != nil else {
            throw fail("--base-url: expected an http:// or https:// URL, got \(base ?? "nothing")", code: ExitCodes.usage)
        }
        while base.hasSuffix("/") { base.removeLast() }
        var key = apiKey ?? kind.keyVariable.flatMap { environment[$0] }.flatMap { $0.isEmpty ? nil : $0 }
        if key == nil, kind.needsKey {
            guard !nonInteractive else { throw fail("--provider \(kind.rawValue) needs --api-key (or \(kind.keyVariable ?? "the key variable"))", code: ExitCodes.usage) }
            key = prompts.secret("\(kind == .anthropic ? "Anthropic" : "OpenAI") API key")
        }
        if let typed = key, typed.isEmpty { key = nil }
        var chosenModel = model ?? server?.models.first ?? kind.defaultModel
        if !nonInteractive, model == nil {
            if let offered = server?.models, offered.count > 1 {
                let index = prompts.choose("Which model?", Array(offered.prefix(20)))
                chosenModel = index.map { offered[$0] } ?? chosenModel
            } else {
                chosenModel = prompts.ask("Model", default: chosenModel) ?? chosenModel
            }
        }
        guard let chosenModel, !chosenModel.isEmpty else {
            throw fail("--model is needed: \(base) lists no models", code: ExitCodes.usage)
        }
        let id = OnboardProvider.id(for: kind, serverName: server?.name)
        return OnboardProvider(id: id, api: kind == .anthropic ? .anthropic : .openai, baseURL: base, apiKey: key, model: chosenModel)
    }
}
