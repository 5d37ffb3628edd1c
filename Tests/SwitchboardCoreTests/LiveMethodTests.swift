import Foundation
import SwitchboardClient
import SwitchboardCore
import SwitchboardProtocol
import SwitchboardTesting
import Testing

/// The methods of this issue, their errors and their scopes, over real sockets.
@Suite(.timeLimit(.minutes(1)))
struct LiveMethodTests {
    @Test func typedCallsReturnTheDocumentedShapes() async throws {
        try await TestGateway.with { gateway in
            try await gateway.withClient { client in
                let health = try await client.call(Health.self, .init(probe: true))
                #expect(health.ok && health.defaultAgentId == "main")
                let status = try await client.call(Status.self)
                #expect(status.port == gateway.port && status.protocolVersions == [3, 4] && status.stateDir == gateway.paths.stateDir)
                #expect(status.pid == Int(ProcessInfo.processInfo.processIdentifier))
                #expect(try await client.call(LastHeartbeat.self) == nil)
                let presence = try await client.call(SystemPresence.self)
                #expect(presence.first?.mode == "gateway")
                let result = try await client.call(SystemEvent.self, .init(text: "hello from test"))
                #expect(result.ok)
                let after = try await client.call(SystemPresence.self)
                #expect(after.contains { $0.text == "hello from test" })
            }
        }
    }

    @Test func unknownMethodsMalformedFramesAndBadParamsKeepTheSocketOpen() async throws {
        try await TestGateway.with { gateway in
            _ = try await RawSocket.session(url: gateway.url) { socket in
                _ = try await socket.handshake(.test())
                let heartbeat = try await socket.call("last-heartbeat", id: "hb")
                #expect(heartbeat["ok"] == true && heartbeat["payload"] == .null)
                let unknown = try await socket.call("does.not.exist", id: "u")
                #expect(unknown["error"]?["code"] == "INVALID_REQUEST" && unknown["error"]?["message"] == "unknown method: does.not.exist")
                try await socket.send(text: "{{{ not json")
                let malformed = try unwrap(try await socket.response(id: "invalid"))
                #expect(malformed["error"]?["message"]?.stringValue?.hasPrefix("invalid request frame") == true)
                try await socket.send(text: #"{"type":"event","id":"e1","event":"x"}"#)
                #expect(try await socket.response(id: "e1")?["error"]?["message"] == #"invalid request frame: expected type "req", got "event""#)
                let badParams = try await socket.call("logs.tail", params: ["limit": "ten"], id: "p")
                #expect(badParams["error"]?["message"] == "invalid params: params.limit: expected integer")
                let missing = try await socket.call("system-event", params: [:], id: "m")
                #expect(missing["error"]?["message"] == "invalid params: params.text: required field missing")
                let range = try await socket.call("logs.tail", params: ["limit": 0], id: "r")
                #expect(range["error"]?["message"] == "invalid params: params.limit: expected an integer from 1 to 5000")
                let again = try await socket.call("connect", params: nil, id: "c2")
                #expect(again["error"]?["code"] == "INVALID_REQUEST")
                // v4 cancel frames are accepted silently.
                try await socket.send(json: CancelFrame(id: "whatever"))
                #expect(try await socket.call("health", id: "still-open")["ok"] == true)
                try await socket.close()
            }
        }
    }

    @Test func scopesAreEnforcedPerProtocolVersion() async throws {
        try await TestGateway.with { gateway in
            _ = try await RawSocket.session(url: gateway.url) { socket in
                _ = try await socket.handshake(.test(min: 4, max: 4, scopes: [.read]))
                #expect(try await socket.call("health")["ok"] == true)
                let denied = try await socket.call("system-event", params: ["text": "x"])
                #expect(denied["error"]?["code"] == "FORBIDDEN" && denied["error"]?["message"] == "missing scope: operator.admin")
                #expect(denied["error"]?["details"]?["code"] == "MISSING_SCOPE")
                #expect(try await socket.call("config.get")["error"]?["details"]?["missingScope"] == "operator.admin")
                try await socket.close()
            }
            _ = try await RawSocket.session(url: gateway.url) { socket in
                _ = try await socket.handshake(.test(min: 3, max: 3, scopes: [.read]))
                let denied = try await socket.call("system-event", params: ["text": "x"])
                #expect(denied["error"]?["code"] == "INVALID_REQUEST" && denied["error"]?["message"] == "missing scope: operator.admin")
                try await socket.close()
            }
            // v3 with no scopes means admin; v4 with none means nothing but health.
            _ = try await RawSocket.session(url: gateway.url) { socket in
                _ = try await socket.handshake(.test(min: 3, max: 3, scopes: nil))
                #expect(try await socket.call("system-event", params: ["text": "x"])["ok"] == true)
                try await socket.close()
            }
            _ = try await RawSocket.session(url: gateway.url) { socket in
                _ = try await socket.handshake(.test(min: 4, max: 4, scopes: []))
                #expect(try await socket.call("health")["ok"] == true)
                #expect(try await socket.call("status")["error"]?["code"] == "FORBIDDEN")
                try await socket.close()
            }
        }
    }

    @Test func logsTailReadsTheLogFileByCursor() async throws {
        try await TestGateway.with { gateway in
            try await gateway.withClient { client in
                let first = try await client.call(LogsTail.self, .init(limit: 5))
                #expect(first.file == gateway.logFile && first.cursor == first.size && first.lines.count <= 5)
                #expect(first.lines.allSatisfy { (try? GatewayJSON.decoder.decode(JSONValue.self, from: Data($0.utf8))) != nil })
                // New activity appears after the cursor.
                _ = try await client.call(SystemEvent.self, .init(text: "marker"))
                let next = try await withTimeout(.seconds(10), "new log lines") {
                    while true {
                        let page = try await client.call(LogsTail.self, .init(cursor: first.cursor))
                        if !page.lines.isEmpty { return page }
                        _ = try await client.call(Health.self, .init(probe: true))
                    }
                }
                #expect(next.cursor > first.cursor)
                let reset = try await client.call(LogsTail.self, .init(cursor: 1 << 40))
                #expect(reset.reset == true)
            }
        }
    }

    @Test func configGetIsRedactedAndHashed() async throws {
        let config = #"{ gateway: { auth: { token: "tok-abc" }, tickIntervalMs: 30000 } }"#
        try await TestGateway.with(config: config) { gateway in
            try await gateway.withClient(gateway.clientConfiguration(token: "tok-abc")) { client in
                let result = try await client.call(ConfigGet.self)
                #expect(result.exists && result.valid && result.path == gateway.paths.configPath)
                #expect(result.config["gateway"]?["auth"]?["token"] == "__REDACTED__")
                #expect(result.effective["gateway"]?["port"] == 0)
                #expect(result.hash.count == 64)
                let raw = try await client.callRaw(method: "config.get", params: nil)
                #expect(!GatewayJSON.string(raw).contains("tok-abc"))
            }
        }
    }

    @Test func registryMatchesTheCatalog() async throws {
        try await TestGateway.with { gateway in
            let application = try #require(gateway.application)
            #expect(application.methodNames == MethodCatalog.names)
        }
    }

    @Test func inFlightRequestsAreBoundedPerConnection() async throws {
        try await TestGateway.with(overrides: ["gateway.maxInFlightRequests": "1"]) { gateway in
            _ = try await RawSocket.session(url: gateway.url) { socket in
                _ = try await socket.handshake(.test())
                // Fire many at once; each gets an answer, some may be refused with a clear error.
                for index in 0..<50 {
                    try await socket.send(json: RequestFrame(id: "r\(index)", method: "health", params: JSONValue?.none))
                }
                var answered = Set<String>()
                while answered.count < 50, let frame = try await socket.receive() {
                    guard frame["type"] == "res", let id = frame["id"]?.stringValue else { continue }
                    answered.insert(id)
                    if frame["ok"] == false {
                        #expect(frame["error"]?["message"]?.stringValue?.contains("gateway.maxInFlightRequests") == true)
                    }
                }
                #expect(answered.count == 50)
                try await socket.close()
            }
        }
    }
}
