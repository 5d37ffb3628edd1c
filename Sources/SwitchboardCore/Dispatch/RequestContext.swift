public import Logging
import SwitchboardProtocol

/// What a handler knows about the request it serves: small on purpose (no god object).
public struct RequestContext: Sendable {
    public var connectionId: String
    public var requestId: String
    public var principal: Principal
    public var protocolVersion: Int
    public var logger: Logger
    /// The socket this request came on (interim responses, session joins, v4 cancel).
    let connection: GatewayConnection?
}
