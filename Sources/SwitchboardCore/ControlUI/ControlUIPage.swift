import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import SwitchboardChannels

/// The Control UI at `/control`: one page, its script inline and pinned by hash in a strict
/// Content-Security-Policy (no other script, no framing, connections to this origin only). It
/// uses only the public WebSocket API, as any operator app would.
enum ControlUIPage {
    static let path = "/control"

    static let script: String = [
        ControlUIConnectionScript.source, WebChatPage.markdownRenderer, ControlUISessionsScript.source, ControlUIOperationsScript.source,
        ControlUIConfigScript.source, ControlUIMonitorScript.source, "connect();\n",
    ].joined(separator: "\n")

    static let html: String = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="referrer" content="no-referrer">
        <title>Switchboard Control</title>
        <style>\(ControlUIMarkup.style)</style>
        </head>
        <body>
        \(ControlUIMarkup.body)
        <script>\(script)</script>
        </body>
        </html>
        """

    static let contentSecurityPolicy: String = {
        let hash = Data(SHA256.hash(data: Data(script.utf8))).base64EncodedString()
        return
            "default-src 'none'; script-src 'sha256-\(hash)'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    }()

    static let body = ByteBuffer(string: html)

    static func response() -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-store", .contentSecurityPolicy: contentSecurityPolicy,
                .xContentTypeOptions: "nosniff", HTTPField.Name("Referrer-Policy")!: "no-referrer", HTTPField.Name("X-Frame-Options")!: "DENY",
            ],
            body: .init(byteBuffer: body)
        )
    }

    /// Adds `GET /control` (the router matches `/control/` too) when `gateway.controlUi.enabled`.
    static func add(to router: Router<GatewayRequestContext>, runtime: GatewayRuntime) {
        guard runtime.configuration.gateway.controlUi.enabled else { return }
        router.get(RouterPath(path)) { _, _ in response() }
    }
}
