import AsyncHTTPClient
import Foundation
import Logging
import Synchronization
import SwitchboardAgent
import SwitchboardProtocol
import SwitchboardTesting
import Testing

/// The tool loop against the real OpenAI-compatible client and a fake server.
@Suite(.timeLimit(.minutes(1)))
struct AgentLoopTests {
    func loop(_ server: FakeModelServer, client: HTTPClient, limits: AgentLoopLimits) throws -> AgentLoop {
        let http = ProviderHTTP(client: client, retry: RetryPolicy(baseDelayMs: 1), timeouts: .init(), logger: Logger(label: "t"))
        let catalog = ModelCatalog(providers: [ProviderSettings(id: "fake", api: .openai, baseURL: server.baseURL, models: [ModelSettings(id: "m")])], defaultModel: nil, http: http)
        return AgentLoop(model: try catalog.resolve(nil), tools: ToolRegistry([CurrentTimeTool()]), limits: limits)
    }

    let context = ToolContext(runId: "r", sessionKey: "s", workspace: NSTemporaryDirectory(), logger: Logger(label: "t"))

    @Test func aLengthStopIsContinuedAndToolLoopsAreBounded() async throws {
        let client = ProviderHTTP.makeClient(timeouts: .init())
        try await FakeModelServer.with { server in
            server.enqueue(.length(["part one "]), .text(["part two"]))
            let continued = try await loop(server, client: client, limits: .init()).run(messages: [.user("write")], context: context) { _ in }
            #expect(continued.text == "part one part two" && continued.modelCalls == 2 && continued.stopReason == "stop")
            #expect(server.requests[1]["messages"]?.arrayValue?.last?["content"]?.stringValue?.contains("cut off") == true)

            let call = FakeToolCall(id: "t", name: "current_time", arguments: "{}")
            server.enqueue(.toolCalls([call]), .toolCalls([call]), .text(["never reached"]))
            let bounded = try await loop(server, client: client, limits: .init(maxToolIterations: 2)).run(messages: [.user("loop")], context: context) { _ in }
            #expect(bounded.stopReason == "max_iterations" && bounded.toolCalls == 2 && bounded.modelCalls == 2)
        }
        try await client.shutdown()
    }

    @Test func serverErrorsAreRetried() async throws {
        // A generous idle timeout: this test is about retries, and a loaded box must not turn a reply into a timeout.
        let client = ProviderHTTP.makeClient(timeouts: .init(idleMs: 10_000))
        try await shuttingDown(client) {
            try await FakeModelServer.with { server in
                server.enqueue(.status(503, body: "busy"), .status(500, body: "oops"), .text(["third time"]))
                let ok = try await loop(server, client: client, limits: .init()).run(messages: [.user("x")], context: context) { _ in }
                #expect(ok.text == "third time" && server.requests.count == 3)
            }
        }
    }

    @Test func idleStreamsTimeOut() async throws {
        let client = ProviderHTTP.makeClient(timeouts: .init(idleMs: 300))
        try await shuttingDown(client) {
            try await FakeModelServer.with { server in
                // Every attempt is slow: a timeout before the response head is retried, and a
                // fast retry would hide the timeout.
                server.setDefault(.text(["slow"], delayMs: 2_000))
                await #expect {
                    _ = try await loop(server, client: client, limits: .init()).run(messages: [.user("x")], context: context) { _ in }
                } throws: { error in
                    (error as? ProviderError)?.kind == .timeout
                }
            }
        }
    }

    /// Runs `body`, then shuts the client down even when `body` threw (a client dropped
    /// without shutdown is a fatal error in debug builds).
    private func shuttingDown(_ client: HTTPClient, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    @Test func standardVariablesAddProvidersAndKeys() {
        let configured = [ProviderSettings(id: "openai", api: .openai, baseURL: "http://proxy/v1")]
        let merged = ProviderSettings.merging(
            configured: configured,
            environment: ["OPENAI_API_KEY": "k1", "ANTHROPIC_API_KEY": "k2", "ANTHROPIC_BASE_URL": "http://a", "OLLAMA_HOST": "127.0.0.1:11434"]
        )
        #expect(merged.map(\.id) == ["openai", "anthropic", "ollama"])
        #expect(merged[0].apiKey == "k1" && merged[0].baseURL == "http://proxy/v1")
        #expect(merged[1].api == .anthropic && merged[1].baseURL == "http://a" && merged[1].apiKey == "k2")
        #expect(merged[2].baseURL == "http://127.0.0.1:11434/v1" && merged[2].apiKey == nil)
        #expect(ProviderSettings.merging(configured: [], environment: [:]).isEmpty)
    }
}
