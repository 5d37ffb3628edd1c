public import Logging
import SwitchboardProtocol

/// What a handler knows about the request it serves: small on purpose (no god object).
public struct RequestContext: Sendable {
    public var connectionId: String
    public var requestId: String
    public var principal: Principal
    public var protocolVersion: Int
    /// The socket this request came on (interim responses, session joins, v4 cancel).
    let connection: GatewayConnection?
    let method: String
    let baseLogger: Logger

    /// The gateway logger with this request's connection, id and method attached. Built when
    /// asked for, since most requests never log and metadata costs allocations on every one.
    public var logger: Logger {
        var logger = baseLogger
        logger[metadataKey: "sb.conn.id"] = "\(connectionId)"
        logger[metadataKey: "sb.req.id"] = "\(requestId)"
        logger[metadataKey: "sb.method"] = "\(method)"
        return logger
    }
}
