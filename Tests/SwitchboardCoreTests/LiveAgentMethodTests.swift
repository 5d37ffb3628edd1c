import Foundation
import SwitchboardClient
import SwitchboardCore
import SwitchboardProtocol
import SwitchboardTesting
import Testing

/// `agent` (two `res` frames), `agent.wait`, idempotent retries, identity and models, the
/// Anthropic client, and the session methods.
@Suite(.timeLimit(.minutes(1)))
struct LiveAgentMethodTests {
    @Test func agentAnswersAcceptedThenTheResultAndRetriesReplayIt() async throws {
        try await FakeModelServer.with { server in
            server.enqueue(.text(["forty", "-two"]))
            try await TestGateway.with(config: modelConfig(server)) { gateway in
                _ = try await RawSocket.session(url: gateway.url) { socket in
                    _ = try await socket.handshake(.test())
                    let params: JSONValue = ["message": "meaning?", "idempotencyKey": "agent-1"]
                    let first = try await socket.call("agent", params: params, id: "a1")
                    #expect(first["ok"] == true && first["payload"]?["status"] == "accepted" && first["payload"]?["runId"] == "agent-1")
                    #expect(first["payload"]?["acceptedAt"]?.intValue != nil)
                    let second = try unwrap(try await socket.response(id: "a1"))
                    #expect(second["ok"] == true && second["payload"]?["status"] == "ok" && second["payload"]?["summary"] == "completed")
                    #expect(second["payload"]?["result"]?["text"] == "forty-two")
                    let wait = try await socket.call("agent.wait", params: ["runId": "agent-1"], id: "w1")
                    #expect(wait["payload"]?["status"] == "ok" && wait["payload"]?["endedAt"]?.intValue != nil)
                    let retry = try await socket.call("agent", params: params, id: "a2")
                    #expect(retry["payload"]?["status"] == "ok" && retry["payload"]?["result"]?["text"] == "forty-two")
                    let timeout = try await socket.call("agent.wait", params: ["runId": "never-started", "timeoutMs": 50], id: "w2")
                    #expect(timeout["payload"] == ["runId": "never-started", "status": "timeout"])
                    let mismatch = try await socket.call("agent", params: ["message": "x", "idempotencyKey": "m", "agentId": "main", "sessionKey": "agent:other:main"], id: "a3")
                    #expect(mismatch["error"]?["code"] == "INVALID_REQUEST")
                    try await socket.close()
                }
            }
            #expect(server.requests.count == 1)
        }
    }

    @Test func failedAgentRunsAnswerOkFalseWithAPayload() async throws {
        try await FakeModelServer.with { server in
            server.enqueue(.status(404, body: #"{"error":{"message":"The model does not exist"}}"#))
            try await TestGateway.with(config: modelConfig(server)) { gateway in
                _ = try await RawSocket.session(url: gateway.url) { socket in
                    _ = try await socket.handshake(.test())
                    _ = try await socket.call("agent", params: ["message": "x", "idempotencyKey": "bad-model"], id: "b1")
                    let second = try unwrap(try await socket.response(id: "b1"))
                    #expect(second["ok"] == false && second["payload"]?["status"] == "error" && second["error"]?["code"] == "UNAVAILABLE")
                    #expect(second["payload"]?["summary"]?.stringValue?.contains("model \"m1\" is not available") == true)
                    try await socket.close()
                }
            }
        }
    }

    @Test func anthropicProviderStreamsTextAndToolUse() async throws {
        try await FakeModelServer.with { server in
            server.enqueue(.toolCalls([FakeToolCall(id: "toolu_1", name: "current_time", arguments: #"{"timezone":"UTC"}"#)]), .text(["It is ", "noon."]))
            try await TestGateway.with(config: modelConfig(server)) { gateway in
                try await gateway.withClient { client in
                    _ = try await client.call(SessionsPatch.self, .init(key: "c", changes: ["model": "claude/c1"]))
                    _ = try await client.call(ChatSend.self, .init(sessionKey: "c", message: "time?", idempotencyKey: "anth"))
                    let final = try unwrap(try await client.chatEvents(runId: "anth").last)
                    #expect(final["state"] == "final" && final["message"]?["content"]?[0]?["text"] == "It is noon.")
                }
            }
            #expect(server.requestHeaders.first?["x-api-key"] == "ak-test-secret" && server.requestHeaders.first?["anthropic-version"] == "2023-06-01")
            let second = try unwrap(server.requests.last?["messages"]?.arrayValue)
            #expect(second.last?["role"] == "user" && second.last?["content"]?[0]?["type"] == "tool_result")
            #expect(second.last?["content"]?[0]?["content"]?.stringValue?.contains("time zone") == true)
            #expect(server.requests.first?["system"]?.stringValue?.isEmpty == false)
        }
    }

    @Test func identityModelsAndSessionMethods() async throws {
        try await FakeModelServer.with { server in
            try await TestGateway.with(config: modelConfig(server, extraAgents: #", list: [{id: "main", name: "Jarvis", emoji: "🤖"}]"#)) { gateway in
                try await gateway.withClient { client in
                    let identity = try await client.call(AgentIdentityGet.self, .init())
                    #expect(identity.agentId == "main" && identity.name == "Jarvis" && identity.emoji == "🤖")
                    let models = try await client.call(ModelsList.self, .init())
                    #expect(models.models.map(\.id) == ["claude/c1", "fake/m1", "fake/m2"])

                    _ = try await client.call(ChatSend.self, .init(sessionKey: "agent:main:work", message: "first", idempotencyKey: "s-1"))
                    _ = try await client.chatEvents(runId: "s-1")
                    let patched = try await client.call(SessionsPatch.self, .init(key: "agent:main:work", changes: ["label": "Work", "sendPolicy": "deny"]))
                    #expect(patched.entry?.label == "Work" && patched.entry?.sendPolicy == "deny" && patched.entry?.messageCount == 2)
                    let blocked = try await client.callRaw(method: "chat.send", params: ["sessionKey": "agent:main:work", "message": "x", "idempotencyKey": "s-2"])
                    #expect(blocked.error?.message == "send blocked by session policy")
                    let badPatch = try await client.callRaw(method: "sessions.patch", params: ["key": "agent:main:work", "sendPolicy": "maybe"])
                    #expect(badPatch.error?.message == "invalid params: sendPolicy: expected one of allow, deny or null")
                    _ = try await client.call(SessionsPatch.self, .init(key: "agent:main:work", changes: ["sendPolicy": .null]))

                    let list = try await client.call(SessionsList.self, .init(search: "work", includeLastMessage: true))
                    #expect(list.sessions.map(\.key) == ["agent:main:work"] && list.sessions[0].lastMessage?.text == "ok")
                    #expect(list.sessions[0].totalTokens == 18 && list.defaults.mainSessionKey == "agent:main:main")
                    let resolved = try await client.call(SessionsResolve.self, .init(label: "Work"))
                    #expect(resolved.key == "agent:main:work")
                    let preview = try await client.call(SessionsPreview.self, .init(keys: ["agent:main:work", "nope"]))
                    #expect(preview.previews.map(\.status) == ["ok", "missing"] && preview.previews[0].items.map(\.text) == ["first", "ok"])
                    let compacted = try await client.call(SessionsCompact.self, .init(key: "agent:main:work", maxLines: 1))
                    #expect(compacted.kept == 1 && compacted.removed == 1)
                    let reset = try await client.call(SessionsReset.self, .init(key: "agent:main:work"))
                    #expect(reset.entry?.sessionId != patched.entry?.sessionId && reset.entry?.messageCount == 0)
                    let deleted = try await client.call(SessionsDelete.self, .init(key: "agent:main:work", deleteTranscript: true))
                    #expect(deleted.deleted == true)
                    #expect(try await client.call(SessionsList.self, .init(search: "work")).sessions.isEmpty)
                    let injected = try await client.call(ChatInject.self, .init(sessionKey: "main", message: "note from admin", label: "ops"))
                    let history = try await client.call(ChatHistory.self, .init(sessionKey: "main"))
                    #expect(history.messages.last?.id == injected.messageId && history.messages.last?.label == "ops")
                }
            }
        }
    }
}

/// MCP tools inside a real gateway run, and an external agent command as the agent.
@Suite(.timeLimit(.minutes(2)), .serialized)
struct LiveRuntimeIntegrationTests {
    @Test func anMCPToolIsOfferedAndCalledDuringARun() async throws {
        try await FakeModelServer.with { server in
            server.enqueue(
                .toolCalls([FakeToolCall(id: "m1", name: "time__get_current_time", arguments: #"{"timezone":"Asia/Tokyo"}"#)]), .text(["Tokyo time given."])
            )
            let extra = #"mcp: { servers: { time: { command: "mcp-server-time", args: ["--local-timezone", "UTC"] } } },"#
            try await TestGateway.with(config: modelConfig(server, extra: extra)) { gateway in
                var config = gateway.clientConfiguration()
                config.caps = ["tool-events"]
                try await gateway.withClient(config) { client in
                    _ = try await client.call(ChatSend.self, .init(sessionKey: "mcp", message: "time in Tokyo?", idempotencyKey: "mcp-run"))
                    let tools = try await client.agentEvents(runId: "mcp-run", timeout: .seconds(60)).filter { $0["stream"] == "tool" }
                    #expect(tools.last?["data"]?["isError"] == false && tools.last?["data"]?["name"] == "time__get_current_time")
                    let history = try await client.call(ChatHistory.self, .init(sessionKey: "mcp"))
                    #expect(history.messages.first { $0.role == "toolResult" }?.text.contains("Asia/Tokyo") == true)
                }
            }
            let offered = server.requests.first?["tools"]?.arrayValue?.compactMap { $0["function"]?["name"]?.stringValue } ?? []
            #expect(offered.contains("time__get_current_time"))
        }
    }

    @Test func anExternalCommandCanBeTheAgent() async throws {
        let script = NSTemporaryDirectory() + "sb-echo-agent-\(UUID().uuidString.prefix(6)).py"
        try #"""
            import json, sys
            req = json.loads(sys.stdin.readline())
            print(json.dumps({"type": "delta", "text": "echo: " + req["message"]}), flush=True)
            print(json.dumps({"type": "final"}), flush=True)
            """#.write(toFile: script, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: script) }
        try await TestGateway.with(config: #"{ agents: { list: [{ id: "echo", runner: { command: "python3", args: ["\#(script)"] } }] } }"#) { gateway in
            try await gateway.withClient { client in
                _ = try await client.call(ChatSend.self, .init(sessionKey: "agent:echo:main", message: "ping", idempotencyKey: "ext-1"))
                let final = try unwrap(try await client.chatEvents(runId: "ext-1").last)
                #expect(final["state"] == "final" && final["message"]?["content"]?[0]?["text"] == "echo: ping")
            }
        }
    }
}

/// `switchboard call agent --expect-final` and the client library's `expectFinal`.
@Suite("Two-stage calls", .timeLimit(.minutes(1)))
struct ExpectFinalTests {
    @Test("callRaw with expectFinal skips the interim accepted answer and returns the result")
    func expectFinal() async throws {
        try await FakeModelServer.with { model in
            model.enqueue(.text(["final ", "words"], delayMs: 20), .text(["second"]))
            try await TestGateway.with(config: modelConfig(model)) { gateway in
                try await gateway.withClient { client in
                    let final = try await client.callRaw(
                        method: "agent", params: ["message": "hi", "idempotencyKey": "ef-1"], expectFinal: true
                    )
                    #expect(final.ok && final.payload?["status"] == "ok")
                    #expect(final.payload?["result"]?["text"] == "final words")
                    // Without it, the first answer is the interim one.
                    let interim = try await client.callRaw(method: "agent", params: ["message": "again", "idempotencyKey": "ef-2"])
                    #expect(interim.payload?["status"] == "accepted")
                }
            }
        }
    }
}
