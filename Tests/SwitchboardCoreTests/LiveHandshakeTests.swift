import Foundation
import SwitchboardProtocol
import SwitchboardTesting
import Testing

/// §1–§3 against a real gateway on loopback.
@Suite(.timeLimit(.minutes(1)))
struct LiveHandshakeTests {
    @Test func challengeComesFirstThenHelloOK() async throws {
        try await TestGateway.with { gateway in
            let close = try await RawSocket.session(url: gateway.url) { socket in
                let (challenge, response) = try await socket.handshake(.test())
                #expect(challenge["event"] == "connect.challenge" && challenge["seq"] == nil)
                #expect(challenge["payload"]?["nonce"]?.stringValue?.isEmpty == false)
                #expect(challenge["payload"]?["ts"]?.intValue != nil)
                #expect(response["ok"] == true)
                let hello = try unwrap(response["payload"])
                #expect(hello["type"] == "hello-ok" && hello["protocol"] == 4)
                #expect(hello["policy"] == ["maxPayload": 26_214_400, "maxBufferedBytes": 52_428_800, "tickIntervalMs": 30_000])
                #expect(hello["features"]?["methods"] == .array(MethodCatalog.names.map { .string($0) }))
                #expect(hello["features"]?["events"] == .array(EventCatalog.names.map { .string($0) }))
                #expect(hello["snapshot"]?["health"]?["ok"] == true)
                #expect(hello["snapshot"]?["stateVersion"]?["presence"]?.intValue != nil)
                #expect(hello["auth"]?["role"] == "operator")
                try await socket.close()
            }
            #expect(close.code == 1000)
        }
    }

    @Test func v3ClientsGetTheV3Shape() async throws {
        try await TestGateway.with { gateway in
            _ = try await RawSocket.session(url: gateway.url) { socket in
                let (_, response) = try await socket.handshake(.test(min: 3, max: 3, scopes: nil))
                let hello = try unwrap(response["payload"])
                #expect(hello["protocol"] == 3)
                // v3: auth only when a device token was issued; no v4 capabilities list.
                #expect(hello["auth"] == nil && hello["features"]?["capabilities"] == nil)
                // OpenClaw's v3 schema closes `server` to `version` and `connId`.
                #expect(hello["server"]?["host"] == nil && hello["server"]?["connId"]?.stringValue != nil)
                try await socket.close()
            }
        }
    }

    @Test func binaryFramesAreAccepted() async throws {
        try await TestGateway.with { gateway in
            _ = try await RawSocket.session(url: gateway.url) { socket in
                let (_, response) = try await socket.handshake(.test(), binary: true)
                #expect(response["ok"] == true)
                try await socket.send(binary: Array(GatewayJSON.string(RequestFrame(id: "h", method: "health", params: JSONValue?.none)).utf8))
                #expect(try await socket.response(id: "h")?["ok"] == true)
                try await socket.close()
            }
        }
    }

    @Test func nonJSONFirstFrameIsAHardClose() async throws {
        try await TestGateway.with { gateway in
            let close = try await RawSocket.session(url: gateway.url) { socket in
                _ = try await socket.receive()
                try await socket.send(text: "GET / HTTP/1.1")
            }
            #expect(close.code == 1000 && (close.reason ?? "").isEmpty)
        }
    }

    @Test func invalidFrameShapeClosesWithoutResponse() async throws {
        try await TestGateway.with { gateway in
            let close = try await RawSocket.session(url: gateway.url) { socket in
                _ = try await socket.receive()
                try await socket.send(text: #"{"type":"event","event":"hello"}"#)
                #expect(try await socket.receive() == nil)
            }
            #expect(close.code == 1008 && close.reason == "invalid request frame")
        }
    }

    @Test func firstRequestOtherThanConnectIsRejected() async throws {
        try await TestGateway.with { gateway in
            let close = try await RawSocket.session(url: gateway.url) { socket in
                _ = try await socket.receive()
                let response = try await socket.call("health", id: "x1")
                #expect(response["ok"] == false && response["error"]?["code"] == "INVALID_REQUEST")
                #expect(response["error"]?["message"] == "invalid handshake: first request must be connect")
            }
            #expect(close.code == 1008)
        }
    }

    @Test func invalidConnectParamsAreRejectedNamingTheField() async throws {
        try await TestGateway.with { gateway in
            let close = try await RawSocket.session(url: gateway.url) { socket in
                _ = try await socket.receive()
                let response = try await socket.call("connect", params: ["minProtocol": 3, "maxProtocol": 4], id: "c")
                #expect(response["error"]?["message"] == "invalid connect params: params.client: required field missing")
            }
            #expect(close.code == 1008)
        }
    }

    @Test func protocolMismatchCloses1002() async throws {
        try await TestGateway.with { gateway in
            let close = try await RawSocket.session(url: gateway.url) { socket in
                let (_, response) = try await socket.handshake(.test(min: 1, max: 2))
                #expect(response["error"]?["message"] == "protocol mismatch")
                #expect(response["error"]?["details"]?["code"] == "PROTOCOL_MISMATCH")
                #expect(response["error"]?["details"]?["expectedProtocol"] == 4)
            }
            #expect(close.code == 1002 && close.reason == "protocol mismatch")
        }
    }

    @Test func handshakeTimeoutClosesSilently() async throws {
        try await TestGateway.with(overrides: ["gateway.handshakeTimeoutMs": "300"]) { gateway in
            let close = try await RawSocket.session(url: gateway.url) { socket in
                _ = try await socket.receive()
                // Say nothing: the gateway must close on its own.
                #expect(try await socket.receive() == nil)
            }
            #expect(close.code == 1000 && (close.reason ?? "").isEmpty)
        }
    }

    @Test func preAuthFramesAreCappedAt64KiB() async throws {
        try await TestGateway.with { gateway in
            let close = try await RawSocket.session(url: gateway.url) { socket in
                _ = try await socket.receive()
                let padding = String(repeating: "a", count: 70 * 1024)
                try await socket.send(text: #"{"type":"req","id":"1","method":"connect","params":{"pad":"\#(padding)"}}"#)
                #expect(try await socket.receive() == nil)
            }
            #expect(close.code == 1009)
        }
    }

    @Test func afterTheHandshakeLargeFramesUpToMaxPayloadWork() async throws {
        try await TestGateway.with { gateway in
            _ = try await RawSocket.session(url: gateway.url) { socket in
                _ = try await socket.handshake(.test())
                let text = String(repeating: "b", count: 200 * 1024)
                let response = try await socket.call("chat.inject", params: ["sessionKey": "big", "message": .string(text)])
                #expect(response["ok"] == true)
                try await socket.close()
            }
        }
    }
}
