import Foundation
import NIOHTTP1
import SwitchboardProtocol

/// `POST {baseUrl}/chat/completions` with `stream: true`: OpenAI, Ollama, llama.cpp server,
/// vLLM, OpenRouter and anything else that speaks the Chat Completions SSE dialect.
public struct OpenAICompatibleProvider: LLMProvider {
    public let id: String
    let baseURL: String
    let apiKey: String?
    let extraHeaders: [String: String]
    let http: ProviderHTTP

    /// - Parameter baseURL: up to and including the version path, e.g. `https://api.openai.com/v1`.
    public init(id: String, baseURL: String, apiKey: String?, extraHeaders: [String: String] = [:], http: ProviderHTTP) {
        self.id = id
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiKey = apiKey
        self.extraHeaders = extraHeaders
        self.http = http
    }

    public func stream(_ request: CompletionRequest, into sink: (CompletionEvent) async throws -> Void) async throws {
        var headers = HTTPHeaders([("content-type", "application/json"), ("accept", "text/event-stream")])
        if let apiKey, !apiKey.isEmpty { headers.add(name: "authorization", value: "Bearer \(apiKey)") }
        for (name, value) in extraHeaders { headers.add(name: name, value: value) }
        let target = ProviderHTTP.Target(
            providerId: id, model: request.model, url: baseURL + "/chat/completions", headers: headers, secret: apiKey,
            keyHint: "models.providers.\(id).apiKey\(id == "openai" ? " or OPENAI_API_KEY" : "")"
        )
        let body = Self.body(for: request).jsonData
        var state = StreamState()
        try await http.streamSSE(target, body: body) { event in
            try await state.consume(event, target: target, sink: sink)
        }
        try await state.finish(target: target, sink: sink)
    }

    static func body(for request: CompletionRequest) -> JSONValue {
        var messages: [JSONValue] = []
        for message in request.messages {
            switch message.role {
            case .system, .user:
                guard !message.images.isEmpty else {
                    messages.append(["role": .string(message.role.rawValue), "content": .string(message.text)])
                    continue
                }
                // Images as content parts (OpenAI's vision format, which compatible servers share).
                var parts: [JSONValue] = message.text.isEmpty ? [] : [["type": "text", "text": .string(message.text)]]
                for image in message.images {
                    parts.append(["type": "image_url", "image_url": ["url": .string("data:\(image.mediaType);base64,\(image.base64)")]])
                }
                messages.append(["role": .string(message.role.rawValue), "content": .array(parts)])
            case .assistant:
                var object: [String: JSONValue] = ["role": "assistant", "content": message.text.isEmpty && !message.toolCalls.isEmpty ? .null : .string(message.text)]
                if !message.toolCalls.isEmpty {
                    object["tool_calls"] = .array(
                        message.toolCalls.map { call in
                            ["id": .string(call.id), "type": "function", "function": ["name": .string(call.name), "arguments": .string(call.argumentsJSON)]]
                        }
                    )
                }
                messages.append(.object(object))
            case .tool:
                messages.append(["role": "tool", "tool_call_id": .string(message.toolCallId ?? ""), "content": .string(message.text)])
            }
        }
        var body: [String: JSONValue] = [
            "model": .string(request.model), "messages": .array(messages), "stream": true, "stream_options": ["include_usage": true],
        ]
        if !request.tools.isEmpty {
            body["tools"] = .array(
                request.tools.map { tool in
                    ["type": "function", "function": ["name": .string(tool.name), "description": .string(tool.description), "parameters": tool.parameters]]
                }
            )
        }
        if let maxTokens = request.maxOutputTokens { body["max_tokens"] = .int(maxTokens) }
        if let temperature = request.temperature { body["temperature"] = .double(temperature) }
        return .object(body)
    }

    /// The pieces of one streamed answer, assembled across chunks.
    struct StreamState {
        private var toolCalls: [Int: (id: String, name: String, arguments: String)] = [:]
        private var stopReason: StopReason?
        private var usage = TokenUsage()
        private var done = false

        mutating func consume(_ event: SSEEvent, target: ProviderHTTP.Target, sink: (CompletionEvent) async throws -> Void) async throws {
            let data = event.data.trimmingBlanks
            if data == "[DONE]" {
                done = true
                return
            }
            guard !data.isEmpty else { return }
            let chunk: Chunk
            do {
                chunk = try TextChunkReader.read(data) ?? GatewayJSON.decoder.decode(Chunk.self, from: Data(data.utf8))
            } catch {
                throw ProviderError(.badResponse, "provider \(target.providerId) sent a stream chunk that is not Chat Completions JSON")
            }
            if let error = chunk.error {
                throw ProviderError(.serverError, "provider \(target.providerId) reported an error mid-stream: \(error.message ?? "unknown")")
            }
            if let usage = chunk.usage {
                self.usage = TokenUsage(input: usage.prompt_tokens ?? 0, output: usage.completion_tokens ?? 0)
            }
            for choice in chunk.choices ?? [] {
                if let content = choice.delta?.content, !content.isEmpty { try await sink(.textDelta(content)) }
                for call in choice.delta?.tool_calls ?? [] {
                    let index = call.index ?? toolCalls.count
                    var entry = toolCalls[index] ?? (id: "", name: "", arguments: "")
                    if let id = call.id, !id.isEmpty { entry.id = id }
                    if let name = call.function?.name, !name.isEmpty { entry.name += name }
                    if let arguments = call.function?.arguments { entry.arguments += arguments }
                    toolCalls[index] = entry
                }
                if let reason = choice.finish_reason {
                    stopReason = Self.stopReason(reason)
                }
            }
        }

        mutating func finish(target: ProviderHTTP.Target, sink: (CompletionEvent) async throws -> Void) async throws {
            guard done || stopReason != nil else {
                throw ProviderError(.transport, "provider \(target.providerId) closed the stream before the answer was complete (model \(target.model))")
            }
            for index in toolCalls.keys.sorted() {
                guard let call = toolCalls[index] else { continue }
                let id = call.id.isEmpty ? "call_\(index)_\(UUID().uuidString.prefix(8).lowercased())" : call.id
                try await sink(.toolCall(ToolCall(id: id, name: call.name, argumentsJSON: call.arguments)))
            }
            let reason = !toolCalls.isEmpty ? StopReason.toolCalls : (stopReason ?? .stop)
            try await sink(.finished(reason, usage))
        }

        static func stopReason(_ text: String) -> StopReason {
            switch text {
            case "length", "max_tokens": .length
            case "tool_calls", "function_call": .toolCalls
            case "content_filter": .contentFilter
            default: .stop
            }
        }
    }

    // Wire shapes of one streamed chunk (snake_case as sent).
    struct Chunk: Decodable, Equatable {
        var choices: [Choice]?
        var usage: Usage?
        var error: APIError?
    }
    struct Choice: Decodable, Equatable {
        var delta: Delta?
        var finish_reason: String?
    }
    struct Delta: Decodable, Equatable {
        var content: String?
        var tool_calls: [ToolCallDelta]?
    }
    struct ToolCallDelta: Decodable, Equatable {
        var index: Int?
        var id: String?
        var function: FunctionDelta?
    }
    struct FunctionDelta: Decodable, Equatable {
        var name: String?
        var arguments: String?
    }
    struct Usage: Decodable, Equatable {
        var prompt_tokens: Int?
        var completion_tokens: Int?
    }
    struct APIError: Decodable, Equatable {
        var message: String?
    }
}
