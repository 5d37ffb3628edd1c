import ArgumentParser
import Foundation
import SwitchboardAgent
import SwitchboardCore
import SwitchboardProtocol

/// `switchboard onboard`: the first five minutes. Finds a local model server, or takes a
/// provider and key and tests them; sets a gateway token; writes all of it to the config file
/// (validated first, the previous file kept as `.bak`); optionally installs the service; and
/// says where WebChat and the Control UI are. Every question has a flag, so scripts can run it
/// with `--non-interactive`.
struct OnboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "onboard",
        abstract: "Set up a model provider (local servers are detected), a gateway token and optionally the service; prints the WebChat and Control UI URLs."
    )

    @OptionGroup var paths: PathOptions
    @Flag(name: .customLong("non-interactive"), help: "Ask nothing: take the flags, the environment and what is detected.") var nonInteractive = false
    @Option(help: "openai, anthropic, ollama, openai-compatible, local (the first server found) or none.") var provider: OnboardProviderKind?
    @Option(name: .customLong("api-key"), help: "The provider's API key (default OPENAI_API_KEY / ANTHROPIC_API_KEY).") var apiKey: String?
    @Option(name: .customLong("base-url"), help: "The provider's base URL (an OpenAI-compatible one ends in /v1).") var baseURL: String?
    @Option(help: "The model the agent uses (default: the provider's usual one, or the first the server lists).") var model: String?
    @Option(help: "The gateway token to set (default: a new random one, or the one the config already has).") var token: String?
    @Flag(name: .customLong("no-token"), help: "Set no gateway token (loopback only: any local process may then connect).") var noToken = false
    @Option(help: "The gateway port to write into the config (default: keep the config's, 18789).") var port: Int?
    @Flag(name: .customLong("install-service"), help: "Install and start the gateway as a user service (systemd or launchd).") var installService = false
    @Flag(name: .customLong("skip-test"), help: "Do not check the provider and key before writing them.") var skipTest = false
    @Option(name: .customLong("detect-url"), help: "An OpenAI-compatible base URL to look for a local server at (repeatable; default: Ollama, LM Studio, llama.cpp and vLLM's usual ports).")
    var detectURLs: [String] = []
    @Option(help: "Seconds to wait for each provider or local server.") var timeout: Int = 5
    @Flag(help: "Print the outcome as JSON (with --non-interactive).") var json = false

    func run() async throws {
        let resolved = paths.resolve()
        let snapshot: ConfigFileSnapshot
        do {
            snapshot = try ConfigLoader.readFile(at: resolved.configPath)
        } catch {
            throw fail("\(error) — fix or move the file, then run onboard again", code: ExitCodes.config)
        }
        let prompts = OnboardPrompts()
        let interactive = !nonInteractive
        if noToken && token != nil { throw fail("--token and --no-token contradict each other", code: ExitCodes.usage) }
        let say: (String) -> Void = { line in if !json { print(line) } }

        // 1. The provider.
        let candidates = detectURLs.isEmpty ? ProviderProbe.usualLocalServers : detectURLs.map { (name: Self.serverName($0), baseURL: $0) }
        var local: [ProviderProbe.LocalServer] = []
        if provider == nil || provider == .local || (provider == .ollama && baseURL == nil) {
            say("Looking for a local model server…")
            local = await ProviderProbe.detect(candidates, timeout: .seconds(min(timeout, 2)))
            for server in local { say("  found \(server.name) at \(server.baseURL) (\(server.models.count) model(s))") }
            if local.isEmpty { say("  none found at \(candidates.map(\.baseURL).joined(separator: ", "))") }
        }
        let chosen = try await chooseProvider(local: local, prompts: prompts, say: say)

        // 2. The gateway token.
        let existingToken = snapshot.parsed?["gateway"]?["auth"]?["token"]?.stringValue
        var newToken: String?
        if let token {
            newToken = token
        } else if !noToken, existingToken == nil {
            if !interactive || prompts.confirm("Protect the gateway with a token (needed for the Control UI and remote clients)?", default: true) {
                newToken = GatewayRotateTokenCommand.makeToken()
            }
        }
        if existingToken != nil, newToken == nil, !noToken { say("Keeping the gateway token already in \(resolved.configPath).") }

        // 3. The file: merge, validate as the gateway would, write.
        var patch: JSONValue = .object([:])
        if let chosen { patch = ConfigDocument.mergePatch(patch, chosen.patch) }
        if let newToken { patch = ConfigDocument.mergePatch(patch, ["gateway": ["auth": ["token": .string(newToken)]]]) }
        if noToken, existingToken != nil { patch = ConfigDocument.mergePatch(patch, ["gateway": ["auth": ["token": .null]]]) }
        if let port { patch = ConfigDocument.mergePatch(patch, ["gateway": ["port": .int(port)]]) }
        let merged = ConfigDocument.mergePatch(snapshot.parsed ?? .object([:]), patch)
        var configuration = GatewayConfiguration()
        let problems = ConfigLoader.apply(json: merged, to: &configuration) + configuration.crossFieldProblems()
        guard problems.isEmpty else {
            throw fail("nothing was written; the config would be invalid:\n  " + problems.joined(separator: "\n  "), code: ExitCodes.config)
        }
        try ConfigDocument.write(ConfigDocument.render(merged), to: resolved.configPath)
        say("Wrote \(resolved.configPath)" + (snapshot.exists ? " (the previous file is \(resolved.configPath).bak)" : ""))

        // 4. The service.
        var installed = false
        if installService || (interactive && prompts.confirm("Install the gateway as a user service that starts at login?", default: false)) {
            let install = try GatewayInstallCommand.parse(paths.arguments)
            try await install.run()
            installed = true
        }

        // 5. Where to go next.
        let scheme = configuration.gateway.tls.enabled ? "https" : "http"
        let base = "\(scheme)://127.0.0.1:\(configuration.gateway.port)"
        let running = InstanceLock.inspect(stateDir: resolved.stateDir).map(\.running) ?? false
        if json {
            var outcome: [String: JSONValue] = [
                "configPath": .string(resolved.configPath), "webchatUrl": .string(base + "/chat"), "controlUiUrl": .string(base + "/control"),
                "serviceInstalled": .bool(installed), "gatewayRunning": .bool(running),
            ]
            if let chosen { outcome["provider"] = ["id": .string(chosen.id), "baseUrl": .string(chosen.baseURL), "model": .string(chosen.model)] }
            if let newToken { outcome["token"] = .string(newToken) }
            print(GatewayJSON.string(JSONValue.object(outcome)))
            return
        }
        print("")
        if let newToken { print("Gateway token (shown once; it is in the config file): \(newToken)") }
        print(running ? "The running gateway applies this now (a new token restarts it)." : installed ? "The service runs the gateway." : "Start the gateway:  switchboard gateway" + Self.pathFlags(paths))
        print("WebChat:     \(base)/chat")
        print("Control UI:  \(base)/control" + (newToken != nil || existingToken != nil ? "  (sign in with the gateway token)" : "  (approve the browser with switchboard devices approve)"))
        print("Terminal:    switchboard chat" + Self.pathFlags(paths))
    }

    /// The `--state-dir`/`--config` the user gave, for the commands printed at the end.
    static func pathFlags(_ paths: PathOptions) -> String {
        (paths.stateDir.map { " --state-dir \($0)" } ?? "") + (paths.config.map { " --config \($0)" } ?? "")
    }

    static func serverName(_ url: String) -> String {
        url.contains(":11434") ? "Ollama" : "A local server"
    }
}
