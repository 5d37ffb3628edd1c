import Foundation
import SwitchboardClient
import SwitchboardCore
import SwitchboardProtocol
import SwitchboardTesting
import Testing

/// `chat.send` end to end: the real OpenAI-compatible client against a fake server over HTTP/SSE.
@Suite(.timeLimit(.minutes(1)))
struct LiveChatTests {
    @Test func chatSendStreamsDeltasThenFinalAndPersistsBothTurns() async throws {
        try await FakeModelServer.with { server in
            server.enqueue(.text(["Hel", "lo", " world"], delayMs: 5))
            try await TestGateway.with(config: modelConfig(server)) { gateway in
                try await gateway.withClient { client in
                    let ack = try await client.call(ChatSend.self, .init(sessionKey: "main", message: "hi there", idempotencyKey: "run-1"))
                    #expect(ack.runId == "run-1" && ack.status == "started")
                    let events = try await client.chatEvents(runId: "run-1")
                    let final = try unwrap(events.last)
                    #expect(final["state"] == "final" && final["sessionKey"] == "agent:main:main")
                    #expect(final["message"]?["content"]?[0]?["text"] == "Hello world")
                    #expect(reconstructV4(events) == "Hello world")
                    let seqs = events.compactMap { $0["seq"]?.intValue }
                    #expect(seqs == seqs.sorted() && Set(seqs).count == seqs.count)

                    let history = try await client.call(ChatHistory.self, .init(sessionKey: "main"))
                    #expect(history.messages.map(\.role) == ["user", "assistant"])
                    #expect(history.messages.map(\.text) == ["hi there", "Hello world"])
                    #expect(history.messages[1].usage?.output == 7)
                }
            }
            let request = try unwrap(server.requests.first)
            #expect(request["model"] == "m1" && request["stream"] == true)
            #expect(request["messages"]?.arrayValue?.last?["content"] == "hi there")
            #expect(server.requestHeaders.first?["authorization"] == "Bearer sk-test-secret-123")
        }
    }

    @Test func v3ClientsGetFullTextDeltasAndV4ClientsAppends() async throws {
        try await FakeModelServer.with { server in
            server.enqueue(.text(["one ", "two ", "three"], delayMs: 20))
            try await TestGateway.with(config: modelConfig(server)) { gateway in
                _ = try await RawSocket.session(url: gateway.url) { v3 in
                    _ = try await v3.handshake(.test(min: 3, max: 3))
                    try await gateway.withClient { v4 in
                        _ = try await v4.call(ChatSend.self, .init(sessionKey: "s1", message: "count", idempotencyKey: "r3"))
                        let v4Events = try await v4.chatEvents(runId: "r3")
                        #expect(reconstructV4(v4Events) == "one two three")
                        #expect(v4Events.filter { $0["state"] == "delta" }.dropFirst().allSatisfy { $0["message"] == nil })
                    }
                    var deltas: [JSONValue] = []
                    while let frame = try await v3.receive(where: { $0["event"] == "chat" }) {
                        let payload = try unwrap(frame["payload"])
                        if payload["state"] == "final" { break }
                        deltas.append(payload)
                    }
                    let texts = deltas.compactMap { $0["message"]?["content"]?[0]?["text"]?.stringValue }
                    #expect(!texts.isEmpty && texts.last == "one two three")
                    #expect(deltas.allSatisfy { $0["deltaText"] == nil })
                    #expect(zip(texts, texts.dropFirst()).allSatisfy { $1.hasPrefix($0) })
                    try await v3.close()
                }
            }
        }
    }

    @Test func deltasAreThrottledPerRun() async throws {
        try await FakeModelServer.with { server in
            server.enqueue(.text(Array(repeating: "x", count: 40), delayMs: 10))
            try await TestGateway.with(config: modelConfig(server, throttleMs: 150)) { gateway in
                try await gateway.withClient { client in
                    let started = ContinuousClock.now
                    _ = try await client.call(ChatSend.self, .init(sessionKey: "t", message: "go", idempotencyKey: "thr"))
                    let events = try await client.chatEvents(runId: "thr")
                    let elapsed = ContinuousClock.now - started
                    let deltas = events.filter { $0["state"] == "delta" }
                    // 40 chunks over ≥ 400 ms: at most one delta per 150 ms window (a loaded box
                    // stretches the run, not the rule), yet the text is complete.
                    let windows = Int(elapsed / .milliseconds(150)) + 2
                    #expect(deltas.count >= 1 && deltas.count <= min(windows, 39), "\(deltas.count) deltas in \(elapsed)")
                    #expect(reconstructV4(events) == String(repeating: "x", count: 40))
                }
            }
        }
    }

    @Test func toolCallsRunBuiltInToolsAndToolEventsReachOnlyCapableClients() async throws {
        try await FakeModelServer.with { server in
            server.enqueue(
                .toolCalls([FakeToolCall(id: "call_1", name: "write_file", arguments: #"{"path":"notes/a.txt","content":"remember milk"}"#)]),
                .toolCalls([FakeToolCall(id: "call_2", name: "read_file", arguments: #"{"path":"../../etc/passwd"}"#)]),
                .text(["Saved your note."])
            )
            try await TestGateway.with(config: modelConfig(server)) { gateway in
                var config = gateway.clientConfiguration()
                config.caps = ["tool-events"]
                try await gateway.withClient(config) { client in
                    try await gateway.withClient { plain in
                        _ = try await client.call(ChatSend.self, .init(sessionKey: "tools", message: "note milk", idempotencyKey: "tool-run"))
                        let events = try await client.agentEvents(runId: "tool-run")
                        let tools = events.filter { $0["stream"] == "tool" }
                        #expect(tools.map { $0["data"]?["phase"]?.stringValue ?? "" } == ["start", "result", "start", "result"])
                        #expect(tools[1]["data"]?["isError"] == false && tools[1]["data"]?["durationMs"]?.intValue != nil)
                        #expect(tools[3]["data"]?["isError"] == true)
                        #expect(tools[3]["data"]?["result"]?.stringValue?.contains("outside the workspace") == true)
                        let plainEvents = try await plain.agentEvents(runId: "tool-run")
                        #expect(!plainEvents.isEmpty && plainEvents.allSatisfy { $0["stream"] != "tool" })
                        let written = try String(contentsOfFile: gateway.paths.stateDir + "/workspace/notes/a.txt", encoding: .utf8)
                        #expect(written == "remember milk")
                        let history = try await client.call(ChatHistory.self, .init(sessionKey: "tools"))
                        #expect(history.messages.map(\.role) == ["user", "assistant", "toolResult", "assistant", "toolResult", "assistant"])
                        #expect(history.messages[1].content.first?.type == "toolCall")
                    }
                }
            }
            #expect(server.requests.count == 3)
            let second = try unwrap(server.requests.dropFirst().first?["messages"]?.arrayValue)
            #expect(second.last?["role"] == "tool" && second.last?["tool_call_id"] == "call_1")
            #expect(second.dropLast().last?["tool_calls"]?[0]?["function"]?["name"] == "write_file")
            let offered = server.requests[0]["tools"]?.arrayValue?.compactMap { $0["function"]?["name"]?.stringValue } ?? []
            #expect(Set(offered).isSuperset(of: ["current_time", "fetch_url", "read_file", "write_file", "list_files"]))
        }
    }

    @Test func withoutAProviderTheRunEndsWithAnErrorSayingHowToConfigureOne() async throws {
        try await TestGateway.with { gateway in
            try await gateway.withClient { client in
                _ = try await client.call(ChatSend.self, .init(sessionKey: "main", message: "hello?", idempotencyKey: "np"))
                let final = try unwrap(try await client.chatEvents(runId: "np").last)
                #expect(final["state"] == "error")
                let message = final["errorMessage"]?.stringValue ?? ""
                #expect(message.contains("OPENAI_API_KEY") && message.contains("models.providers") && message.contains("agents.defaults.model"))
                #expect(message.contains(gateway.paths.configPath), "the config file actually in use is named: \(message)")
                #expect(final["message"] == nil)
            }
        }
    }

    @Test func retriesA429ThenSucceedsAndReports401WithoutTheKey() async throws {
        try await FakeModelServer.with { server in
            server.enqueue(
                .status(429, body: #"{"error":{"message":"slow down"}}"#, headers: ["retry-after": "0"]),
                .text(["after retry"]),
                .status(401, body: #"{"error":{"message":"Incorrect API key provided: sk-test-secret-123"}}"#)
            )
            try await TestGateway.with(config: modelConfig(server)) { gateway in
                try await gateway.withClient { client in
                    _ = try await client.call(ChatSend.self, .init(sessionKey: "r", message: "a", idempotencyKey: "retry-1"))
                    let ok = try unwrap(try await client.chatEvents(runId: "retry-1").last)
                    #expect(ok["state"] == "final" && ok["message"]?["content"]?[0]?["text"] == "after retry")
                    _ = try await client.call(ChatSend.self, .init(sessionKey: "r", message: "b", idempotencyKey: "auth-1"))
                    let failed = try unwrap(try await client.chatEvents(runId: "auth-1").last)
                    let message = failed["errorMessage"]?.stringValue ?? ""
                    #expect(failed["state"] == "error" && message.contains("rejected the API key") && message.contains("models.providers.fake.apiKey"))
                    #expect(!message.contains("sk-test-secret-123"))
                }
                let log = (try? String(contentsOfFile: gateway.logFile, encoding: .utf8)) ?? ""
                #expect(!log.contains("sk-test-secret-123"))
            }
            #expect(server.requests.count == 3)
        }
    }

    @Test func aMidStreamDisconnectEndsInAnErrorAndKeepsThePartialText() async throws {
        try await FakeModelServer.with { server in
            server.enqueue(.disconnect(after: ["partial ", "answer"]))
            try await TestGateway.with(config: modelConfig(server)) { gateway in
                try await gateway.withClient { client in
                    _ = try await client.call(ChatSend.self, .init(sessionKey: "d", message: "q", idempotencyKey: "cut"))
                    let final = try unwrap(try await client.chatEvents(runId: "cut").last)
                    #expect(final["state"] == "error")
                    #expect(final["errorMessage"]?.stringValue?.contains("closed the connection mid-response") == true)
                    let history = try await client.call(ChatHistory.self, .init(sessionKey: "d"))
                    // The fake cuts the connection right after "answer": on a loaded box the reset can
                    // overtake that last chunk, so only what surely arrived is required.
                    let last = history.messages.last
                    #expect(last?.text.hasPrefix("partial ") == true && last?.interrupted == true, "\(String(describing: last?.text))")
                }
            }
            // Output had been delivered, so the call was not retried (no duplicate text).
            #expect(server.requests.count == 1)
        }
    }

    @Test func abortStopsTheRunWhileHealthStaysPrompt() async throws {
        try await FakeModelServer.with { server in
            server.enqueue(.text(Array(repeating: "word ", count: 200), delayMs: 50))
            try await TestGateway.with(config: modelConfig(server)) { gateway in
                try await gateway.withClient { client in
                    _ = try await client.call(ChatSend.self, .init(sessionKey: "long", message: "talk", idempotencyKey: "slow"))
                    _ = try await client.nextEvent { event in
                        if case .event(let frame) = event { return frame.event == "chat" && frame.payload?["state"] == "delta" }
                        return false
                    }
                    // The run is streaming; the connection still answers other requests.
                    let health = try await client.call(Health.self, .init(probe: false))
                    #expect(health.ok)
                    // …and health answered while the run was still streaming.
                    let running = try await client.call(AgentWait.self, .init(runId: "slow", timeoutMs: 0))
                    #expect(running.status == "timeout")
                    let retry = try await client.call(ChatSend.self, .init(sessionKey: "long", message: "talk", idempotencyKey: "slow"))
                    #expect(retry.status == "in_flight")
                    let aborted = try await client.call(ChatAbort.self, .init(sessionKey: "long"))
                    #expect(aborted.aborted && aborted.runIds == ["slow"])
                    let final = try unwrap(try await client.chatEvents(runId: "slow").last)
                    #expect(final["state"] == "aborted" && final["stopReason"] == "rpc")
                    let wrong = try await client.callRaw(method: "chat.abort", params: ["sessionKey": "other", "runId": "slow"])
                    #expect(wrong.error?.message == "runId does not match sessionKey")
                    let history = try await client.call(ChatHistory.self, .init(sessionKey: "long"))
                    #expect(history.messages.last?.interrupted == true && history.messages.last?.text.hasPrefix("word") == true)
                }
            }
        }
    }

    @Test func badInputGetsSpecificErrors() async throws {
        try await TestGateway.with { gateway in
            try await gateway.withClient { client in
                let empty = try await client.callRaw(method: "chat.send", params: ["sessionKey": "main", "message": "  ", "idempotencyKey": "e"])
                #expect(empty.error?.message == "message or attachment required")
                let noKey = try await client.callRaw(method: "chat.send", params: ["sessionKey": "main", "message": "x"])
                #expect(noKey.error?.message == "invalid params: params.idempotencyKey: required field missing")
                let agent = try await client.callRaw(method: "chat.send", params: ["sessionKey": "agent:ghost:main", "message": "x", "idempotencyKey": "g"])
                #expect(agent.error?.message.hasPrefix("unknown agent id \"ghost\"") == true)
                let limit = try await client.callRaw(method: "chat.history", params: ["sessionKey": "main", "limit": 5000])
                #expect(limit.error?.message == "invalid params: limit must be from 1 to 1000")
            }
        }
    }
}

/// Lanes, timeouts and history limits.
@Suite(.timeLimit(.minutes(1)))
struct LiveRunLimitTests {
    @Test func runsOfOneSessionAreServedInOrderAndTimeOut() async throws {
        try await FakeModelServer.with { server in
            server.enqueue(.text(Array(repeating: "a", count: 10), delayMs: 30), .text(["second"]), .text(Array(repeating: "z", count: 100), delayMs: 50))
            try await TestGateway.with(config: modelConfig(server)) { gateway in
                try await gateway.withClient { client in
                    let events = client.events
                    _ = try await client.call(ChatSend.self, .init(sessionKey: "lane", message: "one", idempotencyKey: "lane-1"))
                    _ = try await client.call(ChatSend.self, .init(sessionKey: "lane", message: "two", idempotencyKey: "lane-2"))
                    let order = try await withTimeout(.seconds(15), "both runs") {
                        var order: [String] = []
                        for await event in events {
                            guard case .event(let frame) = event, frame.event == "agent", frame.payload?["stream"] == "lifecycle" else { continue }
                            order.append("\(frame.payload?["runId"]?.stringValue ?? "?"):\(frame.payload?["data"]?["phase"]?.stringValue ?? "?")")
                            if order.count == 4 { return order }
                        }
                        return order
                    }
                    #expect(order == ["lane-1:start", "lane-1:end", "lane-2:start", "lane-2:end"])
                    _ = try await client.call(ChatSend.self, .init(sessionKey: "lane", message: "three", idempotencyKey: "lane-3", timeoutMs: 300))
                    let final = try unwrap(try await client.chatEvents(runId: "lane-3").last)
                    #expect(final["state"] == "aborted" && final["stopReason"] == "timeout")
                    let wait = try await client.call(AgentWait.self, .init(runId: "lane-3"))
                    #expect(wait.status == "error" && wait.error == "aborted (timeout)")
                    let long = String(repeating: "é", count: 13_000)
                    _ = try await client.call(ChatInject.self, .init(sessionKey: "lane", message: long))
                    let history = try await client.call(ChatHistory.self, .init(sessionKey: "lane", limit: 1))
                    #expect(history.messages.count == 1 && history.messages[0].text.count == 12_000 && history.messages[0].content[0].truncated == true)
                }
            }
        }
    }
}
