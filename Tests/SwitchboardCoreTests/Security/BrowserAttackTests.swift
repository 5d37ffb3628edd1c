import Foundation
import NIOCore
import SwitchboardClient
import SwitchboardProtocol
import SwitchboardTesting
import Testing

/// What a web page open in the user's browser can do to a default gateway (loopback, no
/// auth), tried over real sockets with the headers a browser sends.
@Suite("Browser attacks", .timeLimit(.minutes(2)))
struct BrowserAttackTests {
    /// Connects with `origin` as a browser would; returns the connect response and the close.
    func connect(_ gateway: TestGateway, origin: String?, params: ConnectParams = .test(min: 3, max: 3, scopes: nil), path: String = "")
        async throws -> (response: JSONValue?, close: RawSocket.Closure)
    {
        let box = ResponseBox()
        let close = try await RawSocket.session(url: gateway.url + path, headers: origin.map { ["Origin": $0] } ?? [:]) { socket in
            box.set(try await socket.handshake(params).response)
            if box.value?["ok"] == true { try await socket.close() }
        }
        return (box.value, close)
    }

    @Test("a page on another site, an opaque origin or a lookalike is refused before connect with OpenClaw's error and 1008")
    func foreignOriginsAreRefused() async throws {
        try await TestGateway.with { gateway in
            for origin in ["http://evil.example", "null", "http://127.0.0.1:1", "http://localhost", "https://127.0.0.1.evil.example:\(gateway.port)"] {
                let (response, close) = try await connect(gateway, origin: origin)
                #expect(response?["ok"] == false, "\(origin)")
                #expect(response?["error"]?["code"] == "INVALID_REQUEST", "\(origin)")
                #expect(response?["error"]?["details"]?["code"] == "CONTROL_UI_ORIGIN_NOT_ALLOWED", "\(origin)")
                #expect(response?["error"]?["message"]?.stringValue?.contains("gateway.controlUi.allowedOrigins") == true)
                #expect(close.code == 1008, "\(origin)")
            }
            // Nothing the refused socket sent reached a handler: no session was created.
            let sessions = try await gateway.withClient(gateway.clientConfiguration()) { client in try await client.call(SessionsList.self, .init()) }
            #expect(sessions.sessions.isEmpty)
        }
    }

    @Test("a refused page that skips connect and sends chat.send directly is closed without it running")
    func refusedPageCannotSkipConnect() async throws {
        try await TestGateway.with { gateway in
            let box = ResponseBox()
            let close = try await RawSocket.session(url: gateway.url, headers: ["Origin": "http://evil.example"]) { socket in
                _ = try await socket.receive()
                try await socket.send(json: RequestFrame(id: "x", method: "chat.send", params: ["sessionKey": "main", "message": "rm -rf", "idempotencyKey": "k1"] as JSONValue))
                box.set(try await socket.response(id: "x"))
            }
            #expect(box.value?["error"]?["details"]?["code"] == "CONTROL_UI_ORIGIN_NOT_ALLOWED")
            #expect(close.code == 1008)
            let sessions = try await gateway.withClient(gateway.clientConfiguration()) { client in try await client.call(SessionsList.self, .init()) }
            #expect(sessions.sessions.isEmpty)
        }
    }

    @Test("the adapter socket refuses a page too, before register")
    func adapterRefusesPages() async throws {
        try await TestGateway.with(overrides: [:]) { gateway in
            let box = ResponseBox()
            let close = try await RawSocket.session(url: gateway.url + "/adapter", headers: ["Origin": "http://evil.example"]) { socket in
                try await socket.send(text: #"{"type":"register","node_id":"discord-1","platform":"discord"}"#)
                box.set(try await socket.receive())
            }
            #expect(box.value?["type"] == "error" && box.value?["code"] == "origin_not_allowed")
            #expect(close.code == 1008)
            let status = try await gateway.withClient(gateway.clientConfiguration()) { client in try await client.call(ChannelsStatus.self, .init()) }
            #expect(status.channelAccounts["adapter"]?.isEmpty ?? true)
        }
    }

    @Test("the gateway's own page connects, asking for nothing gets read and write, never admin")
    func ownPageIsNeverAdmin() async throws {
        try await TestGateway.with { gateway in
            let origin = "http://127.0.0.1:\(gateway.port)"
            let box = ResponseBox()
            let adminCall = ResponseBox()
            _ = try await RawSocket.session(url: gateway.url, headers: ["Origin": origin]) { socket in
                box.set(try await socket.handshake(.test(min: 3, max: 3, scopes: nil)).response)
                adminCall.set(try await socket.call("config.get", params: [:]))
                try await socket.close()
            }
            #expect(box.value?["ok"] == true)
            #expect(adminCall.value?["ok"] == false)
            #expect(adminCall.value?["error"]?["message"]?.stringValue?.contains("operator.admin") == true)
            // Asking for admin outright is refused with the way to get it.
            let (asked, close) = try await connect(gateway, origin: origin, params: .test(scopes: [.admin]))
            #expect(asked?["error"]?["details"]?["code"] == "CONTROL_UI_DEVICE_IDENTITY_REQUIRED")
            #expect(asked?["error"]?["message"]?.stringValue?.contains("paired device") == true)
            #expect(close.code == 1008)
            // localhost is the same gateway; an allowed non-browser client (no Origin) is still the owner.
            #expect(try await connect(gateway, origin: "http://localhost:\(gateway.port)").response?["ok"] == true)
            #expect(try await connect(gateway, origin: nil, params: .test(scopes: [.admin])).response?["ok"] == true)
        }
    }

    @Test("gateway.controlUi.allowedOrigins lets a configured site in")
    func allowedOrigins() async throws {
        let config = #"{ gateway: { controlUi: { allowedOrigins: ["https://ui.example.com"] } } }"#
        try await TestGateway.with(config: config) { gateway in
            let allowed = try await connect(gateway, origin: "https://ui.example.com")
            let other = try await connect(gateway, origin: "https://other.example.com")
            #expect(allowed.response?["ok"] == true)
            #expect(other.close.code == 1008)
        }
    }

    @Test("DNS rebinding: a foreign Host gets 403 on every HTTP route and on the upgrade")
    func foreignHostIsRefused() async throws {
        try await TestGateway.with { gateway in
            for path in ["/", "/health", "/ready", "/metrics", "/chat", "/nope"] {
                let response = try await PlainHTTP.get(port: gateway.port, path: path, headers: ["Host": "evil.example:\(gateway.port)"])
                #expect(response.status == 403, "\(path)")
                #expect(response.body.contains("HOST_NOT_ALLOWED"), "\(path)")
            }
            #expect(try await PlainHTTP.get(port: gateway.port, path: "/health", headers: ["Host": "localhost:\(gateway.port)"]).status == 200)
            let tcp = try await RawTCP.connect(port: gateway.port)
            try await tcp.send(WebSocketWire.upgradeRequest(host: "evil.example:\(gateway.port)"))
            try await tcp.waitUntilClosed(timeout: .seconds(10))
            let answer = String(decoding: tcp.received, as: UTF8.self)
            #expect(answer.hasPrefix("HTTP/1.1 403"))
            #expect(!answer.contains("101"))
        }
    }

    @Test("HTTP requests from a foreign page are refused; /metrics, /health and the page")
    func foreignOriginOverHTTP() async throws {
        try await TestGateway.with { gateway in
            for path in ["/metrics", "/health", "/"] {
                let response = try await PlainHTTP.get(port: gateway.port, path: path, headers: ["Origin": "http://evil.example"])
                #expect(response.status == 403, "\(path)")
                #expect(response.body.contains("CONTROL_UI_ORIGIN_NOT_ALLOWED"), "\(path)")
            }
            #expect(try await PlainHTTP.get(port: gateway.port, path: "/health", headers: ["Origin": "http://127.0.0.1:\(gateway.port)"]).status == 200)
        }
    }
}

/// The same attacks from a real page in headless Chromium.
@Suite("Browser attacks in Chromium", .timeLimit(.minutes(3)), .serialized)
struct ChromiumAttackTests {
    @Test("a page on another origin, or behind a rebinding name, cannot connect or read; WebChat still connects")
    func foreignPagesFail() async throws {
        try await TestGateway.with { gateway in
            let script = FileManager.default.currentDirectoryPath + "/Tests/browser/cross_origin_attack.py"
            let browser = try ChildProcess(
                executable: "/usr/bin/env", arguments: ["python3", script, String(gateway.port)], environment: ProcessInfo.processInfo.environment
            )
            defer { browser.terminate() }
            let line = try await browser.waitForLine(containing: "RESULT ", timeout: .seconds(120))
            let json = String(line[line.range(of: "RESULT ")!.upperBound...])
            let result = try GatewayJSON.decoder.decode(JSONValue.self, from: Data(json.utf8))
            print("Chromium attack results: \(json)")
            let crossOrigin = try unwrap(result["cross_origin"])
            #expect(crossOrigin["ws"] == "refused")
            #expect(crossOrigin["error"]?["details"]?["code"] == "CONTROL_UI_ORIGIN_NOT_ALLOWED")
            #expect(crossOrigin["closeCode"] == 1008)
            #expect(crossOrigin["fetch"] == "blocked")
            // Behind a rebinding name the upgrade itself is refused (403), so the socket just fails.
            let rebinding = try unwrap(result["rebinding"])
            #expect(rebinding["ws"] == "failed")
            #expect(rebinding["fetch"] == "blocked")
            #expect(result["rebinding_read"]?["status"] == 403)
            #expect(result["rebinding_read"]?["body"]?.stringValue?.contains("HOST_NOT_ALLOWED") == true)
            #expect(result["webchat"] == "connected")
            #expect(try await browser.waitForExit(timeout: .seconds(20)) == 0)
        }
    }
}
