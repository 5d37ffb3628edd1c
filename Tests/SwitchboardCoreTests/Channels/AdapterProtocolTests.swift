import Foundation
import SwitchboardClient
import SwitchboardProtocol
import SwitchboardTesting
import Testing

/// Config with the adapter channel open to everyone and a shared secret.
private func adapterConfig(_ model: FakeModelServer, access: String = "dmPolicy: \"open\", groupAllowFrom: [\"*\"]") -> String {
    modelConfig(model, extra: "channels: { adapter: { secret: \"s3cret\", \(access) } },")
}

private func message(_ id: String, channel: String = "c1", user: String = "u1", type: String = "dm", content: String = "hi") -> String {
    #"{"type":"message","id":"\#(id)","user":{"id":"\#(user)","name":"Ann"},"channel":{"id":"\#(channel)","type":"\#(type)"},"content":"\#(content)","metadata":{"is_mention":true}}"#
}

extension RawSocket {
    /// Registers as `node` and returns the `registered` frame.
    func register(node: String = "node-1", secret: String? = "s3cret") async throws -> JSONValue? {
        let secretField = secret.map { #","secret":"\#($0)""# } ?? ""
        try await send(text: #"{"type":"register","node_id":"\#(node)","platform":"discord","capabilities":["streaming"]\#(secretField)}"#)
        return try await receive { $0["type"] == "registered" || $0["type"] == "error" }
    }

    /// Frames up to and including `response_end` (or `error`) of `requestId`.
    func response(to requestId: String) async throws -> [JSONValue] {
        var frames: [JSONValue] = []
        while let frame = try await receive() {
            guard frame["request_id"]?.stringValue == requestId else { continue }
            frames.append(frame)
            if frame["type"] == "response_end" || frame["type"] == "error" || frame["type"] == "cancelled" { return frames }
        }
        return frames
    }
}

@Suite("Platform adapter protocol", .timeLimit(.minutes(2)))
struct AdapterProtocolTests {
    @Test("register checks the secret; a message streams response_start, chunks and response_end")
    func registerAndStream() async throws {
        try await FakeModelServer.with { model in
            model.enqueue(.text(["Hello ", "there"]))
            try await TestGateway.with(config: adapterConfig(model)) { gateway in
                let refused = try await RawSocket.session(url: gateway.url + "/adapter") { socket in
                    let error = try await socket.register(secret: "wrong")
                    #expect(error?["type"] == "error" && error?["code"] == "unauthorized" && error?["recoverable"] == false)
                    #expect(error?["message"]?.stringValue?.contains("register.secret does not match") == true)
                }
                #expect(refused.code == 1008)

                _ = try await RawSocket.session(url: gateway.url + "/adapter") { socket in
                    let registered = try await socket.register()
                    #expect(registered?["type"] == "registered" && registered?["node_id"] == "node-1")
                    try await socket.send(text: message("m1"))
                    let frames = try await socket.response(to: "m1")
                    #expect(frames.first?["type"] == "response_start")
                    let chunks = frames.filter { $0["type"] == "response_chunk" }
                    #expect(chunks.map { $0["chunk"]?.stringValue ?? "" }.joined() == "Hello there")
                    #expect(chunks.last?["accumulated"] == "Hello there")
                    #expect(frames.last?["type"] == "response_end" && frames.last?["full_text"] == "Hello there")
                    try await socket.close()
                }
                let status = try await gateway.withClient { client in try await client.call(ChannelsStatus.self, .init()) }
                #expect(status.channelAccounts["adapter"]?.first?["accountId"] == "node-1")
                #expect(status.channelAccounts["adapter"]?.first?["name"] == "discord")
            }
        }
    }

    @Test("without channels.adapter.secret, a gateway with a token requires that token in register")
    func gatewayTokenGuardsAdapters() async throws {
        try await FakeModelServer.with { model in
            let config = modelConfig(model, extra: "channels: { adapter: { dmPolicy: \"open\" } },")
            try await TestGateway.with(config: config, overrides: ["gateway.auth.token": "gw-token"]) { gateway in
                let refused = try await RawSocket.session(url: gateway.url + "/adapter") { socket in
                    let error = try await socket.register(secret: nil)
                    #expect(error?["code"] == "unauthorized")
                    #expect(error?["message"]?.stringValue?.contains("register.secret is missing") == true)
                }
                #expect(refused.code == 1008)
                _ = try await RawSocket.session(url: gateway.url + "/adapter") { socket in
                    #expect(try await socket.register(secret: "gw-token")?["type"] == "registered")
                    try await socket.close()
                }
            }
        }
    }

    @Test("tool calls show as tool_start and tool_result")
    func toolEvents() async throws {
        try await FakeModelServer.with { model in
            model.enqueue(.toolCalls([FakeToolCall(id: "call-1", name: "current_time", arguments: "{}")]), .text(["done"]))
            try await TestGateway.with(config: adapterConfig(model)) { gateway in
                _ = try await RawSocket.session(url: gateway.url + "/adapter") { socket in
                    _ = try await socket.register()
                    try await socket.send(text: message("m1"))
                    let frames = try await socket.response(to: "m1")
                    let start = try #require(frames.first { $0["type"] == "tool_start" })
                    #expect(start["tool_name"] == "current_time" && start["step"] == 1)
                    let result = try #require(frames.first { $0["type"] == "tool_result" })
                    #expect(result["success"] == true && result["output_preview"]?.stringValue?.isEmpty == false)
                    #expect(frames.last?["full_text"] == "done")
                    try await socket.close()
                }
            }
        }
    }

    @Test("requests on different channels do not wait for each other; one channel is FIFO with its queue position")
    func concurrencyAndOrder() async throws {
        try await FakeModelServer.with { model in
            // "a" is held open until "b" has ended, so the order below is decided by the
            // gateway's scheduling, not by how fast a loaded box streams.
            let held = Gate()
            defer { held.open() }
            model.enqueue(.held(["slow ", "and done"], until: held), .text(["fast"]), .text(["second in c1"]))
            // "a" is silent mid-stream for as long as "b" takes: no idle timeout may cut it on a loaded box.
            let config = modelConfig(model, extra: #"channels: { adapter: { secret: "s3cret", dmPolicy: "open", groupAllowFrom: ["*"] } },"#, idleTimeoutMs: 600_000)
            try await TestGateway.with(config: config) { gateway in
                _ = try await RawSocket.session(url: gateway.url + "/adapter") { socket in
                    _ = try await socket.register()
                    try await socket.send(text: message("a", channel: "c1"))
                    // a's first chunk, not just its start: only then has a's model call taken the
                    // held reply (under load b's call could get there first and hold b instead).
                    _ = try await socket.receive { $0["type"] == "response_chunk" && $0["request_id"] == "a" }
                    try await socket.send(text: message("b", channel: "c2", user: "u2"))
                    try await socket.send(text: message("c", channel: "c1"))
                    var ends: [String] = []
                    var positions: [String: Int] = [:]
                    while ends.count < 3, let frame = try await socket.receive() {
                        if frame["type"] == "response_end", let id = frame["request_id"]?.stringValue {
                            ends.append(id)
                            if id == "b" { held.open() }
                        }
                        if frame["type"] == "status", let id = frame["request_id"]?.stringValue { positions[id] = frame["queue_position"]?.intValue }
                    }
                    #expect(ends == ["b", "a", "c"])
                    #expect(positions == ["c": 1])
                    try await socket.close()
                }
            }
        }
    }

    @Test("cancel stops a running request: cancelled, and no reply")
    func cancel() async throws {
        try await FakeModelServer.with { model in
            model.enqueue(.text(Array(repeating: "slow ", count: 200), delayMs: 20), .text(["after"]))
            try await TestGateway.with(config: adapterConfig(model)) { gateway in
                _ = try await RawSocket.session(url: gateway.url + "/adapter") { socket in
                    _ = try await socket.register()
                    try await socket.send(text: message("a"))
                    _ = try await socket.receive { $0["type"] == "response_chunk" && $0["request_id"] == "a" }
                    try await socket.send(text: #"{"type":"cancel","request_id":"a"}"#)
                    #expect(try await socket.receive { $0["type"] == "cancelled" }?["request_id"] == "a")
                    try await socket.send(text: message("b"))
                    // Same channel, so a reply to "a" would have come first.
                    let frames = try await socket.response(to: "b")
                    #expect(frames.last?["full_text"] == "after")
                    try await socket.send(text: #"{"type":"cancel","request_id":"a"}"#)
                    let late = try await socket.receive { $0["type"] == "error" }
                    #expect(late?["code"] == "not_found" && late?["request_id"] == "a")
                    try await socket.close()
                }
            }
        }
    }

    @Test("bad frames get error frames naming the problem; ping, status and register after the challenge on /")
    func errorsAndControl() async throws {
        try await FakeModelServer.with { model in
            try await TestGateway.with(config: adapterConfig(model)) { gateway in
                _ = try await RawSocket.session(url: gateway.url) { socket in
                    #expect(try await socket.receive()?["event"] == "connect.challenge")
                    try await socket.send(text: #"{"type":"register","node_id":"n2","platform":"slack","secret":"s3cret"}"#)
                    #expect(try await socket.receive()?["type"] == "registered")
                    try await socket.send(text: #"{"type":"ping"}"#)
                    #expect(try await socket.receive()?["type"] == "pong")
                    try await socket.send(text: #"{"type":"status"}"#)
                    let status = try await socket.receive()
                    #expect(status?["type"] == "status" && status?["node_id"] == "n2" && status?["active_requests"] == 0)
                    try await socket.send(text: #"{"type":"message","id":"x","channel":{"id":"c"},"content":"hi"}"#)
                    let invalid = try await socket.receive()
                    #expect(invalid?["code"] == "invalid_message" && invalid?["message"] == "message.user.id (or user_id): required non-empty string (≤ 256 characters)")
                    try await socket.send(text: #"{"type":"teleport"}"#)
                    #expect(try await socket.receive()?["code"] == "unknown_type")
                    try await socket.send(text: "not json")
                    #expect(try await socket.receive()?["code"] == "invalid_json")
                    try await socket.close()
                }
                _ = try await RawSocket.session(url: gateway.url + "/adapter") { socket in
                    try await socket.send(text: message("early"))
                    let error = try await socket.receive()
                    #expect(error?["code"] == "not_registered")
                    try await socket.close()
                }
            }
        }
    }

    @Test("a reply finished while the adapter was away is delivered when the node registers again")
    func replyAfterReconnect() async throws {
        try await FakeModelServer.with { model in
            model.enqueue(.text(Array(repeating: "part ", count: 20), delayMs: 20))
            try await TestGateway.with(config: adapterConfig(model)) { gateway in
                _ = try await RawSocket.session(url: gateway.url + "/adapter") { socket in
                    _ = try await socket.register(node: "node-r")
                    try await socket.send(text: message("m1"))
                    _ = try await socket.receive { $0["type"] == "response_start" }
                    try await socket.close()
                }
                _ = try await RawSocket.session(url: gateway.url + "/adapter") { socket in
                    _ = try await socket.register(node: "node-r")
                    let frames = try await socket.response(to: "m1")
                    #expect(frames.last?["type"] == "response_end")
                    #expect(frames.last?["full_text"]?.stringValue == Array(repeating: "part ", count: 20).joined().trimmingCharacters(in: .whitespaces))
                    try await socket.close()
                }
            }
        }
    }

    @Test("under the default pairing policy an unknown user gets a code and the agent is not called")
    func pairingOverAdapter() async throws {
        try await FakeModelServer.with { model in
            try await TestGateway.with(config: adapterConfig(model, access: "")) { gateway in
                _ = try await RawSocket.session(url: gateway.url + "/adapter") { socket in
                    _ = try await socket.register()
                    try await socket.send(text: message("m1", user: "stranger"))
                    let frames = try await socket.response(to: "m1")
                    let text = frames.last?["full_text"]?.stringValue ?? ""
                    #expect(text.contains("switchboard pairing approve discord "))
                    try await socket.close()
                }
                #expect(model.requests.isEmpty)
                let list = try await gateway.withClient { client in try await client.call(ChannelsPairingList.self, .init()) }
                #expect(list.requests.map(\.senderId) == ["stranger"])
            }
        }
    }
}
