import Foundation
import SwitchboardClient
import SwitchboardProtocol
import SwitchboardTesting
import Testing

/// Attachments on `chat.send` and `agent`: images reach the providers in their own formats,
/// text files become text, anything else is refused by name, and history shows them.
@Suite("Attachments", .timeLimit(.minutes(1)))
struct AttachmentTests {
    /// A 1×1 PNG.
    static let png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="

    static func attachment(_ content: String, mime: String?, name: String, type: String? = nil) -> JSONValue {
        var object: [String: JSONValue] = ["fileName": .string(name), "content": .string(content)]
        if let mime { object["mimeType"] = .string(mime) }
        if let type { object["type"] = .string(type) }
        return .object(object)
    }

    @Test("an image reaches an OpenAI-compatible provider as an image_url part and an Anthropic one as an image block; history shows it")
    func imagesReachProviders() async throws {
        try await FakeModelServer.with { model in
            model.enqueue(.text(["a dot"]), .text(["still a dot"]), .text(["yes"]))
            try await TestGateway.with(config: modelConfig(model)) { gateway in
                try await gateway.withClient { client in
                    let image = Self.attachment(Self.png, mime: "image/png", name: "dot.png", type: "image")
                    let sent = try await client.callRaw(
                        method: "chat.send", params: ["sessionKey": "pics", "message": "what is this?", "idempotencyKey": "img-1", "attachments": [image]]
                    )
                    #expect(sent.ok, "\(String(describing: sent.error))")
                    _ = try await client.chatEvents(runId: "img-1")
                    let agent = try await client.callRaw(
                        method: "agent",
                        params: ["message": "", "sessionKey": "claude", "model": "claude/c1", "idempotencyKey": "img-2", "attachments": [["content": .string("data:image/png;base64," + Self.png)]]],
                        expectFinal: true
                    )
                    #expect(agent.ok && agent.payload?["status"] == "ok", "\(String(describing: agent.error))")
                    let history = try await client.callRaw(method: "chat.history", params: ["sessionKey": "pics"])
                    let user = try #require(history.payload?["messages"]?.arrayValue?.first { $0["role"] == "user" })
                    let block = try #require(user["content"]?.arrayValue?.first { $0["type"] == "image" })
                    #expect(block["omitted"] == true && block["mimeType"] == "image/png" && block["fileName"] == "dot.png" && block["bytes"] == 70)
                    #expect(block["data"] == nil)
                    // A later turn does not send the earlier image again, only its name.
                    _ = try await client.callRaw(method: "chat.send", params: ["sessionKey": "pics", "message": "same one?", "idempotencyKey": "img-3"])
                    _ = try await client.chatEvents(runId: "img-3")
                }
            }
            let later = try #require(model.requests.last?["messages"]?.arrayValue)
            #expect(later.first { $0["role"] == "user" }?["content"] == "what is this?\n[earlier image: dot.png]")
            #expect(!GatewayJSON.string(later).contains("image_url"))
            let openAI = try #require(model.requests.first?["messages"]?.arrayValue?.last)
            #expect(openAI["content"]?[0]?["text"] == "what is this?")
            #expect(openAI["content"]?[1]?["image_url"]?["url"] == .string("data:image/png;base64," + Self.png))
            let anthropic = try #require(model.requests.dropLast().last?["messages"]?.arrayValue?.last)
            #expect(anthropic["content"]?[0]?["type"] == "image" && anthropic["content"]?[0]?["source"]?["media_type"] == "image/png")
            #expect(anthropic["content"]?[0]?["source"]?["data"] == .string(Self.png))
        }
    }

    @Test("a text file becomes text after the message; a PDF, a lie about the type and an oversized file are refused by name")
    func textAndRefusals() async throws {
        try await FakeModelServer.with { model in
            let config = modelConfig(model, extra: "").replacingOccurrences(of: "chatDeltaThrottleMs: 0", with: "chatDeltaThrottleMs: 0, attachmentMaxBytes: 2048")
            try await TestGateway.with(config: config) { gateway in
                try await gateway.withClient { client in
                    let notes = Self.attachment(Data("remember the milk".utf8).base64EncodedString(), mime: "text/plain", name: "notes.txt")
                    let sent = try await client.callRaw(
                        method: "chat.send", params: ["sessionKey": "files", "message": "summarise", "idempotencyKey": "txt-1", "attachments": [notes]]
                    )
                    #expect(sent.ok)
                    _ = try await client.chatEvents(runId: "txt-1")

                    func refusal(_ item: JSONValue, key: String) async throws -> String {
                        let answer = try await client.callRaw(
                            method: "chat.send", params: ["sessionKey": "files", "message": "x", "idempotencyKey": .string(key), "attachments": [item]]
                        )
                        return answer.error?.message ?? "accepted"
                    }
                    let pdf = Self.attachment(Data("%PDF-1.7 binary\u{0}\u{1}".utf8).base64EncodedString(), mime: "application/pdf", name: "a.pdf")
                    #expect(try await refusal(pdf, key: "r1") == "invalid params: attachments[0]: application/pdf is not supported; send images (png, jpeg, gif, webp) or text files")
                    let lie = Self.attachment(Self.png, mime: "image/jpeg", name: "dot.jpg")
                    #expect(try await refusal(lie, key: "r2") == "invalid params: attachments[0]: declared image/jpeg but the data is image/png")
                    let big = Self.attachment(Data(repeating: 65, count: 4096).base64EncodedString(), mime: "text/plain", name: "big.txt")
                    #expect(try await refusal(big, key: "r3").contains("over the 2048-byte limit (agents.defaults.attachmentMaxBytes)"))
                    #expect(try await refusal(.string("x"), key: "r4") == "invalid params: attachments[0]: expected an object")
                }
            }
            let user = try #require(model.requests.first?["messages"]?.arrayValue?.last?["content"]?.stringValue)
            #expect(user == "summarise\n\n[Attached file: notes.txt]\nremember the milk")
            #expect(model.requests.count == 1)
        }
    }
}
