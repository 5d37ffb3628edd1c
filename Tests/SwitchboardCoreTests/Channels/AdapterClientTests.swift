import Foundation
import SwitchboardClient
import SwitchboardProtocol
import SwitchboardTesting
import Testing

/// Adapters as their authors ship them: Clara's client (register on `/`, read one frame) and the
/// seed document's example adapter, both real Python `websockets` clients; and the fields both
/// protocols read.
@Suite("Clara and seed adapters", .timeLimit(.minutes(1)))
struct AdapterClientTests {
    static func config(_ model: FakeModelServer, firstFrameWaitMs: Int = 5_000) -> String {
        modelConfig(model, extra: "gateway: { firstFrameWaitMs: \(firstFrameWaitMs) }, channels: { adapter: { dmPolicy: \"open\" } },")
    }

    /// Runs `Tests/tools/clara_adapter.py MODE URL` and returns its JSON result.
    static func runAdapter(_ mode: String, url: String) async throws -> JSONValue {
        let directory = TestGateway.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let out = directory + "/result.json"
        let script = FileManager.default.currentDirectoryPath + "/Tests/tools/clara_adapter.py"
        let process = try ChildProcess(executable: "/usr/bin/env", arguments: ["python3", script, mode, url, out], environment: ProcessInfo.processInfo.environment)
        defer { process.terminate() }
        let code = try await process.waitForExit(timeout: .seconds(40))
        guard code == 0, let data = FileManager.default.contents(atPath: out) else {
            throw Missing(what: "adapter result (exit \(code)): \(await process.remainingOutput())")
        }
        return try GatewayJSON.decoder.decode(JSONValue.self, from: data)
    }

    @Test("Clara's client as shipped registers on / (gateway.firstFrameWaitMs) and gets its streamed reply")
    func claraClientOnRoot() async throws {
        try await FakeModelServer.with { model in
            model.enqueue(.text(["Hel", "lo ", "Ann"], delayMs: 5))
            try await TestGateway.with(config: Self.config(model)) { gateway in
                let result = try await Self.runAdapter("clara", url: gateway.url)
                #expect(result["ok"] == true, "\(result["why"]?.stringValue ?? "")")
                let frames = result["frames"]?.arrayValue ?? []
                #expect(frames.first?["type"] == "registered")
                let chunks = frames.filter { $0["type"] == "response_chunk" }
                #expect(!chunks.isEmpty && chunks.allSatisfy { $0["chunk"] == $0["content"] && $0["done"] == false })
                #expect(frames.last?["full_text"] == "Hello Ann" && frames.last?["content"] == "Hello Ann" && frames.last?["done"] == true)
            }
        }
    }

    @Test("with the default config Clara's client works on / too (its websockets library is recognised); other clients get the challenge at once")
    func claraClientByDefault() async throws {
        try await FakeModelServer.with { model in
            try await TestGateway.with(config: Self.config(model, firstFrameWaitMs: 0)) { gateway in
                let served = try await Self.runAdapter("clara", url: gateway.url)
                #expect(served["ok"] == true, "\(served["why"]?.stringValue ?? "")")
                let adapterPath = try await Self.runAdapter("clara", url: gateway.url + "/adapter")
                #expect(adapterPath["ok"] == true, "\(adapterPath["why"]?.stringValue ?? "")")
                // A client without that library's agent gets OpenClaw's challenge first, at once.
                _ = try await RawSocket.session(url: gateway.url) { socket in
                    try await socket.send(text: #"{"type":"register","node_id":"raw","platform":"custom"}"#)
                    #expect(try await socket.receive()?["event"] == "connect.challenge")
                    #expect(try await socket.receive()?["type"] == "registered")
                    try await socket.close()
                }
            }
        }
    }

    @Test("the seed's example adapter, unchanged but for its URL, prints the reply chunk by chunk")
    func seedExampleAdapter() async throws {
        try await FakeModelServer.with { model in
            model.enqueue(.text(["Hello! ", "How can ", "I help?"], delayMs: 5))
            try await TestGateway.with(config: Self.config(model)) { gateway in
                let result = try await Self.runAdapter("seed", url: gateway.url)
                #expect(result["ok"] == true, "\(result["why"]?.stringValue ?? "")")
                #expect(result["printed"] == "Hello! How can I help?\n")
            }
        }
    }

    @Test("with firstFrameWaitMs, an OpenClaw client on / still gets the challenge (after the wait) and connects")
    func openClawClientsStillConnect() async throws {
        try await FakeModelServer.with { model in
            try await TestGateway.with(config: Self.config(model, firstFrameWaitMs: 50)) { gateway in
                _ = try await RawSocket.session(url: gateway.url) { socket in
                    let (challenge, response) = try await socket.handshake(.test())
                    #expect(challenge["event"] == "connect.challenge" && response["ok"] == true)
                    try await socket.close()
                }
                try await gateway.withClient { client in _ = try await client.call(Health.self, .init()) }
            }
        }
    }

    @Test("an adapter without the streaming capability gets only response_end; tool_status goes beside tool_start and tool_result")
    func capabilitiesAndToolStatus() async throws {
        try await FakeModelServer.with { model in
            model.enqueue(.text(["quiet ", "answer"]))
            model.enqueue(.toolCalls([FakeToolCall(id: "call-1", name: "current_time", arguments: "{}")]), .text(["done"]))
            try await TestGateway.with(config: Self.config(model)) { gateway in
                _ = try await RawSocket.session(url: gateway.url + "/adapter") { socket in
                    try await socket.send(text: #"{"type":"register","node_id":"plain","platform":"custom"}"#)
                    _ = try await socket.receive { $0["type"] == "registered" }
                    try await socket.send(text: #"{"type":"message","request_id":"r1","user_id":"u1","channel_id":"c1","content":"hi"}"#)
                    let frames = try await socket.response(to: "r1")
                    #expect(frames.map { $0["type"]?.stringValue ?? "" } == ["response_end"])
                    #expect(frames.last?["content"] == "quiet answer" && frames.last?["done"] == true)
                    try await socket.close()
                }
                _ = try await RawSocket.session(url: gateway.url + "/adapter") { socket in
                    try await socket.send(text: #"{"type":"register","node_id":"rich","platform":"custom","capabilities":["streaming"]}"#)
                    _ = try await socket.receive { $0["type"] == "registered" }
                    try await socket.send(text: #"{"type":"message","request_id":"r2","user_id":"u2","channel_id":"c2","content":"time?"}"#)
                    let frames = try await socket.response(to: "r2")
                    let types = frames.compactMap { $0["type"]?.stringValue }
                    #expect(types.first == "response_start" && types.last == "response_end")
                    let statuses = frames.filter { $0["type"] == "tool_status" }
                    #expect(statuses.map { $0["status"]?.stringValue ?? "" } == ["running", "completed"])
                    #expect(statuses.allSatisfy { $0["tool_name"] == "current_time" && $0["description"]?.stringValue?.isEmpty == false })
                    #expect(types.firstIndex(of: "tool_start")! < types.firstIndex(of: "tool_status")!)
                    try await socket.close()
                }
            }
        }
    }

    @Test("Clara's attachments: an image reaches the model, a text file becomes text, a PDF is refused naming the item")
    func claraAttachments() async throws {
        let png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
        try await FakeModelServer.with { model in
            try await TestGateway.with(config: Self.config(model)) { gateway in
                _ = try await RawSocket.session(url: gateway.url + "/adapter") { socket in
                    try await socket.send(text: #"{"type":"register","node_id":"pics","platform":"discord","capabilities":["streaming"]}"#)
                    _ = try await socket.receive { $0["type"] == "registered" }
                    try await socket.send(
                        text: #"{"type":"message","id":"m1","user":{"id":"discord-1","platform_id":"1"},"channel":{"id":"dm-1","type":"dm"},"content":"look","attachments":[{"type":"image","filename":"dot.png","media_type":"image/png","base64_data":"\#(png)","size":70},{"type":"text","filename":"a.txt","content":"hello text"}]}"#
                    )
                    #expect(try await socket.response(to: "m1").last?["type"] == "response_end")
                    try await socket.send(
                        text: #"{"type":"message","id":"m2","user":{"id":"discord-1","platform_id":"1"},"channel":{"id":"dm-1","type":"dm"},"content":"pdf","attachments":[{"type":"file","filename":"a.pdf","media_type":"application/pdf","base64_data":"JVBERi0xLjcAAQ=="}]}"#
                    )
                    let refused = try #require(try await socket.receive { $0["type"] == "error" })
                    #expect(refused["request_id"] == "m2" && refused["code"] == "invalid_message")
                    #expect(refused["message"] == "message.attachments[0]: application/pdf is not supported; send images (png, jpeg, gif, webp) or text files")
                    try await socket.close()
                }
            }
            let user = try #require(model.requests.first?["messages"]?.arrayValue?.last)
            #expect(user["content"]?[0]?["text"] == "look\n\n[Attached file: a.txt]\nhello text")
            #expect(user["content"]?[1]?["image_url"]?["url"] == .string("data:image/png;base64," + png))
        }
    }
}
