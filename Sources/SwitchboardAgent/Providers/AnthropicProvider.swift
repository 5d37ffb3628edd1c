import Foundation
import NIOHTTP1
import SwitchboardProtocol

/// `POST {baseUrl}/v1/messages` with `stream: true` and tool use (Anthropic Messages API).
public struct AnthropicProvider: LLMProvider {
    public let id: String
    let baseURL: String
    let apiKey: String?
    let defaultMaxTokens: Int
    let http: ProviderHTTP

    public static let apiVersion = "2023-06-01"

    /// - Parameter baseURL: e.g. `https://api.anthropic.com` (a trailing `/v1` is accepted too).
    public init(id: String, baseURL: String, apiKey: String?, defaultMaxTokens: Int = 4096, http: ProviderHTTP) {
        var base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        if base.hasSuffix("/v1") { base = String(base.dropLast(3)) }
        self.id = id
        self.baseURL = base
        self.apiKey = apiKey
        self.defaultMaxTokens = defaultMaxTokens
        self.http = http
    }

    public func stream(_ request: CompletionRequest, into sink: (CompletionEvent) async throws -> Void) async throws {
        var headers = HTTPHeaders([
            ("content-type", "application/json"), ("accept", "text/event-stream"), ("anthropic-version", Self.apiVersion),
        ])
        if let apiKey, !apiKey.isEmpty { headers.add(name: "x-api-key", value: apiKey) }
        let target = ProviderHTTP.Target(
            providerId: id, model: request.model, url: baseURL + "/v1/messages", headers: headers, secret: apiKey,
            keyHint: "models.providers.\(id).apiKey\(id == "anthropic" ? " or ANTHROPIC_API_KEY" : "")"
        )
        let body = body(for: request).jsonData
        var state = StreamState()
        try await http.streamSSE(target, body: body) { event in
            try await state.consume(event, target: target, sink: sink)
        }
        try await state.finish(target: target, sink: sink)
    }

    func body(for request: CompletionRequest) -> JSONValue {
        var system: [String] = []
        var messages: [(role: String, blocks: [JSONValue])] = []
        func append(_ role: String, _ blocks: [JSONValue]) {
            guard !blocks.isEmpty else { return }
            if let last = messages.last, last.role == role {
                messages[messages.count - 1].blocks += blocks
            } else {
                messages.append((role, blocks))
            }
        }
        for message in request.messages {
            switch message.role {
            case .system:
                system.append(message.text)
            case .user:
                var blocks: [JSONValue] = message.images.map { image in
                    ["type": "image", "source": ["type": "base64", "media_type": .string(image.mediaType), "data": .string(image.base64)]]
                }
                if !message.text.isEmpty || blocks.isEmpty { blocks.append(["type": "text", "text": .string(message.text)]) }
                append("user", blocks)
            case .assistant:
                var blocks: [JSONValue] = []
                if !message.text.isEmpty { blocks.append(["type": "text", "text": .string(message.text)]) }
                for call in message.toolCalls {
                    blocks.append(["type": "tool_use", "id": .string(call.id), "name": .string(call.name), "input": call.arguments ?? .object([:])])
                }
                append("assistant", blocks)
            case .tool:
                append(
                    "user",
                    [["type": "tool_result", "tool_use_id": .string(message.toolCallId ?? ""), "content": .string(message.text), "is_error": .bool(message.isError)]]
                )
            }
        }
        var body: [String: JSONValue] = [
            "model": .string(request.model),
            "max_tokens": .int(request.maxOutputTokens ?? defaultMaxTokens),
            "stream": true,
            "messages": .array(messages.map { ["role": .string($0.role), "content": .array($0.blocks)] }),
        ]
        if !system.isEmpty { body["system"] = .string(system.joined(separator: "\n\n")) }
        if !request.tools.isEmpty {
            body["tools"] = .array(
                request.tools.map { ["name": .string($0.name), "description": .string($0.description), "input_schema": $0.parameters] }
            )
        }
        if let temperature = request.temperature { body["temperature"] = .double(temperature) }
        return .object(body)
    }

    struct StreamState {
        private var toolBlocks: [Int: (id: String, name: String, json: String)] = [:]
        private var toolOrder: [Int] = []
        private var usage = TokenUsage()
        private var stopReason: StopReason?
        private var stopped = false

        mutating func consume(_ event: SSEEvent, target: ProviderHTTP.Target, sink: (CompletionEvent) async throws -> Void) async throws {
            guard event.event != "ping" else { return }
            let payload: Payload
            do {
                payload = try GatewayJSON.decoder.decode(Payload.self, from: Data(event.data.utf8))
            } catch {
                throw ProviderError(.badResponse, "provider \(target.providerId) sent a stream event that is not Messages API JSON")
            }
            switch payload.type ?? event.event {
            case "message_start":
                if let usage = payload.message?.usage { self.usage.input = usage.input_tokens ?? 0 }
            case "content_block_start":
                if let block = payload.content_block, block.type == "tool_use", let index = payload.index {
                    toolBlocks[index] = (block.id ?? "toolu_\(index)", block.name ?? "", "")
                    toolOrder.append(index)
                }
            case "content_block_delta":
                guard let delta = payload.delta else { return }
                if delta.type == "text_delta", let text = delta.text, !text.isEmpty {
                    try await sink(.textDelta(text))
                } else if delta.type == "input_json_delta", let index = payload.index, let partial = delta.partial_json {
                    toolBlocks[index]?.json += partial
                }
            case "message_delta":
                if let reason = payload.delta?.stop_reason { stopReason = Self.stopReason(reason) }
                if let output = payload.usage?.output_tokens { usage.output = output }
            case "message_stop":
                stopped = true
            case "error":
                let message = payload.error?.message ?? "unknown error"
                let kind: ProviderError.Kind = payload.error?.type == "overloaded_error" ? .serverError : .badResponse
                throw ProviderError(kind, "provider \(target.providerId) reported an error mid-stream: \(message)")
            default:
                break
            }
        }

        mutating func finish(target: ProviderHTTP.Target, sink: (CompletionEvent) async throws -> Void) async throws {
            guard stopped || stopReason != nil else {
                throw ProviderError(.transport, "provider \(target.providerId) closed the stream before the answer was complete (model \(target.model))")
            }
            for index in toolOrder {
                guard let block = toolBlocks[index] else { continue }
                try await sink(.toolCall(ToolCall(id: block.id, name: block.name, argumentsJSON: block.json)))
            }
            try await sink(.finished(toolOrder.isEmpty ? (stopReason ?? .stop) : .toolCalls, usage))
        }

        static func stopReason(_ text: String) -> StopReason {
            switch text {
            case "max_tokens": .length
            case "tool_use": .toolCalls
            case "refusal": .contentFilter
            default: .stop
            }
        }
    }

    struct Payload: Decodable {
        var type: String?
        var index: Int?
        var message: Message?
        var content_block: Block?
        var delta: Delta?
        var usage: Usage?
        var error: APIError?
    }
    struct Message: Decodable { var usage: Usage? }
    struct Block: Decodable {
        var type: String
        var id: String?
        var name: String?
    }
    struct Delta: Decodable {
        var type: String?
        var text: String?
        var partial_json: String?
        var stop_reason: String?
    }
    struct Usage: Decodable {
        var input_tokens: Int?
        var output_tokens: Int?
    }
    struct APIError: Decodable {
        var type: String?
        var message: String?
    }
}
