public import SwitchboardProtocol

/// Who is on the other end of an authenticated connection.
public struct Principal: Sendable, Hashable {
    public enum Method: String, Sendable, Hashable {
        /// Auth mode `none` on loopback.
        case none
        case token
        case password
        case deviceToken = "device-token"
    }

    public var role: GatewayRole
    public var scopes: [OperatorScope]
    public var deviceId: String?
    public var method: Method
    public var client: ClientInfo
    public var caps: Set<String>
    /// A node's declared commands and permissions (`connect.commands`, `connect.permissions`).
    public var commands: [String] = []
    public var permissions: [String: Bool] = [:]

    public func has(_ scope: OperatorScope) -> Bool {
        role == .operator && scope.isSatisfied(by: scopes)
    }

    public var isAdmin: Bool { role == .operator && scopes.contains(.admin) }
}
