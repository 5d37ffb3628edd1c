import Foundation
import SwitchboardTesting
import Testing

/// How `/control` is served: a strict Content-Security-Policy that pins the page's one script,
/// no framing, the browser checks first, and off when `gateway.controlUi.enabled` is false.
@Suite(.timeLimit(.minutes(2)))
struct ControlUIRouteTests {
    @Test("served with a CSP pinning its script by hash, no framing, no referrer; /control/ too; listed in the JSON summary")
    func headers() async throws {
        try await TestGateway.with { gateway in
            let page = try await PlainHTTP.get(port: gateway.port, path: "/control")
            #expect(page.status == 200)
            let csp = try #require(page.headers["content-security-policy"])
            #expect(csp.contains("default-src 'none'") && csp.contains("script-src 'sha256-") && csp.contains("frame-ancestors 'none'"))
            #expect(!csp.contains("unsafe-eval") && !csp.contains("script-src 'unsafe-inline'"))
            #expect(page.headers["x-frame-options"] == "DENY" && page.headers["referrer-policy"] == "no-referrer")
            #expect(page.headers["x-content-type-options"] == "nosniff")
            #expect(page.body.contains("Switchboard Control") && page.body.components(separatedBy: "<script>").count == 2)
            #expect(try await PlainHTTP.get(port: gateway.port, path: "/control/").status == 200)
            let summary = try await PlainHTTP.get(port: gateway.port, path: "/", headers: ["Accept": "application/json"])
            #expect(summary.body.contains(#""controlUi":"/control""#))
            // WebChat links to it.
            #expect(try await PlainHTTP.get(port: gateway.port, path: "/chat").body.contains(#"href="/control""#))
        }
    }

    @Test("a foreign Host or page Origin gets 403 before the page; disabled, it is a 404")
    func guardedAndDisabled() async throws {
        try await TestGateway.with { gateway in
            let rebinding = try await PlainHTTP.get(port: gateway.port, path: "/control", headers: ["Host": "evil.example:\(gateway.port)"])
            #expect(rebinding.status == 403 && rebinding.body.contains("HOST_NOT_ALLOWED"))
            let foreign = try await PlainHTTP.get(port: gateway.port, path: "/control", headers: ["Origin": "http://evil.example"])
            #expect(foreign.status == 403 && foreign.body.contains("CONTROL_UI_ORIGIN_NOT_ALLOWED"))
        }
        try await TestGateway.with(overrides: ["gateway.controlUi.enabled": "false"]) { gateway in
            let disabled = try await PlainHTTP.get(port: gateway.port, path: "/control")
            #expect(disabled.status == 404)
        }
    }
}
