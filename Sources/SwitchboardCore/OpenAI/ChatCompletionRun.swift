import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SwitchboardAgent
import SwitchboardChannels
import SwitchboardProtocol
import Synchronization

/// Runs one `/v1/chat/completions` turn as an ordinary journaled agent run and answers in
/// OpenAI's shape: one `chat.completion`, or with `stream: true` server-sent
/// `chat.completion.chunk`s as the answer streams, ending with `data: [DONE]`.
enum ChatCompletionRun {
    static func respond(_ completion: ChatCompletionRequest, images: [ChatContentBlock], runtime: GatewayRuntime) async throws -> Response {
        let runId = UUID().uuidString.lowercased()
        let deltas = AsyncStream<String>.makeStream(bufferingPolicy: .unbounded)
        var request = RunRequest(
            runId: runId, sessionKey: completion.sessionKey, agentId: completion.agentId, message: completion.message, origin: .agent, connectionId: nil,
            timeoutMs: runtime.configuration.agent.timeoutSeconds * 1000, model: nil, extraSystemPrompt: completion.extraSystemPrompt)
        request.images = images
        if completion.stream { request.observer = DeltaObserver(continuation: deltas.continuation) }
        let handle: RunHandle
        do {
            guard case .started(let started) = try await RunStarter.start(request, agent: runtime.agent, clock: runtime.clock) else {
                throw OpenAIError(status: .conflict, message: "this completion was already accepted", type: "invalid_request_error", code: "duplicate")
            }
            handle = started
        } catch let error as GatewayError {
            let busy = error.code == .unavailable
            throw OpenAIError(
                status: busy ? .tooManyRequests : .badRequest, message: error.message, type: busy ? "rate_limit_exceeded" : "invalid_request_error",
                code: error.details?["code"]?.stringValue)
        }
        let created = runtime.clock.nowMs() / 1000
        let id = "chatcmpl-\(runId)"
        guard completion.stream else {
            await handle.finished.wait()
            let result = handle.result
            if let failure = failure(result) { throw failure }
            return HTTPRoutes.json(
                .ok,
                [
                    "id": .string(id), "object": "chat.completion", "created": .int(created), "model": .string(completion.model),
                    "choices": [["index": 0, "message": ["role": "assistant", "content": .string(result?.text ?? "")], "finish_reason": .string(finishReason(result))]],
                    "usage": usage(result),
                ])
        }
        let chunk: @Sendable (JSONValue, JSONValue?) -> JSONValue = { delta, finish in
            ["id": .string(id), "object": "chat.completion.chunk", "created": .int(created), "model": .string(completion.model),
             "choices": [["index": 0, "delta": delta, "finish_reason": finish ?? .null]]]
        }
        let body = ResponseBody { writer in
            try await withThrowingTaskGroup(of: Void.self) { group in
                // The run's end ends the deltas; this task lives exactly as long as the response.
                group.addTask {
                    await handle.finished.wait()
                    deltas.continuation.finish()
                }
                do {
                    try await writer.write(event(chunk(["role": "assistant", "content": ""], nil)))
                    for await text in deltas.stream { try await writer.write(event(chunk(["content": .string(text)], nil))) }
                    let result = handle.result
                    if let failure = failure(result) {
                        try await writer.write(event(["error": ["message": .string(failure.message), "type": .string(failure.type), "code": failure.code.map { .string($0) } ?? .null]]))
                    } else {
                        try await writer.write(event(chunk([:], .string(finishReason(result)))))
                        if completion.includeUsage {
                            try await writer.write(event(["id": .string(id), "object": "chat.completion.chunk", "created": .int(created), "model": .string(completion.model), "choices": [], "usage": usage(result)]))
                        }
                    }
                    var done = ByteBuffer()
                    done.writeString("data: [DONE]\n\n")
                    try await writer.write(done)
                } catch {
                    // The client went away: stop generating for nobody.
                    handle.abort(reason: "stop")
                    throw error
                }
                try await group.waitForAll()
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok, headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-cache", HTTPField.Name("X-Accel-Buffering")!: "no"], body: body)
    }

    static func event(_ value: JSONValue) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeString("data: \(GatewayJSON.string(value))\n\n")
        return buffer
    }

    static func finishReason(_ result: RunResult?) -> String {
        result?.stopReason == "length" ? "length" : "stop"
    }

    static func usage(_ result: RunResult?) -> JSONValue {
        let input = result?.usage.input ?? 0
        let output = result?.usage.output ?? 0
        return ["prompt_tokens": .int(input), "completion_tokens": .int(output), "total_tokens": .int(input + output)]
    }

    /// A run that did not end well, as OpenAI's error (502: the model provider failed; 504: it
    /// ran out of time; 499-like aborts as 503).
    static func failure(_ result: RunResult?) -> OpenAIError? {
        guard let result else { return OpenAIError(status: .internalServerError, message: "the run ended without a result", type: "server_error", code: "run_failed") }
        switch result.status {
        case .ok: return nil
        case .error:
            return OpenAIError(status: .badGateway, message: "the agent run failed: \(result.errorMessage ?? "unknown error")", type: "server_error", code: result.errorKind ?? "run_failed")
        case .aborted:
            return OpenAIError(status: .gatewayTimeout, message: "the agent run was stopped (\(result.errorMessage ?? "timeout or shutdown"))", type: "server_error", code: "run_aborted")
        }
    }
}

/// Streams a run's text as it is produced.
final class DeltaObserver: ChannelRunObserver, Sendable {
    let continuation: AsyncStream<String>.Continuation

    init(continuation: AsyncStream<String>.Continuation) {
        self.continuation = continuation
    }

    func runStarted(runId: String) {}
    func textDelta(_ delta: String, accumulated: String) { continuation.yield(delta) }
    func toolStarted(name: String, step: Int) {}
    func toolFinished(name: String, success: Bool, preview: String, durationMs: Int) {}
}
