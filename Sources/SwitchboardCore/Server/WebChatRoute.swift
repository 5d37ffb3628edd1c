import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import SwitchboardChannels

/// Serves the WebChat page with a strict Content-Security-Policy: only the page's own inline
/// script (pinned by hash) runs, and it may connect back to this origin only.
enum WebChatRoute {
    static let body: ByteBuffer = ByteBuffer(string: WebChatPage.html)

    static let contentSecurityPolicy: String = {
        let html = WebChatPage.html
        guard let open = html.range(of: "<script>"), let close = html.range(of: "</script>", range: open.upperBound..<html.endIndex) else {
            return "default-src 'none'"
        }
        let script = String(html[open.upperBound..<close.lowerBound])
        let hash = Data(SHA256.hash(data: Data(script.utf8))).base64EncodedString()
        return
            "default-src 'none'; script-src 'sha256-\(hash)'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    }()

    static func page() -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-store", .contentSecurityPolicy: contentSecurityPolicy,
                .xContentTypeOptions: "nosniff", HTTPField.Name("Referrer-Policy")!: "no-referrer",
            ],
            body: .init(byteBuffer: body)
        )
    }
}
