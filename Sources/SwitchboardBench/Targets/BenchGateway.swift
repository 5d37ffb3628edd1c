import Foundation

/// How the scenarios configure the gateway they start.
enum BenchGateway {
    /// The shared token every bench client presents (the gateway reads it from the environment).
    static let token = "switchboard-bench-token-0123456789"

    /// A fresh temporary state dir.
    static func temporaryStateDir(_ label: String) -> String {
        NSTemporaryDirectory() + "sb-bench-\(label)-\(UUID().uuidString.prefix(8))"
    }

    /// Config: token auth, long ticks (no keepalive noise in the figures), and a fake provider
    /// when `providerBaseURL` is given (chat deltas unthrottled so every chunk is an event).
    static func config(providerBaseURL: String? = nil, extraGateway: String = "", extraTop: String = "") -> String {
        var models = ""
        if let providerBaseURL {
            models = """
                , models: { providers: { fake: { baseUrl: "\(providerBaseURL)", models: ["m1"] } } },
                  agents: { defaults: { model: "fake/m1", chatDeltaThrottleMs: 0, maxConcurrentRuns: 64 } }
                """
        }
        return """
            { gateway: { auth: { mode: "token" }, tickIntervalMs: 600000 \(extraGateway) } \(models) \(extraTop) }
            """
    }

    /// Starts a gateway in a fresh state dir and waits for `/ready`.
    static func start(label: String, providerBaseURL: String? = nil, extraGateway: String = "", extraTop: String = "") async throws -> ServerProcess {
        let server = try ServerProcess.spawnGateway(
            config: config(providerBaseURL: providerBaseURL, extraGateway: extraGateway, extraTop: extraTop), stateDir: temporaryStateDir(label)
        )
        do {
            try await server.waitUntilReady()
        } catch {
            await server.stop()
            throw error
        }
        return server
    }
}
