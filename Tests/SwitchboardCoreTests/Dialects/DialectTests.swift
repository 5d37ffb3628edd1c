import Foundation
import SwitchboardProtocol
import SwitchboardTesting
import Testing

/// Every dialect of the seeds on `/`, chosen by the first frame and mapped onto the same
/// methods, events, auth and scopes.
@Suite("Wire dialects", .timeLimit(.minutes(1)))
struct DialectTests {
    static let token = "dialect-token-0123456789"

    static func withGateway(firstFrameWaitMs: Int = 0, _ body: @escaping @Sendable (TestGateway, FakeModelServer) async throws -> Void) async throws {
        try await FakeModelServer.with { model in
            let config = modelConfig(model, extra: "gateway: { firstFrameWaitMs: \(firstFrameWaitMs), tickIntervalMs: 200 },")
            try await TestGateway.with(config: config, overrides: ["gateway.auth.token": token]) { gateway in try await body(gateway, model) }
        }
    }

    /// The next frame that is not OpenClaw's challenge (clients that speak first may get it).
    static func next(_ socket: RawSocket, where predicate: @escaping (JSONValue) -> Bool = { _ in true }) async throws -> JSONValue? {
        try await socket.receive { $0["event"] != "connect.challenge" && predicate($0) }
    }

    @Test("target-state hello: hello-ok as the frame, then req/res/event; hello-error and close for a bad token or protocol")
    func helloDialect() async throws {
        try await Self.withGateway { gateway, _ in
            _ = try await RawSocket.session(url: gateway.url) { socket in
                try await socket.send(
                    text: #"{"type":"hello","minProtocol":3,"maxProtocol":4,"client":{"name":"clawdis-mac","version":"1.0","platform":"macos","mode":"app","instanceId":"i-1"},"caps":[],"auth":{"token":"\#(Self.token)"}}"#
                )
                let hello = try #require(try await Self.next(socket))
                #expect(hello["type"] == "hello-ok" && hello["protocol"] == 4 && hello["policy"]?["tickIntervalMs"] == 200)
                #expect(hello["snapshot"]?["presence"]?.arrayValue != nil && hello["features"]?["methods"]?.arrayValue?.isEmpty == false)
                // A target-state client names no scopes and may still call read methods.
                try await socket.send(text: #"{"type":"req","id":"h1","method":"status"}"#)
                #expect(try await socket.response(id: "h1")?["ok"] == true)
                #expect(try await socket.receive { $0["type"] == "event" && $0["event"] == "tick" } != nil)
                try await socket.close()
            }
            let badToken = try await RawSocket.session(url: gateway.url) { socket in
                try await socket.send(text: #"{"type":"hello","minProtocol":3,"maxProtocol":4,"client":{"name":"x","version":"1","platform":"linux","mode":"cli"},"auth":{"token":"wrong"}}"#)
                let error = try #require(try await Self.next(socket))
                #expect(error["type"] == "hello-error" && error["reason"]?.stringValue?.contains("token") == true)
                #expect(error["expectedProtocol"] == .int(ProtocolVersion.current) && error["minClient"] == .int(ProtocolVersion.minimumSupported))
            }
            #expect(badToken.code == 1008)
            let oldClient = try await RawSocket.session(url: gateway.url) { socket in
                try await socket.send(text: #"{"type":"hello","minProtocol":1,"maxProtocol":1,"client":{"name":"x","version":"1","platform":"linux","mode":"cli"}}"#)
                let error = try #require(try await Self.next(socket))
                #expect(error["type"] == "hello-error" && error["reason"] == "protocol mismatch" && error["minClient"] == 3)
            }
            #expect(oldClient.code == 1002)
        }
    }

    @Test("daemon extraction: connect → hello_ok, request → response with final (two stages for agent), events with params")
    func daemonDialect() async throws {
        try await Self.withGateway { gateway, model in
            model.enqueue(.text(["daemon ", "answer"], delayMs: 5))
            _ = try await RawSocket.session(url: gateway.url) { socket in
                try await socket.send(
                    text: #"{"type":"connect","params":{"protocolVersion":4,"clientName":"cli","clientVersion":"2.0","mode":"operator","role":"operator","auth":{"token":"\#(Self.token)"},"deviceIdentity":{"deviceId":"d","publicKey":"k"}}}"#
                )
                let hello = try #require(try await Self.next(socket))
                #expect(hello["type"] == "hello_ok" && hello["protocolVersion"] == 4 && hello["gatewayVersion"]?.stringValue?.isEmpty == false)
                #expect(hello["sessionId"]?.stringValue?.isEmpty == false)
                try await socket.send(text: #"{"type":"request","requestId":"r1","method":"status"}"#)
                let status = try #require(try await Self.next(socket) { $0["type"] == "response" })
                #expect(status["requestId"] == "r1" && status["final"] == true && status["result"] != nil, "\(status)")
                try await socket.send(text: #"{"type":"request","requestId":"r2","method":"agent","params":{"message":"hi","idempotencyKey":"daemon-1"}}"#)
                let accepted = try #require(try await Self.next(socket) { $0["type"] == "response" && $0["requestId"] == "r2" })
                #expect(accepted["final"] == false && accepted["result"]?["status"] == "accepted")
                let event = try #require(try await Self.next(socket) { $0["type"] == "event" && $0["event"] == "agent" })
                #expect(event["params"]?["runId"] == "daemon-1" && event["payload"] == nil)
                let final = try #require(try await Self.next(socket) { $0["type"] == "response" && $0["requestId"] == "r2" })
                #expect(final["final"] == true && final["result"]?["status"] == "ok")
                try await socket.send(text: #"{"type":"request","method":"status"}"#)
                let invalid = try #require(try await Self.next(socket) { $0["type"] == "response" })
                #expect(invalid["error"]?["message"] == "request.requestId: required non-empty string")
                try await socket.close()
            }
            // mode "readonly" gets read access only, and the flat connect shape is read too.
            _ = try await RawSocket.session(url: gateway.url) { socket in
                try await socket.send(text: #"{"type":"connect","protocolVersion":3,"clientName":"cli","mode":"readonly","role":"operator","auth":{"token":"\#(Self.token)"}}"#)
                #expect(try await Self.next(socket)?["protocolVersion"] == 3)
                try await socket.send(text: #"{"type":"request","requestId":"w","method":"chat.send","params":{"sessionKey":"main","message":"x","idempotencyKey":"ro-1"}}"#)
                let refused = try #require(try await Self.next(socket) { $0["type"] == "response" })
                #expect(refused["error"]?["message"]?.stringValue?.contains("operator.write") == true)
                try await socket.close()
            }
        }
    }

    @Test("JSON-RPC 2.0: results and numbered errors, notifications unanswered, events as notifications, connect first")
    func jsonRPCDialect() async throws {
        try await Self.withGateway(firstFrameWaitMs: 5_000) { gateway, _ in
            _ = try await RawSocket.session(url: gateway.url) { socket in
                try await socket.send(text: #"{"jsonrpc":"2.0","id":1,"method":"connect","params":{"auth":{"token":"\#(Self.token)"}}}"#)
                // firstFrameWaitMs: a client that speaks first never sees the challenge.
                let hello = try #require(try await socket.receive())
                #expect(hello["jsonrpc"] == "2.0" && hello["id"] == 1 && hello["result"]?["type"] == "hello-ok")
                try await socket.send(text: #"{"jsonrpc":"2.0","id":"s","method":"status"}"#)
                #expect(try await socket.receive { $0["id"] == "s" }?["result"] != nil)
                try await socket.send(text: #"{"jsonrpc":"2.0","method":"system-event","params":{"text":"a notification"}}"#)
                try await socket.send(text: #"{"jsonrpc":"2.0","id":2,"method":"no.such"}"#)
                let unknown = try #require(try await socket.receive { $0["id"] == 2 })
                #expect(unknown["error"]?["code"] == -32601 && unknown["error"]?["data"]?["code"] == "INVALID_REQUEST")
                try await socket.send(text: #"{"jsonrpc":"2.0","id":3,"method":"chat.history","params":["main"]}"#)
                #expect(try await socket.receive { $0["id"] == 3 }?["error"]?["code"] == -32602)
                try await socket.send(text: #"[{"jsonrpc":"2.0","id":4,"method":"status"}]"#)
                #expect(try await socket.receive { $0["error"] != nil && $0["id"] == .null }?["error"]?["code"] == -32600)
                try await socket.send(text: "{not json")
                #expect(try await socket.receive { $0["error"]?["code"] == -32700 } != nil)
                let notification = try #require(try await socket.receive { $0["method"] == "tick" })
                #expect(notification["id"] == nil && notification["params"]?["ts"] != nil)
                try await socket.close()
            }
            let early = try await RawSocket.session(url: gateway.url) { socket in
                try await socket.send(text: #"{"jsonrpc":"2.0","id":9,"method":"status"}"#)
                let refused = try #require(try await socket.receive())
                #expect(refused["id"] == 9 && refused["error"]?["message"] == "invalid handshake: first request must be connect")
            }
            #expect(early.code == 1008)
        }
    }

    @Test("a real JSON-RPC client library (Python jsonrpcclient) drives the gateway")
    func jsonRPCLibrary() async throws {
        try await Self.withGateway(firstFrameWaitMs: 5_000) { gateway, _ in
            let directory = TestGateway.makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let out = directory + "/result.json"
            let script = FileManager.default.currentDirectoryPath + "/Tests/tools/jsonrpc_client.py"
            let process = try ChildProcess(
                executable: "/usr/bin/env", arguments: ["python3", script, gateway.url, Self.token, out], environment: ProcessInfo.processInfo.environment
            )
            defer { process.terminate() }
            let code = try await process.waitForExit(timeout: .seconds(40))
            let output = await process.remainingOutput()
            let data = try #require(FileManager.default.contents(atPath: out), "exit \(code): \(output)")
            let result = try GatewayJSON.decoder.decode(JSONValue.self, from: data)
            #expect(result["ok"] == true, "\(result["why"]?.stringValue ?? "")")
            #expect(result["results"]?["protocol"] == 4 && result["results"]?["health_ok"] == true)
            #expect(result["results"]?["unknown_code"] == -32601 && result["results"]?["bad_params_code"] == -32602)
            #expect(result["results"]?["notification"] == "tick")
        }
    }

    @Test("auth and origin checks are the same in every dialect: a wrong token is refused, a foreign page is refused")
    func sameSecurity() async throws {
        try await Self.withGateway { gateway, _ in
            let wrong = try await RawSocket.session(url: gateway.url) { socket in
                try await socket.send(text: #"{"jsonrpc":"2.0","id":1,"method":"connect","params":{"auth":{"token":"nope"}}}"#)
                let refused = try #require(try await socket.receive { $0["jsonrpc"] == "2.0" })
                #expect(refused["error"]?["data"]?["details"]?["code"]?.stringValue?.hasPrefix("AUTH_") == true)
            }
            #expect(wrong.code == 1008)
            let page = try await RawSocket.session(url: gateway.url, headers: ["Origin": "https://evil.example"]) { socket in
                try await socket.send(text: #"{"type":"connect","params":{"clientName":"cli","auth":{"token":"\#(Self.token)"}}}"#)
                let refused = try #require(try await Self.next(socket))
                #expect(refused["error"]?["details"]?["code"] == "CONTROL_UI_ORIGIN_NOT_ALLOWED")
            }
            #expect(page.code == 1008)
            // The gateway's own page speaking JSON-RPC without scopes asks for what a page may hold.
            _ = try await RawSocket.session(url: gateway.url, headers: ["Origin": gateway.httpBase]) { socket in
                try await socket.send(text: #"{"jsonrpc":"2.0","id":1,"method":"connect","params":{"auth":{"token":"\#(Self.token)"}}}"#)
                let hello = try #require(try await socket.receive { $0["jsonrpc"] == "2.0" })
                #expect(hello["result"]?["auth"]?["scopes"] == ["operator.read", "operator.write"], "\(hello)")
                try await socket.close()
            }
        }
    }
}
