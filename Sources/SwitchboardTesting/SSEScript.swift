import Foundation
import SwitchboardProtocol

/// Renders a ``FakeReply`` as the SSE byte stream each API sends.
enum SSEScript {
    enum Step: Sendable {
        case data(String)
        case pause(Int)
        case wait(Gate)
        case cut
    }

    static func events(for reply: FakeReply, dialect: FakeModelServer.Dialect) -> [Step] {
        switch dialect {
        case .openAI: openAI(reply)
        case .anthropic: anthropic(reply)
        }
    }

    static func sse(_ value: JSONValue, event: String? = nil) -> Step {
        let data = GatewayJSON.string(value)
        return .data((event.map { "event: \($0)\n" } ?? "") + "data: \(data)\n\n")
    }

    static func openAI(_ reply: FakeReply) -> [Step] {
        func chunk(_ delta: JSONValue, finish: String? = nil) -> Step {
            sse(["id": "chatcmpl-fake", "object": "chat.completion.chunk", "choices": [["index": 0, "delta": delta, "finish_reason": finish.map { .string($0) } ?? .null]]])
        }
        let usage = sse(["id": "chatcmpl-fake", "choices": [], "usage": ["prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18]])
        switch reply {
        case .echo:
            return openAI(.text(["echo"]))
        case .held(let chunks, let gate):
            return held(openAI(.text(chunks)), gate: gate, after: 2)
        case .text(let chunks, let delayMs):
            var steps: [Step] = [chunk(["role": "assistant", "content": ""])]
            for text in chunks {
                if delayMs > 0 { steps.append(.pause(delayMs)) }
                steps.append(chunk(["content": .string(text)]))
            }
            return steps + [chunk([:], finish: "stop"), usage, .data("data: [DONE]\n\n")]
        case .length(let chunks):
            return chunks.map { chunk(["content": .string($0)]) } + [chunk([:], finish: "length"), usage, .data("data: [DONE]\n\n")]
        case .toolCalls(let calls):
            var steps: [Step] = []
            for (index, call) in calls.enumerated() {
                steps.append(chunk(["tool_calls": [["index": .int(index), "id": .string(call.id), "type": "function", "function": ["name": .string(call.name), "arguments": ""]]]]))
                // Arguments arrive in two pieces, as real servers split them.
                let half = call.arguments.index(call.arguments.startIndex, offsetBy: call.arguments.count / 2)
                steps.append(chunk(["tool_calls": [["index": .int(index), "function": ["arguments": .string(String(call.arguments[..<half]))]]]]))
                steps.append(chunk(["tool_calls": [["index": .int(index), "function": ["arguments": .string(String(call.arguments[half...]))]]]]))
            }
            return steps + [chunk([:], finish: "tool_calls"), usage, .data("data: [DONE]\n\n")]
        case .disconnect(let chunks):
            return chunks.map { chunk(["content": .string($0)]) } + [.pause(20), .cut]
        case .status:
            return []
        }
    }

    static func anthropic(_ reply: FakeReply) -> [Step] {
        let start = sse(["type": "message_start", "message": ["id": "msg_fake", "role": "assistant", "usage": ["input_tokens": 11, "output_tokens": 1]]], event: "message_start")
        func stop(_ reason: String) -> [Step] {
            [
                sse(["type": "message_delta", "delta": ["stop_reason": .string(reason)], "usage": ["output_tokens": 7]], event: "message_delta"),
                sse(["type": "message_stop"], event: "message_stop"),
            ]
        }
        func textBlock(_ chunks: [String], delayMs: Int = 0) -> [Step] {
            var steps: [Step] = [sse(["type": "content_block_start", "index": 0, "content_block": ["type": "text", "text": ""]], event: "content_block_start")]
            for text in chunks {
                if delayMs > 0 { steps.append(.pause(delayMs)) }
                steps.append(sse(["type": "content_block_delta", "index": 0, "delta": ["type": "text_delta", "text": .string(text)]], event: "content_block_delta"))
            }
            return steps + [sse(["type": "content_block_stop", "index": 0], event: "content_block_stop")]
        }
        switch reply {
        case .echo:
            return anthropic(.text(["echo"]))
        case .held(let chunks, let gate):
            return held(anthropic(.text(chunks)), gate: gate, after: 4)
        case .text(let chunks, let delayMs):
            return [start, .data("event: ping\ndata: {\"type\": \"ping\"}\n\n")] + textBlock(chunks, delayMs: delayMs) + stop("end_turn")
        case .length(let chunks):
            return [start] + textBlock(chunks) + stop("max_tokens")
        case .toolCalls(let calls):
            var steps: [Step] = [start]
            for (offset, call) in calls.enumerated() {
                let index = JSONValue.int(offset)
                steps.append(sse(["type": "content_block_start", "index": index, "content_block": ["type": "tool_use", "id": .string(call.id), "name": .string(call.name), "input": [:]]], event: "content_block_start"))
                steps.append(sse(["type": "content_block_delta", "index": index, "delta": ["type": "input_json_delta", "partial_json": .string(call.arguments)]], event: "content_block_delta"))
                steps.append(sse(["type": "content_block_stop", "index": index], event: "content_block_stop"))
            }
            return steps + stop("tool_use")
        case .disconnect(let chunks):
            return [start] + Array(textBlock(chunks).dropLast()) + [.pause(20), .cut]
        case .status:
            return []
        }
    }

    /// Inserts a wait on `gate` after the first `firstChunk` steps of a rendered text reply
    /// (OpenAI: role, first chunk; Anthropic: start, ping, block start, first delta).
    static func held(_ steps: [Step], gate: Gate, after firstChunk: Int) -> [Step] {
        var result = steps
        result.insert(.wait(gate), at: min(firstChunk, steps.count))
        return result
    }
}
