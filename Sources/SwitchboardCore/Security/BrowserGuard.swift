import Hummingbird
import Logging
import Synchronization
import SwitchboardProtocol

/// Applies ``BrowserOriginPolicy`` to every request on the gateway port before anything else
/// looks at it: HTTP routes through ``BrowserGuardMiddleware``, WebSocket upgrades in
/// ``GatewayServerChannel``. Built once the port is bound (port 0 picks it at run time); the
/// keys it reads restart the gateway when they change.
final class BrowserGuard: Sendable {
    private let configuration: GatewayConfiguration
    private let boundPort: PortBox
    private let cached = Mutex<BrowserOriginPolicy?>(nil)

    init(configuration: GatewayConfiguration, boundPort: PortBox) {
        self.configuration = configuration
        self.boundPort = boundPort
    }

    var policy: BrowserOriginPolicy {
        cached.withLock { cached in
            if let cached { return cached }
            let gateway = configuration.gateway
            let policy = BrowserOriginPolicy(
                port: boundPort.port ?? gateway.port, loopbackBind: configuration.isLoopbackBind, allowedOrigins: gateway.controlUi.allowedOrigins,
                publicUrl: gateway.publicUrl
            )
            if boundPort.port != nil { cached = policy }
            return policy
        }
    }

    /// What a refused request is told: the OpenClaw code and a message naming the fix.
    struct Refusal: Sendable, Equatable {
        var code: String
        var message: String
        var reason: String
        var hostRefused: Bool
    }

    func check(origin: String?, host: String?) -> Refusal? {
        let (verdict, hostRefused) = policy.check(origin: origin, host: host)
        guard case .refused(let reason) = verdict else { return nil }
        if hostRefused {
            return Refusal(
                code: "HOST_NOT_ALLOWED",
                message: "host not allowed (\(reason)); connect to 127.0.0.1 or localhost, or set gateway.bind and gateway.publicUrl",
                reason: reason, hostRefused: true
            )
        }
        return Refusal(
            code: GatewayDetailCode.controlUiOriginNotAllowed.rawValue,
            message: "origin not allowed (open the Control UI from the gateway host or allow it in gateway.controlUi.allowedOrigins)",
            reason: reason, hostRefused: false
        )
    }

    /// The JSON body of a refused HTTP request.
    static func response(_ refusal: Refusal) -> Response {
        HTTPRoutes.json(
            .forbidden, ["ok": false, "error": ["code": .string(refusal.code), "message": .string(refusal.message), "reason": .string(refusal.reason)]]
        )
    }
}

/// Refuses HTTP requests from foreign pages and DNS-rebinding hosts before any route runs.
struct BrowserGuardMiddleware<Context: Hummingbird.RequestContext>: RouterMiddleware {
    let guardian: BrowserGuard
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let host = request.head.authority
        let origin = BrowserOriginPolicy.browserOrigin(among: request.headers[values: .origin])
        if let refusal = guardian.check(origin: origin, host: host) {
            logger.notice(
                "http request refused", metadata: ["sb.http.path": "\(request.uri.path.prefix(100))", "sb.refusal": "\(refusal.code)", "sb.reason": "\(refusal.reason)"]
            )
            return BrowserGuard.response(refusal)
        }
        return try await next(request, context)
    }
}
