import Foundation
import SwitchboardProtocol
import SwitchboardTesting
import Testing

/// The attacks of the other security suites once more against the real `switchboard` binary
/// with its default configuration plus a token where a secret is needed.
@Suite("Security of the real binary", .timeLimit(.minutes(2)), .serialized)
struct BinarySecurityTests {
    @Test("default gateway: a foreign page is refused with 1008, a rebinding Host with 403, secrets are never shown")
    func defaultGateway() async throws {
        try await withStateDir { stateDir in
            let config = #"{ agents: { list: [{ id: "coder", runner: { command: "/bin/echo", args: ["--api-key", "sk-binary-SECRET"] } }] } }"#
            try await GatewayBinary.with(config: config, stateDir: stateDir) { binary in
                let url = "ws://127.0.0.1:\(binary.port)"
                let box = ResponseBox()
                let close = try await RawSocket.session(url: url, headers: ["Origin": "http://evil.example"]) { socket in
                    box.set(try await socket.handshake(.test(min: 3, max: 3, scopes: nil)).response)
                }
                #expect(box.value?["error"]?["details"]?["code"] == "CONTROL_UI_ORIGIN_NOT_ALLOWED")
                #expect(close.code == 1008)
                let rebinding = try await PlainHTTP.get(port: binary.port, path: "/metrics", headers: ["Host": "attacker.example:\(binary.port)"])
                #expect(rebinding.status == 403)
                // The owner's CLI-like client still gets admin, and config.get shows no secret.
                let admin = ResponseBox()
                _ = try await RawSocket.session(url: url) { socket in
                    _ = try await socket.handshake(.test(min: 3, max: 3, scopes: nil))
                    admin.set(try await socket.call("config.get", params: [:]))
                    try await socket.close()
                }
                #expect(admin.value?["ok"] == true)
                #expect(!GatewayJSON.string(try unwrap(admin.value)).contains("sk-binary-SECRET"))
            }
        }
    }

    @Test("with a token: /metrics and adapter register guesses are rate-limited by the binary")
    func rateLimits() async throws {
        try await withStateDir { stateDir in
            let config = #"{ gateway: { auth: { token: "binary-token-0123456789", rateLimitMaxAttempts: 3 } } }"#
            try await GatewayBinary.with(config: config, stateDir: stateDir) { binary in
                for _ in 0..<3 {
                    #expect(try await PlainHTTP.get(port: binary.port, path: "/metrics", headers: ["Authorization": "Bearer guess"]).status == 401)
                }
                let limited = try await PlainHTTP.get(port: binary.port, path: "/metrics", headers: ["Authorization": "Bearer binary-token-0123456789"])
                #expect(limited.status == 429 && limited.headers["retry-after"] != nil)
                let box = ResponseBox()
                _ = try await RawSocket.session(url: "ws://127.0.0.1:\(binary.port)/adapter") { socket in
                    try await socket.send(text: #"{"type":"register","node_id":"n","platform":"discord","secret":"binary-token-0123456789"}"#)
                    box.set(try await socket.receive())
                }
                #expect(box.value?["code"] == "rate_limited")
            }
        }
    }
}
