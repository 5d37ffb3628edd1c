/// A server the scenarios measure: the gateway or one of the baselines.
struct BenchTarget: Sendable {
    let key: String
    let baseline: BaselineKind?

    static let gateway = BenchTarget(key: "gateway", baseline: nil)
    static let echo = BenchTarget(key: "echo", baseline: .echo)
    static let codable = BenchTarget(key: "codable", baseline: .codable)
    static let all = [gateway, echo, codable]
    /// Baseline (c) of the main-job scenarios (not in `all`: it answers only `chat.send`).
    static let turn = BenchTarget(key: "turn", baseline: .turn)

    /// Gateway clients authenticate; baseline clients only upgrade.
    var credentials: BenchCredentials? {
        baseline == nil ? BenchCredentials(token: BenchGateway.token) : nil
    }

    func start(
        _ options: BenchOptions, label: String, providerBaseURL: String? = nil, deltaThrottleMs: Int? = 0, extraGateway: String = "", extraTop: String = ""
    ) async throws -> ServerProcess {
        guard let baseline else {
            return try await BenchGateway.start(
                label: label, providerBaseURL: providerBaseURL, deltaThrottleMs: deltaThrottleMs, extraGateway: extraGateway, extraTop: extraTop
            )
        }
        let server = try ServerProcess.spawnBaseline(baseline, threads: options.serverThreads, providerBaseURL: providerBaseURL)
        do {
            try await server.waitUntilReady(path: nil)
        } catch {
            await server.stop()
            throw error
        }
        return server
    }

    /// Starts this server and a load client for it, runs `body`, and stops both whatever happens.
    func with<T>(
        _ options: BenchOptions, label: String, providerBaseURL: String? = nil, deltaThrottleMs: Int? = 0, extraGateway: String = "",
        extraTop: String = "", _ body: (ServerProcess, LoadClient) async throws -> T
    ) async throws -> T {
        let server = try await start(
            options, label: label, providerBaseURL: providerBaseURL, deltaThrottleMs: deltaThrottleMs, extraGateway: extraGateway, extraTop: extraTop
        )
        let client = LoadClient(port: server.port, threads: options.clientThreads)
        do {
            let result = try await body(server, client)
            await client.shutdown()
            await server.stop()
            return result
        } catch {
            await client.shutdown()
            await server.stop()
            throw error
        }
    }
}
