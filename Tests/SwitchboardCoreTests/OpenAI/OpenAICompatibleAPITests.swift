import Foundation
import SwitchboardProtocol
import SwitchboardTesting
import Testing

/// The OpenAI-compatible HTTP API, driven by the official `openai` Python SDK (a real client):
/// models list, a completion in a kept session, streaming with usage, an image as a data URL,
/// and each refusal as the SDK's typed error.
@Suite(.timeLimit(.minutes(2)))
struct OpenAICompatibleAPITests {
    static let token = "openai-api-token-0123456789abcdef"

    @Test("the openai SDK lists the agents, completes, streams, sends an image; a wrong key, an unknown model, an image URL to fetch and a non-user last message are refused")
    func officialSDK() async throws {
        try await FakeModelServer.with { model in
            model.enqueue(.text(["Forty", "-two."]), .text(["Second ", "answer ", "streamed."]), .text(["A tiny picture."]))
            let config = modelConfig(model, extra: #"gateway: { auth: { token: "\#(Self.token)" }, http: { endpoints: { chatCompletions: { enabled: true } } } },"#)
            try await TestGateway.with(config: config) { gateway in
                let script = FileManager.default.currentDirectoryPath + "/Tests/tools/openai_client.py"
                let process = try ChildProcess(
                    executable: "/usr/bin/env", arguments: ["python3", script, gateway.httpBase + "/v1", Self.token], environment: ProcessInfo.processInfo.environment)
                defer { process.terminate() }
                let code = try await process.waitForExit(timeout: .seconds(90))
                let output = await process.remainingOutput()
                #expect(code == 0, "\(output)")
                #expect(output.contains("MODELS switchboard/main"), "\(output)")
                #expect(output.contains("REPLY Forty-two. | finish=stop | id=chatcmpl-"), "\(output)")
                #expect(output.contains("STREAM Second answer streamed. | chunks=3 | finish=stop"), "\(output)")
                #expect(output.contains("IMAGE A tiny picture."), "\(output)")
                #expect(output.contains("AUTH REFUSED 401"), "\(output)")
                #expect(output.contains("MODEL REFUSED 404") && output.contains("switchboard/<agentId>"), "\(output)")
                #expect(output.contains("FETCH REFUSED 400") && output.contains("only data: URLs"), "\(output)")
                #expect(output.contains("LAST REFUSED 400") && output.contains("the last message must be the user's"), "\(output)")
            }
            #expect(model.requests.count == 3)
            let first = GatewayJSON.string(model.requests[0])
            #expect(first.contains("Answer briefly.") && first.contains("first question"), "the system message reaches the model")
            let second = GatewayJSON.string(try unwrap(model.requests.dropFirst().first))
            #expect(second.contains("first question") && second.contains("Forty-two.") && second.contains("second question"), "user alice keeps one session")
            let third = GatewayJSON.string(model.requests[2])
            #expect(third.contains("image_url") && !third.contains("first question"), "the image reaches the model, in a session of its own")
        }
    }

    @Test("one model by id; a body over maxBodyBytes is refused before it is read (413); no key is 401 with WWW-Authenticate")
    func limitsAndModel() async throws {
        let config = #"{ gateway: { auth: { token: "\#(Self.token)" }, http: { endpoints: { chatCompletions: { enabled: true, maxBodyBytes: 2048 } } } } }"#
        try await TestGateway.with(config: config) { gateway in
            let auth = ["Authorization": "Bearer \(Self.token)"]
            let model = try await PlainHTTP.get(port: gateway.port, path: "/v1/models/switchboard/main", headers: auth)
            #expect(model.status == 200 && model.body.contains(#""id":"switchboard/main""#), "\(model.body)")
            let missing = try await PlainHTTP.get(port: gateway.port, path: "/v1/models/switchboard/nobody", headers: auth)
            #expect(missing.status == 404 && missing.body.contains("model_not_found"))
            let big = try await PlainHTTP.post(port: gateway.port, path: "/v1/chat/completions", headers: auth, body: String(repeating: "x", count: 4096))
            #expect(big.status == 413 && big.body.contains("maxBodyBytes"), "\(big.body)")
            let anonymous = try await PlainHTTP.get(port: gateway.port, path: "/v1/models")
            #expect(anonymous.status == 401 && anonymous.headers["www-authenticate"] != nil && anonymous.body.contains("invalid_api_key"), "\(anonymous)")
        }
    }

    @Test("off by default: /v1/chat/completions is not served")
    func offByDefault() async throws {
        try await TestGateway.with { gateway in
            let response = try await PlainHTTP.post(port: gateway.port, path: "/v1/chat/completions", body: #"{"model":"switchboard/main","messages":[]}"#)
            #expect(response.status == 404)
        }
    }
}
