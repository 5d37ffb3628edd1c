import Testing

@testable import SwitchboardCore

/// The origin and host rules as a pure value.
struct BrowserOriginPolicyTests {
    let loopback = BrowserOriginPolicy(port: 18789, loopbackBind: true, allowedOrigins: ["https://ui.example.com"], publicUrl: "https://gw.example.net/base")
    let lan = BrowserOriginPolicy(port: 18789, loopbackBind: false, allowedOrigins: [], publicUrl: nil)

    @Test func theGatewaysOwnLoopbackOriginsPassOthersDoNot() {
        for origin in ["http://127.0.0.1:18789", "http://localhost:18789", "http://[::1]:18789", "HTTP://LOCALHOST:18789/", "https://127.0.0.1:18789"] {
            #expect(loopback.checkOrigin(origin, host: "127.0.0.1:18789") == .allowed, "\(origin)")
        }
        for origin in ["http://evil.example", "null", "http://127.0.0.1:5173", "http://localhost", "file://", "http://127.0.0.1:18789.evil.example",
            "http://user@127.0.0.1:18789", "javascript:alert(1)", "chrome-extension://abcdef", "http://127.0.0.1:18789/path"]
        {
            #expect(loopback.checkOrigin(origin, host: "127.0.0.1:18789") != .allowed, "\(origin)")
        }
    }

    @Test func configuredOriginsAndThePublicURLPass() {
        #expect(loopback.checkOrigin("https://ui.example.com", host: "127.0.0.1") == .allowed)
        #expect(loopback.checkOrigin("https://ui.example.com:443", host: "127.0.0.1") == .allowed)
        #expect(loopback.checkOrigin("http://ui.example.com", host: "127.0.0.1") != .allowed)
        #expect(loopback.checkOrigin("https://gw.example.net", host: "127.0.0.1") == .allowed)
        let any = BrowserOriginPolicy(port: 1, loopbackBind: true, allowedOrigins: ["*"], publicUrl: nil)
        #expect(any.checkOrigin("https://anything.example", host: nil) == .allowed)
    }

    @Test func nonBrowserClientsAreNotJudgedByOrigin() {
        #expect(loopback.checkOrigin(nil, host: nil) == .allowed)
        // Client libraries send their ws:// URL as Origin; no page can.
        #expect(loopback.checkOrigin("ws://127.0.0.1", host: "127.0.0.1:18789") == .allowed)
        #expect(BrowserOriginPolicy.browserOrigin("wss://x") == nil)
        #expect(BrowserOriginPolicy.browserOrigin("http://x") == "http://x")
    }

    @Test func onALoopbackBindHostMustBeLoopback() {
        for host in ["127.0.0.1:18789", "localhost", "LOCALHOST:1", "[::1]:18789", "127.1.2.3", "app.localhost:18789", "localhost."] {
            #expect(loopback.checkHost(host) == .allowed, "\(host)")
        }
        for host in ["evil.example", "evil.example:18789", "127.0.0.1.nip.io", "192.168.1.5:18789", "", "a b", "[::1"] {
            #expect(loopback.checkHost(host) != .allowed, "\(host)")
        }
        #expect(lan.checkHost("gateway.lan:18789") == .allowed)
    }

    @Test func onALANBindAPageLoadedByIPLiteralFromThisGatewayPasses() {
        #expect(lan.checkOrigin("http://192.168.1.5:18789", host: "192.168.1.5:18789") == .allowed)
        // A DNS name could be rebound; an IP literal on another port is another server.
        #expect(lan.checkOrigin("http://gateway.lan:18789", host: "gateway.lan:18789") != .allowed)
        #expect(lan.checkOrigin("http://192.168.1.5:8080", host: "192.168.1.5:8080") != .allowed)
        #expect(lan.checkOrigin("http://192.168.1.6:18789", host: "192.168.1.5:18789") != .allowed)
    }
}
