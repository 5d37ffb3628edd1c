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
    /// - Parameter deltaThrottleMs: `agents.defaults.chatDeltaThrottleMs`; 0 makes every
    ///   streamed chunk an event (the stream scenarios), nil keeps the gateway's default (150 ms,
    ///   what a user runs: the main-job scenarios).
    static func config(providerBaseURL: String? = nil, deltaThrottleMs: Int? = 0, extraGateway: String = "", extraTop: String = "") -> String {
        var models = ""
        if let providerBaseURL {
            let throttle = deltaThrottleMs.map { "chatDeltaThrottleMs: \($0), " } ?? ""
            models = """
                , models: { providers: { fake: { baseUrl: "\(providerBaseURL)", models: ["m1"] } } },
                  agents: { defaults: { model: "fake/m1", \(throttle)maxConcurrentRuns: 64 } }
                """
        }
        return """
            { gateway: { auth: { mode: "token" }, tickIntervalMs: 600000 \(extraGateway) } \(models) \(extraTop) }
            """
    }

    /// Starts a gateway in a fresh state dir and waits for `/ready`.
    static func start(
        label: String, providerBaseURL: String? = nil, deltaThrottleMs: Int? = 0, extraGateway: String = "", extraTop: String = ""
    ) async throws -> ServerProcess {
        let server = try ServerProcess.spawnGateway(
            config: config(providerBaseURL: providerBaseURL, deltaThrottleMs: deltaThrottleMs, extraGateway: extraGateway, extraTop: extraTop),
            stateDir: temporaryStateDir(label)
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
