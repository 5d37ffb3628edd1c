import Foundation
import SwitchboardProtocol
import SwitchboardTesting
import Testing

/// Every secret the gateway compares is behind one rate limiter: connect, /metrics, register.
@Suite("Secret rate limits", .timeLimit(.minutes(2)))
struct SecretRateLimitTests {
    static let config = #"{ gateway: { auth: { token: "right-token", rateLimitMaxAttempts: 3, rateLimitWindowMs: 60000 } } }"#

    func connect(_ gateway: TestGateway, token: String, origin: String? = nil) async throws -> JSONValue? {
        let box = ResponseBox()
        _ = try await RawSocket.session(url: gateway.url, headers: origin.map { ["Origin": $0] } ?? [:]) { socket in
            box.set(try await socket.handshake(.test(token: token)).response)
            if box.value?["ok"] == true { try await socket.close() }
        }
        return box.value
    }

    @Test("a page's failed guesses are limited per origin and never lock out the owner's CLI")
    func browserFailuresDoNotLockOutTheCLI() async throws {
        try await TestGateway.with(config: Self.config) { gateway in
            let page = "http://127.0.0.1:\(gateway.port)"
            for _ in 0..<3 { #expect(try await connect(gateway, token: "guess", origin: page)?["error"]?["details"]?["code"] == "AUTH_TOKEN_MISMATCH") }
            // Limited now: even the right token is not compared.
            let limited = try await connect(gateway, token: "right-token", origin: page)
            #expect(limited?["error"]?["details"]?["code"] == "AUTH_RATE_LIMITED")
            #expect((limited?["error"]?["retryAfterMs"]?.intValue ?? 0) > 0)
            // The CLI on the same loopback address has its own bucket.
            #expect(try await connect(gateway, token: "right-token")?["ok"] == true)
        }
    }

    @Test("/metrics bearer guesses get 429 with Retry-After")
    func metricsBearerIsLimited() async throws {
        try await TestGateway.with(config: Self.config) { gateway in
            for _ in 0..<3 {
                #expect(try await PlainHTTP.get(port: gateway.port, path: "/metrics", headers: ["Authorization": "Bearer guess"]).status == 401)
            }
            let limited = try await PlainHTTP.get(port: gateway.port, path: "/metrics", headers: ["Authorization": "Bearer right-token"])
            #expect(limited.status == 429)
            #expect(Int(limited.headers["retry-after"] ?? "") ?? 0 > 0)
            #expect(limited.body.contains("AUTH_RATE_LIMITED"))
        }
    }

    @Test("adapter register.secret guesses are limited")
    func adapterSecretIsLimited() async throws {
        try await TestGateway.with(config: Self.config) { gateway in
            func register(_ secret: String) async throws -> JSONValue? {
                let box = ResponseBox()
                _ = try await RawSocket.session(url: gateway.url + "/adapter") { socket in
                    try await socket.send(text: #"{"type":"register","node_id":"n1","platform":"discord","secret":"\#(secret)"}"#)
                    box.set(try await socket.receive())
                    if box.value?["type"] == "registered" { try await socket.close() }
                }
                return box.value
            }
            for _ in 0..<3 { #expect(try await register("guess")?["code"] == "unauthorized") }
            #expect(try await register("right-token")?["code"] == "rate_limited")
            // One limiter: the same address is now limited on /metrics as well.
            let metrics = try await PlainHTTP.get(port: gateway.port, path: "/metrics", headers: ["Authorization": "Bearer right-token"])
            #expect(metrics.status == 429)
        }
    }
}
