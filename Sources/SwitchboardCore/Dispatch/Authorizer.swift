import SwitchboardProtocol

/// The role and scope rules of §4, and the error shape each protocol version expects.
enum Authorizer {
    /// nil when `principal` may call `method`; otherwise the error to send.
    static func check(method: String, access: MethodAccess, principal: Principal, protocolVersion: Int) -> GatewayError? {
        switch MethodAccess.effective(for: method, declared: access) {
        case .nodeOnly:
            return principal.role == .node ? nil : .invalidRequest("unauthorized role: \(principal.role.rawValue)")
        case .anyOperator:
            return principal.role == .operator ? nil : .invalidRequest("unauthorized role: \(principal.role.rawValue)")
        case .scope(let scope):
            guard principal.role == .operator else {
                return .invalidRequest("unauthorized role: \(principal.role.rawValue)")
            }
            if scope.isSatisfied(by: principal.scopes) { return nil }
            let message = "missing scope: \(scope.rawValue)"
            if protocolVersion < 4 { return .invalidRequest(message) }
            return GatewayError(
                code: .forbidden,
                message: message,
                details: [
                    "code": .string(GatewayDetailCode.missingScope.rawValue),
                    "missingScope": .string(scope.rawValue),
                    "requiredScopes": [.string(scope.rawValue)],
                ]
            )
        }
    }
}
