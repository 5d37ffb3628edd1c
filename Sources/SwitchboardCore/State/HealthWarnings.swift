import SwitchboardAgent

/// What `health` warns about without calling the gateway unhealthy: it runs, WebChat and
/// channels work, but the agent cannot answer yet.
enum HealthWarnings {
    static func current(agent: AgentConfiguration, providerEnvironment: [String: String], configPath: String) -> [String] {
        let providers = ProviderSettings.merging(configured: agent.providers, environment: providerEnvironment)
        let defaultAgent = agent.agent(AgentConfiguration.defaultAgentId)
        guard providers.isEmpty, defaultAgent?.runner == nil else { return [] }
        return [
            "no model provider configured: agent runs fail until one is; run `switchboard onboard`, set OPENAI_API_KEY or ANTHROPIC_API_KEY "
                + "(or OLLAMA_HOST) before starting the gateway, or add models.providers to \(configPath)"
        ]
    }
}
