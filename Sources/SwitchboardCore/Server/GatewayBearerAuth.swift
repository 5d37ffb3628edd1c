import Hummingbird

/// The gateway's own secret on an HTTP route (`/metrics`, the OpenAI-compatible API):
/// `Authorization: Bearer <token or password>`, compared in constant time under the shared
/// rate limiter (a page's failures count against its origin, other clients' against their
/// address). No secret is needed when the gateway runs without auth (loopback only).
enum GatewayBearerAuth {
    enum Outcome: Equatable {
        case passed
        /// Missing or wrong; `mode` names what to send (`token` or `password`).
        case refused(mode: String, presented: Bool)
        case limited(retryAfterMs: Int)
    }

    static func check(_ request: Request, peer: String, runtime: GatewayRuntime) -> Outcome {
        let auth = runtime.configuration.gateway.auth
        let secret: String? =
            switch auth.effectiveMode {
            case .none: nil
            case .token: auth.token
            case .password: auth.password
            }
        guard let secret else { return .passed }
        let header = request.headers[.authorization] ?? ""
        let presented = header.hasPrefix("Bearer ") ? String(header.dropFirst(7)) : ""
        let key = AuthRateLimiter.key(origin: BrowserOriginPolicy.browserOrigin(among: request.headers[values: .origin]), address: peer)
        switch runtime.authLimiter.attempt(key: key, nowMs: runtime.clock.nowMs(), { !presented.isEmpty && SecretComparison.equal(presented, secret) }) {
        case .passed: return .passed
        case .failed: return .refused(mode: auth.effectiveMode.rawValue, presented: !presented.isEmpty)
        case .limited(let retryAfterMs):
            runtime.host.metrics.recordAuthRateLimited()
            return .limited(retryAfterMs: retryAfterMs)
        }
    }
}
