import SwitchboardProtocol

/// What a browser page may hold without a paired device: chatting, not administering. A page
/// that the origin check let through is still only a page; admin, pairing and approvals need
/// a device identity that was paired (silently on loopback with the gateway's secret, or
/// approved by an admin).
enum BrowserScopes {
    /// Granted to a page that asks for nothing (v3 would have granted admin).
    static let defaults: [OperatorScope] = [.read, .write]
    /// What a deviceless page may ask for.
    static let allowed: Set<OperatorScope> = [.read, .write, .talk]

    /// The first requested scope a deviceless page may not hold, if any.
    static func privileged(in scopes: [OperatorScope]) -> OperatorScope? {
        scopes.first { !allowed.contains($0) }
    }

    static func deviceRequired(_ scope: OperatorScope) -> GatewayError {
        GatewayError(
            code: .invalidRequest,
            message: "\(scope.rawValue) needs a paired device: a browser page without one may hold operator.read, operator.write and operator.talk "
                + "(send a device identity with the gateway token from the gateway host to pair it)",
            details: [
                "code": .string(GatewayDetailCode.controlUiDeviceIdentityRequired.rawValue), "reason": "browser-scope",
                "requestedScope": .string(scope.rawValue), "recommendedNextStep": "review_auth_configuration",
            ]
        )
    }
}
