import Foundation
import Hummingbird
import SwitchboardProtocol
import SwitchboardStore

/// The plain-HTTP side of the gateway port: liveness, readiness and a JSON 404.
/// Unauthenticated, so they reveal status only (`/metrics` takes the gateway auth).
enum HTTPRoutes {
    static func build(runtime: GatewayRuntime) -> Router<GatewayRequestContext> {
        let router = Router(context: GatewayRequestContext.self)
        // Who may ask comes first: foreign pages and DNS-rebinding hosts get nothing.
        router.add(middleware: BrowserGuardMiddleware(guardian: runtime.browserGuard, logger: runtime.logger))
        router.add(middleware: JSONErrorMiddleware())
        let live: @Sendable (Request, GatewayRequestContext) async throws -> Response = { _, _ in
            json(.ok, ["ok": true, "status": "live"])
        }
        let ready: @Sendable (Request, GatewayRequestContext) async throws -> Response = { _, _ in
            let phase = runtime.readiness.current
            if phase == .ready, let store = runtime.storeHealth, store.isDegraded {
                // Serving, but not everything it stored can be trusted or written: not ready.
                return json(.serviceUnavailable, ["ok": false, "status": "degraded", "problems": .array(store.problems.map { .string($0) })])
            }
            return json(phase == .ready ? .ok : .serviceUnavailable, ["ok": .bool(phase == .ready), "status": .string(phase.rawValue)])
        }
        router.get("/health", use: live)
        router.get("/healthz", use: live)
        router.get("/ready", use: ready)
        router.get("/readyz", use: ready)
        if runtime.configuration.gateway.metricsEnabled {
            router.get("/metrics") { request, context in await MetricsEndpoint.respond(request, peer: context.peerAddress, runtime: runtime) }
        }
        let webchat = runtime.configuration.channels.webchatEnabled
        router.get("/") { request, _ in
            // Browsers get the chat page; API clients the service summary.
            if webchat, request.headers[.accept]?.contains("text/html") == true { return WebChatRoute.page() }
            return json(
                .ok,
                [
                    "service": "switchboard", "version": .string(runtime.version), "websocket": "/", "adapter": "/adapter", "webchat": webchat ? "/chat" : .null,
                    "controlUi": runtime.configuration.gateway.controlUi.enabled ? .string(ControlUIPage.path) : .null,
                    "health": "/health", "ready": "/ready", "metrics": runtime.configuration.gateway.metricsEnabled ? "/metrics" : .null,
                    "hooks": runtime.configuration.automation.webhooks.enabled ? .string(runtime.configuration.automation.webhooks.path) : .null,
                ]
            )
        }
        if webchat {
            router.get("/chat") { _, _ in WebChatRoute.page() }
        }
        WebhookRoutes.add(to: router, runtime: runtime)
        OpenAIRoutes.add(to: router, runtime: runtime)
        ControlUIPage.add(to: router, runtime: runtime)
        return router
    }

    static func json(_ status: HTTPResponse.Status, _ body: JSONValue) -> Response {
        var buffer = ByteBuffer()
        buffer.writeString(GatewayJSON.string(body))
        return Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: buffer)
        )
    }
}

/// Renders every HTTP error, including unmatched routes, as a JSON body.
struct JSONErrorMiddleware<Context: Hummingbird.RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            let code = error.status == .notFound ? "NOT_FOUND" : "HTTP_\(error.status.code)"
            let message = error.status == .notFound ? "no route for \(request.method.rawValue) \(request.uri.path)" : (error.body ?? error.status.reasonPhrase)
            return HTTPRoutes.json(error.status, ["ok": false, "error": ["code": .string(code), "message": .string(message)]])
        }
    }
}
