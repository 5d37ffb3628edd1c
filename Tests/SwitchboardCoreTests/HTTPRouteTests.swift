import Foundation
import SwitchboardProtocol
import SwitchboardTesting
import Testing

@Suite(.timeLimit(.minutes(1)))
struct HTTPRouteTests {
    @Test func livenessReadinessAndJSON404() async throws {
        try await TestGateway.with(config: #"{ gateway: { auth: { token: "hidden-token" } } }"#) { gateway in
            for path in ["/health", "/healthz"] {
                let response = try await PlainHTTP.get(port: gateway.port, path: path)
                #expect(response.status == 200 && response.body == #"{"ok":true,"status":"live"}"#)
                #expect(response.headers["content-type"]?.hasPrefix("application/json") == true)
            }
            for path in ["/ready", "/readyz"] {
                let response = try await PlainHTTP.get(port: gateway.port, path: path)
                #expect(response.status == 200 && response.body == #"{"ok":true,"status":"ready"}"#)
            }
            let missing = try await PlainHTTP.get(port: gateway.port, path: "/no/such/thing")
            #expect(missing.status == 404)
            let body = try GatewayJSON.decoder.decode(JSONValue.self, from: Data(missing.body.utf8))
            #expect(body["error"]?["code"] == "NOT_FOUND" && body["error"]?["message"] == "no route for GET /no/such/thing")
            // Unauthenticated routes reveal status only.
            #expect(!missing.body.contains("hidden-token"))
        }
    }
}
